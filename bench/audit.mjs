// The one-command audit on the bundled demo (issue 13: the quick profile must finish in under
// 2 minutes on 2 cores), run the way `mlsec audit --demo` runs it, against a baseline in the
// same run: one plain evaluation of the model on the same test set (the floor under any audit
// that measures accuracy). One JSON line: seconds per section, the total, ratio = total /
// baseline, and the share of the 120 s budget used. Run `npm run build` first.
//   node bench/audit.mjs [quick|standard]
import { loadavg } from "node:os";
import { runAudit } from "../dist/audit/index.js";
import { loadDataset } from "../dist/data/index.js";
import { evaluateClassifier, loadModel, OnnxClassifier } from "../dist/onnx/index.js";

const profile = process.argv[2] ?? "quick";
const MODEL = "examples/models/digits-cnn.onnx";
const TEST = "examples/data/digits-test.npz";
const BUDGET_SECONDS = 120;

const t0 = performance.now();
const data = await loadDataset(TEST);
const classifier = await OnnxClassifier.create(await loadModel(MODEL));
await evaluateClassifier(classifier, data.x, data.y);
await classifier.release();
const baseline = (performance.now() - t0) / 1000;

const t1 = performance.now();
const result = await runAudit({
  model: MODEL,
  data: TEST,
  train: "examples/data/digits-train.npz",
  system: "examples/threat-models/digit-reader.yaml",
  profile,
  seed: 0,
});
const total = (performance.now() - t1) / 1000;

console.log(
  JSON.stringify({
    bench: "audit",
    profile,
    baseline: "load + evaluate the model on the test set",
    baselineSeconds: Number(baseline.toFixed(3)),
    totalSeconds: Number(total.toFixed(3)),
    ratio: Number((total / baseline).toFixed(2)),
    shareOfBudget: Number((total / BUDGET_SECONDS).toFixed(4)),
    sections: Object.fromEntries(
      result.timings.map((t) => [t.section, Number(t.seconds.toFixed(3))]),
    ),
    score: result.score,
    loadavg1m: Number(loadavg()[0].toFixed(2)),
  }),
);
