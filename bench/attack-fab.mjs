// FAB-T cost against APGD-T, the ensemble member before it (run `npm run build` first): both
// aimed at the runner-up class, L∞ eps 0.3, 100 iterations, each sample stopping once broken
// (as in the ensemble), on the first N digits of examples/data/digits-test.npz against the
// adversarially trained examples/models/digits-cnn-robust.onnx (where most samples survive, so
// the members run their full budget), batch 128, 2 onnxruntime threads. Per sample and
// iteration FAB-T takes two cross-entropy gradient rows and one forward row, APGD-DLR-T one
// forward and five gradient rows (two for its numerator, three for its denominator), so the
// ratio shows what FAB-T adds to the AutoAttack-style ensemble. Runs interleaved RUNS times
// (default 3) and prints best, median and worst images/s.
//   N=256 RUNS=3 node bench/attack-fab.mjs [model.onnx]

import { apgdBatch, fabBatch, rankedClasses } from "../dist/attacks/index.js";
import { createRng, sliceBatch } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { loadModel, OnnxClassifier } from "../dist/onnx/index.js";

const N = Number(process.env.N ?? 256);
const RUNS = Number(process.env.RUNS ?? 3);
const BATCH = 128;
const STEPS = 100;
const EPS = 0.3;

const data = await loadDataset("examples/data/digits-test.npz");
const x = sliceBatch(data.x, 0, N);
const labels = data.y.slice(0, N);
const model = await OnnxClassifier.create(
  await loadModel(process.argv[2] ?? "examples/models/digits-cnn-robust.onnx"),
  {
    batchSize: BATCH,
    intraOpThreads: 2,
  },
);
const clean = await model.predict(x);
const runnerUp = Int32Array.from({ length: N }, (_, i) =>
  rankedClasses(clean.data, i, model.numClasses).find((c) => c !== labels[i]),
);

async function timed(run) {
  const t0 = performance.now();
  let broken = 0;
  for (let s = 0; s < N; s += BATCH) {
    const e = Math.min(N, s + BATCH);
    const r = await run(sliceBatch(x, s, e), labels.subarray(s, e), runnerUp.subarray(s, e));
    broken += r.success.reduce((a, b) => a + b, 0);
  }
  return { rate: N / ((performance.now() - t0) / 1000), broken };
}

const fab = (xb, y, t) =>
  fabBatch(
    model,
    xb,
    { labels: y },
    { eps: EPS, norm: "inf", steps: STEPS, towards: t, earlyStop: true },
    {
      rng: createRng(0),
    },
  );
const apgdT = (xb, y, t) =>
  apgdBatch(
    model,
    xb,
    { labels: y, targets: t },
    { eps: EPS, norm: "inf", loss: "dlr", steps: STEPS, cleanStart: true },
    { rng: createRng(0) },
  );

const results = { fab: [], apgd: [] };
let brokenBy = {};
for (let r = 0; r < RUNS; r++) {
  const a = await timed(apgdT);
  const f = await timed(fab);
  results.apgd.push(a.rate);
  results.fab.push(f.rate);
  brokenBy = { apgd: a.broken, fab: f.broken };
}
await model.release();
const stats = (v) => {
  const s = [...v].sort((p, q) => q - p);
  return `best ${s[0].toFixed(1)}  median ${s[Math.floor(s.length / 2)].toFixed(1)}  worst ${s[s.length - 1].toFixed(1)} images/s`;
};
console.log(`${N} digits, eps ${EPS}, ${STEPS} iterations, ${RUNS} runs`);
console.log(
  `APGD-T (baseline)  ${stats(results.apgd)}  (${brokenBy.apgd}/${N} reached the runner-up)`,
);
console.log(
  `FAB-T              ${stats(results.fab)}  (${brokenBy.fab}/${N} misclassified within eps)`,
);
console.log(
  `ratio FAB-T / APGD-T (best)  ${(Math.max(...results.fab) / Math.max(...results.apgd)).toFixed(2)}x`,
);
