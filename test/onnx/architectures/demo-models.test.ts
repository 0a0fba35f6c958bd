import { describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/data/index.js";
import {
  boundsFromMetadata,
  evaluateClassifier,
  loadModel,
  OnnxClassifier,
} from "../../../src/onnx/index.js";

// The committed demo models (examples/models, made by `npm run make:models`) against the
// committed test splits: the accuracy the README and examples/README.md state.
const CASES = [
  { model: "digits-cnn", data: "digits-test", accuracy: 0.982, bounds: [0, 1] },
  { model: "digits-mlp", data: "digits-test", accuracy: 0.9415, bounds: [0, 1] },
  { model: "tabular-mlp", data: "tabular-test", accuracy: 0.9333, bounds: [-Infinity, Infinity] },
] as const;

const path = (relative: string) =>
  new URL(`../../../examples/${relative}`, import.meta.url).pathname;

describe("demo models", () => {
  for (const c of CASES) {
    it(`${c.model}.onnx scores ${(100 * c.accuracy).toFixed(2)}% on ${c.data}.npz`, async () => {
      const model = await loadModel(path(`models/${c.model}.onnx`));
      expect(boundsFromMetadata(model)).toEqual(c.bounds);
      const data = await loadDataset(path(`data/${c.data}.npz`));
      const classifier = await OnnxClassifier.create(model, { intraOpThreads: 1 });
      const result = await evaluateClassifier(classifier, data.x, data.y);
      await classifier.release();
      expect(result.accuracy).toBeCloseTo(c.accuracy, 4);
    });
  }

  it("digits-cnn records its validation accuracy (at least 97%) in mlsec.training", async () => {
    const model = await loadModel(path("models/digits-cnn.onnx"));
    const training = model.metadataProps.find((p) => p.key === "mlsec.training")?.value;
    expect(JSON.parse(training!).valAccuracy).toBeGreaterThanOrEqual(0.97);
  });
});
