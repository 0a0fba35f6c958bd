// Accountant throughput (run `npm run build` first). One JSON line per case, CPU seconds from
// process.cpuUsage (robust to load from other processes), ratio against a baseline in the
// same run (> 1: faster than the baseline).
//   RDP: epsilon for DP-SGD at delta 1e-5 over dp_accounting's 156 orders, each call with a new
//   noise multiplier (cold: no cached RDP curve) or the same one at a new step count (warm: the
//   training-loop query). Baseline: the naive sweep that evaluates every order (exhaustive),
//   cold. Target: 10,000 epsilon computations per second.
//   PLD: TF Privacy's MNIST setting (14,062 steps, interval 1e-4) by repeated squaring; and
//   256 steps by repeated squaring versus 256 sequential convolutions (baseline).
//     node bench/privacy-accountant.mjs

import {
  composePld,
  identityPld,
  pldEpsilon,
  pldFromCurve,
  selfComposePld,
} from "../dist/privacy/accounting/pld.js";
import { sampledGaussianRemoveCurve } from "../dist/privacy/accounting/pld-curves.js";
import { clearRdpCache, dpSgdEvent, PldAccountant, RdpAccountant } from "../dist/privacy/index.js";

const cpu = (f) => {
  const u0 = process.cpuUsage();
  const out = f();
  const u = process.cpuUsage(u0);
  return { seconds: (u.user + u.system) / 1e6, out };
};
const line = (o) => console.log(JSON.stringify(o));
const Q = 256 / 60000;

function rdpRate(n, { exhaustive, warm }) {
  clearRdpCache();
  const { seconds } = cpu(() => {
    for (let i = 0; i < n; i++) {
      const sigma = warm ? 1.1 : 0.8 + i * 1e-5;
      const steps = warm ? 1000 + i : 14062;
      new RdpAccountant({ exhaustive }).compose(dpSgdEvent(Q, sigma, steps)).getEpsilon(1e-5);
    }
  });
  return n / seconds;
}

rdpRate(200, { exhaustive: false, warm: false }); // warm up the JIT
const baseline = rdpRate(2000, { exhaustive: true, warm: false });
line({ case: "rdp-exhaustive-cold (baseline)", perSecond: Math.round(baseline), ratio: 1 });
for (const warm of [false, true]) {
  const rate = rdpRate(warm ? 50000 : 2000, { exhaustive: false, warm });
  line({
    case: `rdp-pruned-${warm ? "warm" : "cold"}`,
    perSecond: Math.round(rate),
    ratio: Number((rate / baseline).toFixed(2)),
  });
}

const mnist = cpu(
  () => new PldAccountant().compose(dpSgdEvent(Q, 1.1, 14062)).getEpsilon(1e-5).epsilon,
);
line({
  case: "pld-mnist-14062-steps-1e-4",
  seconds: Number(mnist.seconds.toFixed(2)),
  epsilon: mnist.out,
});

const single = pldFromCurve(sampledGaussianRemoveCurve(0.01, 1), 1e-3, 1e-16);
const sequential = cpu(() => {
  let acc = identityPld(1e-3);
  for (let i = 0; i < 256; i++) acc = composePld(acc, single, 1e-12);
  return pldEpsilon(acc, 1e-5);
});
const squaring = cpu(() => pldEpsilon(selfComposePld(single, 256, 1e-12), 1e-5));
line({
  case: "pld-256-steps-sequential (baseline)",
  seconds: Number(sequential.seconds.toFixed(3)),
  epsilon: sequential.out,
  ratio: 1,
});
line({
  case: "pld-256-steps-repeated-squaring",
  seconds: Number(squaring.seconds.toFixed(3)),
  epsilon: squaring.out,
  ratio: Number((sequential.seconds / squaring.seconds).toFixed(2)),
});
