// Cost of adversarial training (run `npm run build` first): one epoch of the demo CNN (conv 32,
// conv 64, fc 128, fc 10) on the first N images of examples/data/digits-train.npz, Adam
// (lr 1e-3), batch 100, eps 0.3, from the same He-initialised weights, per method:
// fast (FGSM with random start), pgd-K and trades-K (K inner steps), each timed right after a
// standard-training epoch of the same model (the baseline, the ONNX trainer's `train`), so load
// from other processes falls on both alike. Set-up (graph building, sessions) is counted.
// One JSON line per case; ratio = adversarial_s / standard_s (the price of robustness per epoch).
//   node bench/defend-training.mjs [N=2000] [K=10]

import { createRng, takeRows } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { adversarialTraining } from "../dist/defenses/training/index.js";
import { buildCnn } from "../dist/onnx/architectures/index.js";
import { train } from "../dist/onnx/trainer/index.js";

const N = Number(process.argv[2] ?? 2000);
const K = Number(process.argv[3] ?? 10);
const full = await loadDataset("examples/data/digits-train.npz");
const rows = Int32Array.from({ length: Math.min(N, full.y.length) }, (_, i) => i);
const data = { x: takeRows(full.x, rows), y: full.y.slice(0, rows.length) };
const model = buildCnn({ inputShape: [1, 28, 28], numClasses: 10, rng: createRng(0) });
const common = {
  epochs: 1,
  batchSize: 100,
  learningRate: 0.001,
  optimizer: { type: "adam" },
};

async function seconds(fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

for (const [name, method, steps] of [
  ["fast", "fast", 1],
  [`pgd-${K}`, "pgd", K],
  [`trades-${K}`, "trades", K],
]) {
  const standard = await seconds(() => train(model, data, { ...common, rng: createRng(1) }));
  const adversarial = await seconds(() =>
    adversarialTraining(model, data, { ...common, method, eps: 0.3, steps, rng: createRng(1) }),
  );
  console.log(
    JSON.stringify({
      case: `${name} vs standard, 1 epoch of ${rows.length} images`,
      standard_s: +standard.wall.toFixed(2),
      adversarial_s: +adversarial.wall.toFixed(2),
      standard_cpu_s: +standard.cpu.toFixed(2),
      adversarial_cpu_s: +adversarial.cpu.toFixed(2),
      ratio: +(adversarial.wall / standard.wall).toFixed(2),
    }),
  );
}
