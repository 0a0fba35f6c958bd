// Training throughput (run `npm run build` first): one epoch of the demo CNN (conv 32, conv 64,
// fc 128, fc 10) on the 8,000 images of examples/data/digits-train.npz, Adam (lr 1e-3), batch 64,
// from the same He-initialised weights and on the same shuffled batches. mlsec: a
// TrainingSession (autodiff ONNX graph for the parameter gradients in one onnxruntime session,
// weights fed per step; its set-up is counted). Baseline: TF.js (wasm backend, SIMD) with
// tf.train.adam on the same graph (filter gradients by a forward conv, see tfjs-cnn.mjs).
// The two step in turn, batch by batch, so load from other processes falls on both alike.
// One JSON line per case; ratio = tfjs_s / mlsec_s (> 1: mlsec faster); CPU seconds count all
// threads. Both models are then scored on digits-test.npz, a check that the work was the same.
//   node bench/train.mjs [batchSize]

import { createRng, takeRows } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { buildCnn } from "../dist/onnx/architectures/index.js";
import { evaluateClassifier, OnnxClassifier } from "../dist/onnx/index.js";
import { TrainingSession } from "../dist/onnx/trainer/index.js";
import { cnnLogits, cnnVariables, tf, toNhwc, useWasm } from "./tfjs-cnn.mjs";

const BATCH = Number(process.argv[2] ?? 64);
const LR = 0.001;
const trainSet = await loadDataset("examples/data/digits-train.npz");
const testSet = await loadDataset("examples/data/digits-test.npz");
const [n, c, h, w] = trainSet.x.shape;
const size = c * h * w;
const initial = buildCnn({ inputShape: [c, h, w], numClasses: 10, rng: createRng(0) });
const order = createRng(1).shuffle(Int32Array.from({ length: n }, (_, i) => i));

const totals = { mlsec: { wall: 0, cpu: 0 }, tfjs: { wall: 0, cpu: 0 } };
async function timed(which, fn) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  totals[which].wall += performance.now() - t;
  const used = process.cpuUsage(cpu);
  totals[which].cpu += (used.user + used.system) / 1000;
  return value;
}

const session = await timed("mlsec", () =>
  TrainingSession.create(initial, { optimizer: { type: "adam" } }),
);
const backend = await useWasm();
const vars = cnnVariables(initial);
const varList = Object.values(vars);
const optimizer = tf.train.adam(LR);
const xs = toNhwc(trainSet.x.data, [n, c, h, w]);

for (let start = 0; start < n; start += BATCH) {
  const rows = order.subarray(start, Math.min(n, start + BATCH));
  const labels = Int32Array.from(rows, (r) => trainSet.y[r]);
  await timed("mlsec", () => session.step(takeRows(trainSet.x, rows), labels, LR));
  await timed("tfjs", async () => {
    const xb = new Float32Array(rows.length * size);
    for (let i = 0; i < rows.length; i++) {
      xb.set(xs.subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
    }
    tf.tidy(() => {
      const x = tf.tensor4d(xb, [rows.length, h, w, c]);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
      optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, cnnLogits(vars, x, { trainable: true })),
        false,
        varList,
      );
    });
    await vars.fc2b.data(); // wait for the update
  });
}

const classifier = await OnnxClassifier.create(session.toModel());
const mlsecAccuracy = (await evaluateClassifier(classifier, testSet.x, testSet.y)).accuracy;
await classifier.release();
await session.release();
const testNhwc = toNhwc(testSet.x.data, testSet.x.shape);
let right = 0;
for (let start = 0; start < testSet.y.length; start += 500) {
  const m = Math.min(500, testSet.y.length - start);
  const batch = testNhwc.subarray(start * size, (start + m) * size);
  const predicted = await tf
    .tidy(() => tf.argMax(cnnLogits(vars, tf.tensor4d(batch, [m, h, w, c])), 1))
    .data();
  for (let i = 0; i < m; i++) if (predicted[i] === testSet.y[start + i]) right++;
}

const seconds = (ms) => Number((ms / 1000).toFixed(2));
console.log(
  JSON.stringify({
    bench: "train",
    case: "tfjs-wasm",
    images: n,
    batch: BATCH,
    seconds: seconds(totals.tfjs.wall),
    cpuSeconds: seconds(totals.tfjs.cpu),
    testAccuracy: right / testSet.y.length,
    ...backend,
  }),
);
console.log(
  JSON.stringify({
    bench: "train",
    case: "mlsec-onnxruntime",
    images: n,
    batch: BATCH,
    seconds: seconds(totals.mlsec.wall),
    cpuSeconds: seconds(totals.mlsec.cpu),
    ratio: Number((totals.tfjs.wall / totals.mlsec.wall).toFixed(2)),
    cpuRatio: Number((totals.tfjs.cpu / totals.mlsec.cpu).toFixed(2)),
    testAccuracy: mlsecAccuracy,
  }),
);
