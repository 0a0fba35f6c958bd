import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  buildArchitecture,
  buildCnn,
  buildMlp,
  heUniform,
  INPUT_NAME,
  LOGITS_NAME,
} from "../../../src/onnx/architectures/index.js";
import {
  boundsFromMetadata,
  encodeModel,
  feed,
  floatOutput,
  OrtSession,
  tensorToFloat32,
  topologicalNodes,
} from "../../../src/onnx/index.js";

const dimsOf = (model: ReturnType<typeof buildCnn>) =>
  Object.fromEntries(model.graph!.initializer.map((t) => [t.name, t.dims]));

async function forward(model: ReturnType<typeof buildCnn>, shape: number[]) {
  const session = await OrtSession.create(model, { intraOpThreads: 1 });
  try {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, (_, i) => (i % 17) / 17);
    const out = await session.run({ [INPUT_NAME]: feed.float32(x, shape) });
    return floatOutput(out, LOGITS_NAME);
  } finally {
    await session.release();
  }
}

describe("cnn", () => {
  const cnn = buildCnn({ inputShape: [1, 28, 28], numClasses: 10, rng: createRng(1) });

  it("has the issue's layers: conv 32 3x3, conv 64 3x3, fc 128, fc 10", () => {
    expect(dimsOf(cnn)).toEqual({
      "conv1.weight": [32, 1, 3, 3],
      "conv1.bias": [32],
      "conv2.weight": [64, 32, 3, 3],
      "conv2.bias": [64],
      "fc1.weight": [128, 1600],
      "fc1.bias": [128],
      "fc2.weight": [10, 128],
      "fc2.bias": [10],
    });
    expect(cnn.graph!.node.map((n) => n.opType)).toEqual([
      "Conv",
      "Relu",
      "MaxPool",
      "Conv",
      "Relu",
      "MaxPool",
      "Flatten",
      "Gemm",
      "Relu",
      "Gemm",
    ]);
    expect(() => topologicalNodes(cnn.graph!)).not.toThrow();
  });

  it("runs in onnxruntime: logits [N, 10], finite, batch size 1 and 3", async () => {
    for (const n of [1, 3]) {
      const logits = await forward(cnn, [n, 1, 28, 28]);
      expect(logits.dims).toEqual([n, 10]);
      expect(logits.data.every(Number.isFinite)).toBe(true);
    }
  });

  it("declares image bounds [0, 1] in mlsec.bounds", () => {
    expect(cnn.metadataProps.find((p) => p.key === "mlsec.bounds")?.value).toBe("[0,1]");
    expect(boundsFromMetadata(cnn)).toEqual([0, 1]);
  });

  it("is a pure function of the seed", () => {
    const again = buildCnn({ inputShape: [1, 28, 28], numClasses: 10, rng: createRng(1) });
    const other = buildCnn({ inputShape: [1, 28, 28], numClasses: 10, rng: createRng(2) });
    const bytes = Buffer.from(encodeModel(cnn));
    expect(bytes.equals(Buffer.from(encodeModel(again)))).toBe(true);
    expect(bytes.equals(Buffer.from(encodeModel(other)))).toBe(false);
  });

  it("fits other image sizes and channel counts, and refuses images under 10x10", async () => {
    const rgb = buildCnn({ inputShape: [3, 12, 16], numClasses: 4, rng: createRng(0), hidden: 8 });
    expect(dimsOf(rgb)["fc1.weight"]).toEqual([8, 64 * 1 * 2]);
    expect((await forward(rgb, [2, 3, 12, 16])).dims).toEqual([2, 4]);
    expect(() => buildCnn({ inputShape: [1, 9, 28], numClasses: 2, rng: createRng(0) })).toThrow(
      expect.objectContaining({ code: "E_SHAPE_MISMATCH" }),
    );
    expect(() => buildCnn({ inputShape: [784], numClasses: 2, rng: createRng(0) })).toThrow(
      expect.objectContaining({ code: "E_SHAPE_MISMATCH" }),
    );
  });
});

describe("mlp", () => {
  it("tabular: Flatten → Gemm/Relu per hidden width → Gemm, unbounded", async () => {
    const mlp = buildMlp({ inputShape: [30], numClasses: 2, hidden: [16, 8], rng: createRng(3) });
    expect(dimsOf(mlp)).toEqual({
      "fc1.weight": [16, 30],
      "fc1.bias": [16],
      "fc2.weight": [8, 16],
      "fc2.bias": [8],
      "fc3.weight": [2, 8],
      "fc3.bias": [2],
    });
    expect(mlp.metadataProps.find((p) => p.key === "mlsec.bounds")?.value).toBe("[null,null]");
    expect(boundsFromMetadata(mlp)).toEqual([-Infinity, Infinity]);
    expect((await forward(mlp, [5, 30])).dims).toEqual([5, 2]);
  });

  it("flattens image input, and with no hidden layer is a linear model", async () => {
    const linear = buildArchitecture("mlp", {
      inputShape: [1, 28, 28],
      numClasses: 10,
      hidden: [],
      rng: createRng(0),
      bounds: [0, 1],
    });
    expect(dimsOf(linear)).toEqual({ "fc1.weight": [10, 784], "fc1.bias": [10] });
    expect((await forward(linear, [2, 1, 28, 28])).dims).toEqual([2, 10]);
  });

  it("rejects bad widths and class counts", () => {
    expect(() =>
      buildMlp({ inputShape: [4], numClasses: 2, hidden: [0], rng: createRng(0) }),
    ).toThrow(expect.objectContaining({ code: "E_INVALID_ARGUMENT" }));
    expect(() => buildMlp({ inputShape: [4], numClasses: 0, rng: createRng(0) })).toThrow(
      expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
    );
    expect(() =>
      buildArchitecture("cnn", {
        inputShape: [1, 28, 28],
        numClasses: 10,
        hidden: [64, 32],
        rng: createRng(0),
        bounds: [0, 1],
      }),
    ).toThrow(expect.objectContaining({ code: "E_INVALID_ARGUMENT" }));
  });
});

describe("He-uniform initialisation (He et al. 2015)", () => {
  it("draws from U(−√(6/fan_in), √(6/fan_in)) with variance 2/fan_in", () => {
    const fanIn = 50;
    const values = tensorToFloat32(heUniform("w", [200, fanIn], fanIn, createRng(7)));
    const bound = Math.sqrt(6 / fanIn);
    expect(values.every((v) => Math.abs(v) <= bound)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance / (2 / fanIn)).toBeGreaterThan(0.95);
    expect(variance / (2 / fanIn)).toBeLessThan(1.05);
  });
});
