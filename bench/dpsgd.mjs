// Cost of differential privacy in training (run `npm run build` first): one epoch of the demo
// CNN (conv 32, conv 64, fc 128, fc 10) on the first N images of examples/data/digits-train.npz,
// batch 256, SGD, from the same He-initialised weights: non-private training (the ONNX trainer's
// `train`, the baseline) and DP-SGD (`trainDpSgd`: Poisson sampling, per-example gradients
// clipped inside the graph, Gaussian noise), timed back to back in each of R rounds so load from
// other processes falls on both alike; the medians are compared. A last case times the
// per-example-loop fallback (one example per run) on a few batches, for scale.
// One JSON line per case; ratio = DP throughput / non-private throughput (examples per second).
//   node bench/dpsgd.mjs [N=2048] [R=3]

import { createRng, takeRows } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { buildCnn } from "../dist/onnx/architectures/index.js";
import { train } from "../dist/onnx/trainer/index.js";
import { trainDpSgd } from "../dist/privacy/index.js";

const N = Number(process.argv[2] ?? 2048);
const R = Number(process.argv[3] ?? 3);
const full = await loadDataset("examples/data/digits-train.npz");
const rows = Int32Array.from({ length: Math.min(N, full.y.length) }, (_, i) => i);
const data = { x: takeRows(full.x, rows), y: full.y.slice(0, rows.length) };
const model = buildCnn({ inputShape: [1, 28, 28], numClasses: 10, rng: createRng(0) });
const common = { epochs: 1, batchSize: 256, learningRate: 0.05, optimizer: { type: "sgd" } };
const dp = { ...common, noiseMultiplier: 1.1, clipNorm: 1, delta: 1e-5 };

async function timed(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return { result, wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const plain = [];
const private_ = [];
for (let r = 0; r < R; r++) {
  const a = await timed(() => train(model, data, { ...common, rng: createRng(r) }));
  plain.push({ eps: rows.length / a.wall, cpu: a.cpu });
  const b = await timed(() => trainDpSgd(model, data, { ...dp, rng: createRng(r) }));
  // Poisson batches: count the examples actually processed.
  const seen = b.result.examplesPerSecond * b.result.seconds;
  private_.push({ eps: seen / b.wall, cpu: b.cpu, method: b.result.gradientMethod });
}
const plainEps = median(plain.map((p) => p.eps));
const dpEps = median(private_.map((p) => p.eps));
console.log(
  JSON.stringify({
    bench: "dpsgd",
    case: `in-graph DP-SGD vs non-private, 1 epoch of ${rows.length} images, batch 256, median of ${R}`,
    gradientMethod: private_[0].method,
    nonPrivateExamplesPerSecond: Math.round(plainEps),
    dpExamplesPerSecond: Math.round(dpEps),
    nonPrivateCpuSeconds: +median(plain.map((p) => p.cpu)).toFixed(2),
    dpCpuSeconds: +median(private_.map((p) => p.cpu)).toFixed(2),
    ratio: +(dpEps / plainEps).toFixed(2),
  }),
);

const few = { x: takeRows(data.x, rows.subarray(0, 512)), y: data.y.slice(0, 512) };
const loop = await timed(() =>
  trainDpSgd(model, few, { ...dp, rng: createRng(9), gradientMethod: "per-example-loop" }),
);
const loopEps = (loop.result.examplesPerSecond * loop.result.seconds) / loop.wall;
console.log(
  JSON.stringify({
    bench: "dpsgd",
    case: "per-example-loop DP-SGD (fallback) vs non-private, 1 epoch of 512 images",
    dpExamplesPerSecond: Math.round(loopEps),
    nonPrivateExamplesPerSecond: Math.round(plainEps),
    ratio: +(loopEps / plainEps).toFixed(2),
  }),
);
