// Input-gradient throughput (run `npm run build` first): d(cross-entropy)/d(input) of
// examples/models/digits-cnn.onnx on batches of 128 digits. mlsec builds the gradient as an ONNX
// graph and runs it in onnxruntime; the baseline is TF.js (wasm backend, SIMD) computing the same
// gradient with the same weights (tf.grad). Prints one JSON line per case with
// ratio = tfjs_ms / mlsec_ms (> 1: mlsec faster), and checks that the two gradients agree
// (relative L2 difference on a tie-free copy of the batch).
//   node bench/gradient.mjs [model.onnx] [data.npz]

import { createRng } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { buildGradientModel } from "../dist/onnx/autodiff/index.js";
import { feed, floatOutput, loadModel, OrtSession } from "../dist/onnx/index.js";
import { cnnLogits, cnnVariables, summedCrossEntropy, tf, toNhwc, useWasm } from "./tfjs-cnn.mjs";

const BATCH = 128;
const modelPath = process.argv[2] ?? "examples/models/digits-cnn.onnx";
const dataPath = process.argv[3] ?? "examples/data/digits-test.npz";

/**
 * Times the cases round-robin (one call of each per round, after two warm-up rounds) for at
 * least `minMs`, so that load from other processes falls on every case alike. Returns the mean
 * wall and CPU (user + system, all threads) milliseconds per call of each case.
 */
async function timeInterleaved(cases, minMs = 4000) {
  for (let i = 0; i < 2; i++) for (const c of cases) await c.run();
  const totals = cases.map(() => ({ wall: 0, cpu: 0 }));
  let rounds = 0;
  const t0 = performance.now();
  while (rounds < 5 || performance.now() - t0 < minMs) {
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
  return totals.map((t) => ({ ms: t.wall / rounds, cpuMs: t.cpu / rounds, calls: rounds }));
}

const model = await loadModel(modelPath);
const data = await loadDataset(dataPath);
const [, c, h, w] = data.x.shape;
const x = data.x.data.slice(0, BATCH * c * h * w);
const labels = data.y.slice(0, BATCH);

// mlsec: one gradient graph, one cached session per thread setting.
const gradient = buildGradientModel(model, { loss: "cross-entropy", inputGradient: true });
const feeds = {
  [gradient.inputName]: feed.float32(x, [BATCH, c, h, w]),
  [gradient.labelsName]: feed.int64(labels),
};
const sessions = [];
for (const threads of [0, 1]) {
  sessions.push({
    threads,
    session: await OrtSession.create(gradient.model, { intraOpThreads: threads }),
  });
}
const runOrt = (session) => async () =>
  floatOutput(await session.run(feeds, [gradient.inputGradientName]), gradient.inputGradientName)
    .data;

// TF.js, wasm backend, same weights and batch.
const backend = await useWasm();
const vars = cnnVariables(model);
const xTf = tf.tensor4d(toNhwc(x, [BATCH, c, h, w]), [BATCH, h, w, c]);
const classes = model.graph.output[0].type.tensorType.shape.dim[1].dimValue;
const oneHot = tf.oneHot(tf.tensor1d(labels, "int32"), classes);
const grad = tf.grad((input) => summedCrossEntropy(cnnLogits(vars, input), oneHot));
const runTf = async () => {
  const g = grad(xTf);
  const values = await g.data();
  g.dispose();
  return values;
};
// Agreement check. MNIST has many exactly equal pixels, so 2x2 max-pool windows often hold ties,
// where each library routes the gradient to a different (equally valid) arg-max. On a copy of the
// batch with a tiny jitter (no ties) the two gradients must agree.
const rng = createRng(0);
const jittered = x.map((v) => v * (1 - 1e-3) + 1e-3 * rng.next());
const jitterFeeds = { ...feeds, [gradient.inputName]: feed.float32(jittered, [BATCH, c, h, w]) };
const mlsecGrad = floatOutput(
  await sessions[0].session.run(jitterFeeds, [gradient.inputGradientName]),
  gradient.inputGradientName,
).data;
const tfGradTensor = grad(tf.tensor4d(toNhwc(jittered, [BATCH, c, h, w]), [BATCH, h, w, c]));
const tfGrad = toNhwcInverse(await tfGradTensor.data(), [BATCH, c, h, w]);
const [tfjs, ...mlsecTimes] = await timeInterleaved([
  { run: runTf },
  ...sessions.map((s) => ({ run: runOrt(s.session) })),
]);
const mlsecCases = sessions.map((s, i) => ({ threads: s.threads, ...mlsecTimes[i] }));
for (const s of sessions) await s.session.release();

let diff2 = 0;
let norm2 = 0;
for (let i = 0; i < tfGrad.length; i++) {
  diff2 += (tfGrad[i] - mlsecGrad[i]) ** 2;
  norm2 += tfGrad[i] ** 2;
}
const relativeDiff = Math.sqrt(diff2 / norm2);

function toNhwcInverse(data, [n, ch, hh, ww]) {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < ch; k++)
      for (let y = 0; y < hh; y++)
        for (let xx = 0; xx < ww; xx++)
          out[((i * ch + k) * hh + y) * ww + xx] = data[((i * hh + y) * ww + xx) * ch + k];
  return out;
}

const perSecond = (ms) => Number(((BATCH * 1000) / ms).toFixed(1));
console.log(
  JSON.stringify({
    bench: "gradient",
    case: "tfjs-wasm",
    batch: BATCH,
    msPerBatch: Number(tfjs.ms.toFixed(2)),
    cpuMsPerBatch: Number(tfjs.cpuMs.toFixed(2)),
    samplesPerSecond: perSecond(tfjs.ms),
    ...backend,
  }),
);
for (const m of mlsecCases) {
  console.log(
    JSON.stringify({
      bench: "gradient",
      case: `mlsec-onnxruntime-${m.threads === 0 ? "default-threads" : `${m.threads}-thread`}`,
      batch: BATCH,
      msPerBatch: Number(m.ms.toFixed(2)),
      cpuMsPerBatch: Number(m.cpuMs.toFixed(2)),
      samplesPerSecond: perSecond(m.ms),
      ratio: Number((tfjs.ms / m.ms).toFixed(2)),
      cpuRatio: Number((tfjs.cpuMs / m.cpuMs).toFixed(2)),
      gradientRelativeL2DiffVsTfjs: Number(relativeDiff.toExponential(2)),
    }),
  );
}
