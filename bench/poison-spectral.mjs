// Spectral signatures and activation clustering on a BadNets-backdoored demo CNN (run `npm run
// build` first). Poisons the 8,000 training digits (3x3 white patch one pixel from the
// bottom-right corner, source class 7 relabelled 0, as in Tran et al.'s source-to-target
// setting) so that poisoned samples are TARGET_SHARE of the target class, trains the demo CNN
// architecture on them with `mlsec train` (Adam, 3 epochs, seed 1), measures the backdoor's
// success on triggered test 7s, then runs spectral signatures (top direction as in the paper,
// and the top two variance-normalized directions) and activation clustering on the penultimate
// layer.
// Baseline in the same run: flagging the same number of samples per class at random, whose
// expected recall is the flagged share of the target class; each line prints recall / that.
// One JSON line per detector.
//   node bench/poison-spectral.mjs [TARGET_SHARE=0.05] [EXPECTED_RATE=TARGET_SHARE]

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argmaxRows, createRng } from "../dist/core/index.js";
import { loadDataset, saveDataset } from "../dist/data/index.js";
import {
  activationClustering,
  poisonBackdoor,
  poisonMetrics,
  spectralSignatures,
} from "../dist/defenses/poison/index.js";
import {
  ActivationExtractor,
  loadModel,
  OnnxClassifier,
  penultimateLayer,
} from "../dist/onnx/index.js";

const TARGET = 0;
const SOURCE = 7;
const share = Number(process.argv[2] ?? 0.05);
const expectedRate = Number(process.argv[3] ?? share);
const dir = mkdtempSync(join(tmpdir(), "mlsec-bench-poison-"));
try {
  const train = await loadDataset("examples/data/digits-train.npz");
  const test = await loadDataset("examples/data/digits-test.npz");
  const targetCount = train.y.filter((c) => c === TARGET).length;
  const poisonCount = Math.round((share * targetCount) / (1 - share));
  const bounds = [0, 1];
  const poisoned = poisonBackdoor(train.x, train.y, {
    targetClass: TARGET,
    sourceClass: SOURCE,
    rate: poisonCount / train.y.length,
    bounds,
    rng: createRng(1),
  });
  const dataPath = join(dir, "poisoned.npz");
  await saveDataset(dataPath, poisoned);
  const modelPath = join(dir, "backdoored.onnx");
  const t0 = performance.now();
  const trained = spawnSync(
    process.execPath,
    [
      "dist/cli/main.js",
      "--quiet",
      "--seed",
      "1",
      "train",
      "--arch",
      "cnn",
      "--data",
      dataPath,
      "--epochs",
      "3",
      "--optimizer",
      "adam",
      "--threads",
      "2",
      "--out",
      modelPath,
    ],
    { encoding: "utf8" },
  );
  if (trained.status !== 0) throw new Error(trained.stderr);
  const trainSeconds = (performance.now() - t0) / 1000;

  const model = await loadModel(modelPath);
  const classifier = await OnnxClassifier.create(model, { intraOpThreads: 2 });
  const triggered = poisonBackdoor(test.x, test.y, {
    targetClass: TARGET,
    sourceClass: SOURCE,
    rate: 1,
    bounds,
    rng: createRng(2),
  });
  const predicted = argmaxRows(await classifier.predict(triggered.x));
  let hits = 0;
  let total = 0;
  triggered.poisoned.forEach((p, i) => {
    if (p) {
      total++;
      if (predicted[i] === TARGET) hits++;
    }
  });
  const cleanAccuracy =
    argmaxRows(await classifier.predict(test.x)).filter((c, i) => c === test.y[i]).length /
    test.y.length;
  await classifier.release();

  const extractor = await ActivationExtractor.create(model, [penultimateLayer(model)], {
    intraOpThreads: 2,
  });
  const out = await extractor.run(poisoned.x);
  await extractor.release();
  const features = out.layers[0].data;
  const dim = features.length / poisoned.y.length;
  const classes = out.logits.shape[1];
  const byClass = Array.from({ length: classes }, () => ({ n: 0, poisoned: 0 }));
  poisoned.y.forEach((c, i) => {
    byClass[c].n++;
    byClass[c].poisoned += poisoned.poisoned[i];
  });

  const spectral = (directions) => () =>
    spectralSignatures(features, dim, poisoned.y, classes, {
      expectedRate,
      directions,
      rng: createRng(3),
    });
  const scans = {
    "spectral (K=1, Tran et al.)": spectral(1),
    "spectral (K=2)": spectral(2),
    "activation-clustering": () =>
      activationClustering(features, dim, poisoned.y, classes, { rng: createRng(3) }),
  };
  for (const [name, run] of Object.entries(scans)) {
    const t1 = performance.now();
    const scan = run();
    const seconds = (performance.now() - t1) / 1000;
    const m = poisonMetrics(scan.suspected, poisoned.poisoned);
    const flagged = new Array(classes).fill(0);
    for (const i of scan.suspected) flagged[poisoned.y[i]]++;
    const randomRecall =
      byClass.reduce((s, c, k) => s + (c.n === 0 ? 0 : (flagged[k] / c.n) * c.poisoned), 0) /
      m.poisoned;
    console.log(
      JSON.stringify({
        case: `${name}, ${m.poisoned} poisoned (${(100 * share).toFixed(1)}% of class ${TARGET}, ${((100 * m.poisoned) / poisoned.y.length).toFixed(2)}% of the data)`,
        expectedRate: name.startsWith("spectral") ? expectedRate : undefined,
        backdoorSuccess: Number((hits / total).toFixed(4)),
        cleanAccuracy: Number(cleanAccuracy.toFixed(4)),
        suspected: m.suspected,
        precision: Number(m.precision.toFixed(4)),
        recall: Number(m.recall.toFixed(4)),
        randomRecall: Number(randomRecall.toFixed(4)),
        ratio: Number((m.recall / Math.max(randomRecall, 1e-9)).toFixed(2)),
        trainSeconds: Number(trainSeconds.toFixed(1)),
        detectSeconds: Number(seconds.toFixed(2)),
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
