// KernelSHAP against exact Shapley values on the same model, sample and background (run
// `npm run build` first). One JSON line per case: wall and CPU ms per explanation for each,
// ratio = exact_ms / kernelshap_ms (> 1: KernelSHAP faster), and KernelSHAP's largest
// deviation from the exact values. Cases: the Iris demo MLP (4 features, where 2,048
// coalitions cover all 14, so KernelSHAP is exact) and a seeded random 12-feature MLP
// (2^12 = 4,096 coalitions for exact; 2,048 sampled for KernelSHAP). 100 background rows.
//   node bench/explain.mjs

import { createRng } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { exactShapley, kernelShap, uniformBackground } from "../dist/explain/index.js";
import { buildMlp } from "../dist/onnx/architectures/index.js";
import { loadModel, OnnxClassifier } from "../dist/onnx/index.js";

const BACKGROUND = 100;
const COALITIONS = 2048;

/** Round-robin timing (after one warm-up round) so machine load falls on both cases alike. */
async function timeInterleaved(cases, minRounds = 3, minMs = 3000) {
  for (const c of cases) await c.run();
  const totals = cases.map(() => ({ wall: 0, cpu: 0 }));
  let rounds = 0;
  const t0 = performance.now();
  while (rounds < minRounds || performance.now() - t0 < minMs) {
    for (const [i, c] of cases.entries()) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      await c.run();
      totals[i].wall += performance.now() - start;
      const used = process.cpuUsage(cpu);
      totals[i].cpu += (used.user + used.system) / 1000;
    }
    rounds++;
  }
  return totals.map((t) => ({ ms: t.wall / rounds, cpuMs: t.cpu / rounds, rounds }));
}

async function runCase(name, model, x, bgTensor) {
  const background = uniformBackground(bgTensor);
  const options = { classIndex: 0, output: "probability" };
  let exact;
  let kernel;
  const [e, k] = await timeInterleaved([
    { run: async () => (exact = await exactShapley(model, x, background, options)) },
    {
      run: async () =>
        (kernel = await kernelShap(model, x, background, {
          ...options,
          samples: COALITIONS,
          rng: createRng(1),
        })),
    },
  ]);
  let maxAbsError = 0;
  kernel.attributions.forEach((v, i) => {
    maxAbsError = Math.max(maxAbsError, Math.abs(v - exact.attributions[i]));
  });
  console.log(
    JSON.stringify({
      case: name,
      features: x.length,
      backgroundRows: bgTensor.shape[0],
      exact: {
        ms: +e.ms.toFixed(1),
        cpuMs: +e.cpuMs.toFixed(1),
        coalitions: exact.coalitions,
        modelRows: exact.modelEvaluations,
      },
      kernelshap: {
        ms: +k.ms.toFixed(1),
        cpuMs: +k.cpuMs.toFixed(1),
        coalitions: kernel.coalitions,
        modelRows: kernel.modelEvaluations,
        enumerated: kernel.enumerated,
      },
      ratio: +(e.ms / k.ms).toFixed(2),
      maxAbsError: +maxAbsError.toExponential(2),
      efficiencyGap: +Math.abs(kernel.efficiencyGap).toExponential(2),
      rounds: e.rounds,
    }),
  );
}

const threads = { intraOpThreads: 1, batchSize: 32768 };
const iris = await OnnxClassifier.create(
  await loadModel("examples/models/tabular-mlp.onnx"),
  threads,
);
const train = await loadDataset("examples/data/tabular-train.npz");
const test = await loadDataset("examples/data/tabular-test.npz");
await runCase("iris-mlp", iris, test.x.data.slice(0, 4), {
  shape: [BACKGROUND, 4],
  data: train.x.data.slice(0, BACKGROUND * 4),
});
await iris.release();

const d = 12;
const rng = createRng(20261128);
const wide = await OnnxClassifier.create(
  buildMlp({ inputShape: [d], numClasses: 3, rng, hidden: [64] }),
  threads,
);
const bg = new Float32Array(BACKGROUND * d).map(() => rng.normal());
const x = new Float32Array(d).map(() => rng.normal());
await runCase("random-mlp-12", wide, x, { shape: [BACKGROUND, d], data: bg });
await wide.release();
