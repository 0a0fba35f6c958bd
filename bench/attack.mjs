// PGD-40 throughput (run `npm run build` first): L∞, eps 0.3, step 0.01, from the clean input,
// no early stopping (as ART runs it), on examples/models/digits-cnn.onnx, 1,000 test digits,
// batch 128, 2 onnxruntime threads. Baseline in the same run: the raw onnxruntime time of the same
// work (40 forward+backward runs of the gradient graph and one forward run per batch, no JS
// around them), i.e. how close the attack loop gets to pure engine time. Also prints the ratio to
// ART 1.20 + PyTorch 1.13 measured on this kind of machine (≈ 65 images/s, issue 4).
// Runs the two cases interleaved RUNS times (default 2) and prints best, median and worst.
//   node bench/attack.mjs [model.onnx] [data.npz]

import { evaluateRobustness } from "../dist/attacks/index.js";
import { createRng, sliceBatch } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { buildGradientModel } from "../dist/onnx/autodiff/index.js";
import { feed, loadModel, OnnxClassifier, OrtSession } from "../dist/onnx/index.js";

const N = 1000;
const BATCH = 128;
const THREADS = 2;
const STEPS = 40;
const ART_IMAGES_PER_SECOND = 65;
const RUNS = Number(process.env.RUNS ?? 2);
const modelPath = process.argv[2] ?? "examples/models/digits-cnn.onnx";
const dataPath = process.argv[3] ?? "examples/data/digits-test.npz";

const model = await loadModel(modelPath);
const data = await loadDataset(dataPath);
const x = sliceBatch(data.x, 0, N);
const y = data.y.slice(0, N);
const classifier = await OnnxClassifier.create(model, {
  batchSize: BATCH,
  intraOpThreads: THREADS,
});
const spec = {
  attack: "pgd",
  eps: 0.3,
  epsStep: 0.01,
  steps: STEPS,
  norm: "inf",
  randomInit: 0,
  earlyStop: false,
};

// Baseline: the same onnxruntime calls, feeds prepared up front.
const gradient = buildGradientModel(model, { loss: "cross-entropy", inputGradient: true });
const gradSession = await OrtSession.create(gradient.model, { intraOpThreads: THREADS });
const fwdSession = await OrtSession.create(model, { intraOpThreads: THREADS });
const batches = [];
for (let s = 0; s < N; s += BATCH) {
  const b = sliceBatch(x, s, s + BATCH);
  batches.push({
    grad: {
      [gradient.inputName]: feed.float32(b.data, b.shape),
      [gradient.labelsName]: feed.int64(y.subarray(s, s + BATCH)),
    },
    fwd: { [classifier.signature.inputName]: feed.float32(b.data, b.shape) },
  });
}
const outputs = [gradient.lossName, gradient.inputGradientName, gradient.logitsName];
async function engineOnly(only = batches) {
  const t0 = performance.now();
  for (const b of only) {
    for (let step = 0; step < STEPS; step++) await gradSession.run(b.grad, outputs);
    await fwdSession.run(b.fwd);
  }
  return (performance.now() - t0) / 1000;
}
let robustAccuracy;
async function attack(n = N) {
  const { summary } = await evaluateRobustness(
    classifier,
    sliceBatch(x, 0, n),
    y.subarray(0, n),
    spec,
    {
      batchSize: BATCH,
      rng: createRng(0),
    },
  );
  robustAccuracy = summary.robustAccuracy;
  return summary.seconds;
}

// Warm-up on one batch: loads both sessions' kernels and builds the classifier's gradient graph.
await engineOnly(batches.slice(0, 1));
await attack(BATCH);
const times = { attack: [], engine: [] };
for (let r = 0; r < RUNS; r++) {
  times.attack.push(await attack());
  times.engine.push(await engineOnly());
}
await gradSession.release();
await fwdSession.release();
await classifier.release();

const stats = (secs) => {
  const rates = secs.map((s) => N / s).sort((a, b) => b - a);
  return {
    best: Number(rates[0].toFixed(1)),
    median: Number(rates[Math.floor(rates.length / 2)].toFixed(1)),
    worst: Number(rates[rates.length - 1].toFixed(1)),
  };
};
const engine = stats(times.engine);
const pgd = stats(times.attack);
console.log(
  JSON.stringify({
    bench: "attack",
    case: "onnxruntime-engine-only",
    images: N,
    batch: BATCH,
    threads: THREADS,
    imagesPerSecond: engine,
  }),
);
console.log(
  JSON.stringify({
    bench: "attack",
    case: "mlsec-pgd40-linf",
    images: N,
    batch: BATCH,
    threads: THREADS,
    robustAccuracy,
    imagesPerSecond: pgd,
    ratioToEngine: Number((pgd.best / engine.best).toFixed(3)),
    ratioToArt65: Number((pgd.best / ART_IMAGES_PER_SECOND).toFixed(2)),
  }),
);
