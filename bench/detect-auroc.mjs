// Input-detector AUROC against PGD and C&W on the demo CNN (run `npm run build` first).
// Detectors are fitted on the 8,000 clean training digits (20% held out for the threshold);
// the first N test digits are attacked — PGD L∞ eps 0.3, step 0.01, 40 steps, early stop (as
// `mlsec attack` runs it), and C&W L2 (100 steps, 5 binary-search rounds, eps 5) — and only
// successful adversarial examples are scored against the same N clean originals.
// Baseline in the same run: Mahalanobis on the penultimate layer alone (Lee et al.'s single-
// layer detector); each line prints the ratio of the detector's AUROC to that baseline.
// One JSON line per detector and attack.
//   node bench/detect-auroc.mjs [N]

import { evaluateRobustness } from "../dist/attacks/index.js";
import { createRng, readFileBounded, sliceBatch } from "../dist/core/index.js";
import { loadDataset } from "../dist/data/index.js";
import { evaluateDetector, fitDetector, openDetector } from "../dist/defenses/detect/index.js";
import { loadModel, OnnxClassifier, penultimateLayer } from "../dist/onnx/index.js";

const N = Number(process.argv[2] ?? 500);
const THREADS = 2;
const modelPath = "examples/models/digits-cnn.onnx";
const model = await loadModel(modelPath);
const modelBytes = await readFileBounded(modelPath);
const train = await loadDataset("examples/data/digits-train.npz");
const test = await loadDataset("examples/data/digits-test.npz");
const clean = sliceBatch(test.x, 0, N);
const labels = test.y.slice(0, N);

const classifier = await OnnxClassifier.create(model, { batchSize: 128, intraOpThreads: THREADS });
const attacks = {
  "pgd-linf-0.3": {
    attack: "pgd",
    eps: 0.3,
    epsStep: 0.01,
    steps: 40,
    norm: "inf",
    randomInit: 0,
    earlyStop: true,
  },
  "cw-l2": { attack: "cw", eps: 5, steps: 100, binarySteps: 5, initialConst: 1, confidence: 0 },
};
const adversarial = {};
for (const [name, spec] of Object.entries(attacks)) {
  const t0 = performance.now();
  const { summary, result } = await evaluateRobustness(classifier, clean, labels, spec, {
    batchSize: 128,
    rng: createRng(0),
  });
  adversarial[name] = result.adversarial;
  console.error(
    `${name}: robust accuracy ${summary.robustAccuracy}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
await classifier.release();

async function fitted(kind, layers) {
  const t0 = performance.now();
  const file = await fitDetector(
    { model, modelBytes, modelPath, outPath: "bench-detector.json", x: train.x, y: train.y },
    { kind, rng: createRng(1), layers, threads: THREADS },
  );
  return {
    detector: await openDetector(file, model, { threads: THREADS }),
    fitSeconds: (performance.now() - t0) / 1000,
  };
}

const baseline = await fitted("mahalanobis", [penultimateLayer(model)]);
const baselineAuroc = {};
for (const [name, adv] of Object.entries(adversarial)) {
  baselineAuroc[name] = (await evaluateDetector(baseline.detector, clean, adv, labels)).auroc;
}
await baseline.detector.dispose();

for (const kind of ["mahalanobis", "lid", "kde", "squeeze"]) {
  const { detector, fitSeconds } = await fitted(kind);
  for (const [name, adv] of Object.entries(adversarial)) {
    const t0 = performance.now();
    const r = await evaluateDetector(detector, clean, adv, labels);
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      JSON.stringify({
        case: `${kind} vs ${name}`,
        clean: r.clean,
        adversarial: r.adversarial,
        auroc: Number(r.auroc.toFixed(4)),
        tprAt5Fpr: Number(r.tprAt5Fpr.toFixed(4)),
        tprAtThreshold: Number(r.tprAtThreshold.toFixed(4)),
        fprAtThreshold: Number(r.fprAtThreshold.toFixed(4)),
        baselineAuroc: Number(baselineAuroc[name].toFixed(4)),
        ratio: Number((r.auroc / baselineAuroc[name]).toFixed(3)),
        fitSeconds: Number(fitSeconds.toFixed(1)),
        scoreSeconds: Number(seconds.toFixed(2)),
      }),
    );
  }
  await detector.dispose();
}
