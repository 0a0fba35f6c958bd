// Training throughput (run `npm run build` first): one epoch of the demo CNN (conv 32, conv 64,
// fc 128, fc 10) on the 8,000 images of examples/data/digits-train.npz, Adam (lr 1e-3), batch 64,
// from the same He-initialised weights. mlsec: mlsec's trainer (autodiff ONNX graph for the
// parameter gradients, one onnxruntime session). Baseline: TF.js (wasm backend, SIMD) with
// tf.train.adam on the same graph (filter gradients by a forward conv, see tfjs-cnn.mjs).
// One JSON line per case; ratio = tfjs_s / mlsec_s (> 1: mlsec faster). Both models are then
// scored on digits-test.npz as a check that the work was the same.
//   node bench/train.mjs [batchSize]

import { createRng } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { buildCnn } from "../dist/onnx/architectures/index.js";
import { evaluateClassifier, OnnxClassifier } from "../dist/onnx/index.js";
import { train } from "../dist/onnx/trainer/index.js";
import { cnnLogits, cnnVariables, tf, toNhwc, useWasm } from "./tfjs-cnn.mjs";

/** User + system CPU seconds over all threads (robust to load from other processes). */
const cpuSeconds = (u) => (u.user + u.system) / 1e6;
const BATCH = Number(process.argv[2] ?? 64);
const LR = 0.001;
const trainSet = await loadDataset("examples/data/digits-train.npz");
const testSet = await loadDataset("examples/data/digits-test.npz");
const [n, c, h, w] = trainSet.x.shape;
const initial = buildCnn({ inputShape: [c, h, w], numClasses: 10, rng: createRng(0) });

// mlsec
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await train(initial, trainSet, {
  epochs: 1,
  batchSize: BATCH,
  learningRate: LR,
  optimizer: { type: "adam" },
  rng: createRng(1),
});
const mlsecSeconds = (performance.now() - t0) / 1000;
const mlsecCpu = cpuSeconds(process.cpuUsage(cpu0));
const classifier = await OnnxClassifier.create(result.model);
const mlsecAccuracy = (await evaluateClassifier(classifier, testSet.x, testSet.y)).accuracy;
await classifier.release();

// TF.js: same initial weights, same batches (order from the same seeded shuffle).
const backend = await useWasm();
const vars = cnnVariables(initial);
const varList = Object.values(vars);
const optimizer = tf.train.adam(LR);
const xs = toNhwc(trainSet.x.data, [n, c, h, w]);
const order = createRng(1).shuffle(Int32Array.from({ length: n }, (_, i) => i));
const cpu1 = process.cpuUsage();
const t1 = performance.now();
for (let start = 0; start < n; start += BATCH) {
  const rows = order.subarray(start, Math.min(n, start + BATCH));
  const xb = new Float32Array(rows.length * h * w * c);
  const size = h * w * c;
  for (let i = 0; i < rows.length; i++) {
    xb.set(xs.subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
  }
  const labels = Int32Array.from(rows, (r) => trainSet.y[r]);
  tf.tidy(() => {
    const x = tf.tensor4d(xb, [rows.length, h, w, c]);
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, cnnLogits(vars, x, { trainable: true })),
      false,
      varList,
    );
  });
}
await vars.fc2b.data(); // wait for the last update
const tfjsSeconds = (performance.now() - t1) / 1000;
const tfjsCpu = cpuSeconds(process.cpuUsage(cpu1));
const testNhwc = toNhwc(testSet.x.data, testSet.x.shape);
let right = 0;
for (let start = 0; start < testSet.y.length; start += 500) {
  const m = Math.min(500, testSet.y.length - start);
  const predicted = await tf
    .tidy(() =>
      tf.argMax(
        cnnLogits(
          vars,
          tf.tensor4d(testNhwc.subarray(start * h * w * c, (start + m) * h * w * c), [m, h, w, c]),
        ),
        1,
      ),
    )
    .data();
  for (let i = 0; i < m; i++) if (predicted[i] === testSet.y[start + i]) right++;
}
const tfjsAccuracy = right / testSet.y.length;

console.log(
  JSON.stringify({
    bench: "train",
    case: "tfjs-wasm",
    images: n,
    batch: BATCH,
    seconds: Number(tfjsSeconds.toFixed(2)),
    cpuSeconds: Number(tfjsCpu.toFixed(2)),
    testAccuracy: tfjsAccuracy,
    ...backend,
  }),
);
console.log(
  JSON.stringify({
    bench: "train",
    case: "mlsec-onnxruntime",
    images: n,
    batch: BATCH,
    seconds: Number(mlsecSeconds.toFixed(2)),
    cpuSeconds: Number(mlsecCpu.toFixed(2)),
    ratio: Number((tfjsSeconds / mlsecSeconds).toFixed(2)),
    cpuRatio: Number((tfjsCpu / mlsecCpu).toFixed(2)),
    testAccuracy: mlsecAccuracy,
  }),
);
