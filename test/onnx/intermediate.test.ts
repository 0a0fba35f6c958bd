import { describe, expect, it } from "vitest";
import { createRng, isMlsecError } from "../../src/core/index.js";
import { buildMlp } from "../../src/onnx/architectures/index.js";
import {
  ActivationExtractor,
  layerNames,
  OnnxClassifier,
  penultimateLayer,
  withExtraOutputs,
} from "../../src/onnx/index.js";

const mlp = () =>
  buildMlp({
    inputShape: [4],
    numClasses: 3,
    hidden: [6, 5],
    rng: createRng(3),
    bounds: [0, 1],
  });

const batch = (n: number) => {
  const rng = createRng(9);
  return { shape: [n, 4], data: Float32Array.from({ length: n * 4 }, () => rng.next()) };
};

describe("intermediate activations", () => {
  it("finds the penultimate layer: the input of the last Gemm", () => {
    const model = mlp();
    const layer = penultimateLayer(model);
    const head = model.graph!.node.find((n) => n.output.includes("logits"))!;
    expect(head.opType).toBe("Gemm");
    expect(head.input[0]).toBe(layer);
    expect(layerNames(model)).toContain(layer);
  });

  it("returns the logits the classifier returns, and layers with their own shapes", async () => {
    const model = mlp();
    const firstRelu = model.graph!.node.find((n) => n.opType === "Relu")!.output[0];
    const names = [firstRelu, penultimateLayer(model)];
    const extractor = await ActivationExtractor.create(model, names, { batchSize: 3 });
    const classifier = await OnnxClassifier.create(model);
    try {
      const x = batch(7);
      const out = await extractor.run(x);
      expect(Array.from(out.logits.data)).toEqual(Array.from((await classifier.predict(x)).data));
      expect(out.layers[0].shape).toEqual([7, 6]);
      expect(out.layers[1].shape).toEqual([7, 5]);
      // The penultimate layer is a ReLU output.
      expect(out.layers[1].data.every((v) => v >= 0)).toBe(true);
    } finally {
      await extractor.release();
      await classifier.release();
    }
  });

  it("refuses unknown layer names and wrong input shapes", async () => {
    const model = mlp();
    expect(() => withExtraOutputs(model, ["nope"])).toThrow(/no node output named "nope"/);
    const extractor = await ActivationExtractor.create(model, [penultimateLayer(model)]);
    try {
      await expect(extractor.run({ shape: [1, 5], data: new Float32Array(5) })).rejects.toSatisfy(
        (e) => isMlsecError(e) && e.code === "E_SHAPE_MISMATCH",
      );
    } finally {
      await extractor.release();
    }
  });

  it("leaves the original model untouched", () => {
    const model = mlp();
    const before = model.graph!.output.length;
    const extended = withExtraOutputs(model, [penultimateLayer(model)]);
    expect(model.graph!.output.length).toBe(before);
    expect(extended.graph!.output.length).toBe(before + 1);
  });

  it("reports a graph without a linear head", () => {
    const model = mlp();
    const graph = model.graph!;
    const head = graph.node.find((n) => n.output.includes("logits"))!;
    const broken = {
      ...model,
      graph: { ...graph, node: graph.node.map((n) => (n === head ? { ...n, opType: "Conv" } : n)) },
    };
    expect(() => penultimateLayer(broken)).toThrow(/penultimate layer/);
  });
});
