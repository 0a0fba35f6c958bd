import { describe, expect, it } from "vitest";
import { createRng, type Tensor } from "../../../src/core/index.js";
import { buildCnn, buildMlp } from "../../../src/onnx/architectures/index.js";
import { A, GraphBuilder, type ModelProto, makeModel } from "../../../src/onnx/index.js";
import { readParameters, trainableParameterNames } from "../../../src/onnx/trainer/index.js";
import { createClippedGradientEngine, planLayers } from "../../../src/privacy/dpsgd/index.js";

function batch(n: number, shape: number[], classes: number, seed: number) {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const x: Tensor = {
    shape: [n, ...shape],
    data: Float32Array.from({ length: n * size }, () => rng.next()),
  };
  const y = Int32Array.from({ length: n }, () => rng.int(classes));
  return { x, y };
}

/** Clipped sums from both engines on the same batch. */
async function bothEngines(model: ModelProto, x: Tensor, y: Int32Array, clip: number) {
  const names = trainableParameterNames(model);
  const params = readParameters(model, names);
  const inGraph = await createClippedGradientEngine(model, names, "in-graph", 1);
  const loop = await createClippedGradientEngine(model, names, "per-example-loop", 1);
  try {
    return {
      names,
      graph: await inGraph.compute(x, y, params, clip),
      loop: await loop.compute(x, y, params, clip),
    };
  } finally {
    await inGraph.release();
    await loop.release();
  }
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff / scale;
}

/**
 * Conv with stride 2, padding 1 and dilation 2 and a second SAME_UPPER Conv without a bias, then
 * a Gemm with transB=0, alpha and beta: the layer options the in-graph formulas must honour.
 */
function unusualLayers(): ModelProto {
  const rng = createRng(11);
  const values = (n: number) => Array.from({ length: n }, () => rng.normal() * 0.4);
  const b = new GraphBuilder(undefined, "unusual");
  b.addInput("x", 1, ["N", 2, 9, 9]);
  const w1 = b.floatConstant(values(3 * 2 * 3 * 3), [3, 2, 3, 3], "w1");
  const b1 = b.floatConstant(values(3), [3], "b1");
  const c1 = b.op("Conv", ["x", w1, b1], {
    strides: A.ints([2, 2]),
    pads: A.ints([1, 1, 1, 1]),
    dilations: A.ints([2, 2]),
  });
  const w2 = b.floatConstant(values(2 * 3 * 2 * 2), [2, 3, 2, 2], "w2");
  const c2 = b.op("Conv", [b.op("Relu", [c1]), w2], { auto_pad: A.string("SAME_UPPER") });
  const flat = b.op("Flatten", [b.op("Tanh", [c2])], { axis: A.int(1) });
  const w3 = b.floatConstant(values(2 * 4 * 4 * 3), [2 * 4 * 4, 3], "w3");
  const b3 = b.floatConstant(values(3), [1, 3], "b3");
  const z = b.op("Gemm", [flat, w3, b3], { alpha: A.float(0.7), beta: A.float(1.3) });
  const logits = b.op("Identity", [z]);
  b.addOutput(logits, 1, ["N", 3]);
  return makeModel(b.build());
}

describe("in-graph per-example clipping", () => {
  const cnn = buildCnn({
    inputShape: [1, 12, 12],
    numClasses: 3,
    rng: createRng(1),
    hidden: 8,
    filters: [2, 3],
  });
  const mlp = buildMlp({ inputShape: [5], numClasses: 3, rng: createRng(2), hidden: [6] });

  it("covers the cnn and the mlp (Gemm and Conv layers)", () => {
    expect("layers" in planLayers(cnn, trainableParameterNames(cnn))).toBe(true);
    expect("layers" in planLayers(mlp, trainableParameterNames(mlp))).toBe(true);
  });

  for (const [label, model, shape] of [
    ["cnn", cnn, [1, 12, 12]],
    ["mlp", mlp, [5]],
  ] as const) {
    it(`${label}: norms and clipped sums match per-example gradients computed one at a time`, async () => {
      const { x, y } = batch(7, [...shape], 3, 3);
      for (const clip of [1e-3, 0.5, 1e6]) {
        const { names, graph, loop } = await bothEngines(model, x, y, clip);
        expect(maxRelDiff(graph.norms, loop.norms)).toBeLessThan(1e-4);
        for (const name of names) {
          expect(maxRelDiff(graph.sums.get(name)!, loop.sums.get(name)!)).toBeLessThan(1e-4);
        }
        expect(graph.lossSum).toBeCloseTo(loop.lossSum, 4);
        expect(graph.correct).toBe(loop.correct);
      }
    });
  }

  it("honours Conv strides, pads, dilations, auto_pad, no bias, and Gemm transB=0, alpha, beta", async () => {
    const model = unusualLayers();
    const { x, y } = batch(6, [2, 9, 9], 3, 12);
    const { names, graph, loop } = await bothEngines(model, x, y, 0.3);
    expect(names).toHaveLength(5);
    expect(maxRelDiff(graph.norms, loop.norms)).toBeLessThan(1e-4);
    for (const name of names) {
      expect(maxRelDiff(graph.sums.get(name)!, loop.sums.get(name)!)).toBeLessThan(1e-4);
    }
  });

  it("bounds each example's contribution by the clipping norm", async () => {
    const { x, y } = batch(5, [1, 12, 12], 3, 4);
    const names = trainableParameterNames(cnn);
    const params = readParameters(cnn, names);
    const engine = await createClippedGradientEngine(cnn, names, "in-graph", 1);
    try {
      const clip = 0.01;
      for (let i = 0; i < 5; i++) {
        const one = await engine.compute(
          { shape: [1, 1, 12, 12], data: x.data.subarray(i * 144, (i + 1) * 144) },
          y.subarray(i, i + 1),
          params,
          clip,
        );
        let sq = 0;
        for (const s of one.sums.values()) for (const v of s) sq += v * v;
        expect(one.norms[0]).toBeGreaterThan(clip);
        expect(Math.sqrt(sq)).toBeLessThanOrEqual(clip * (1 + 1e-4));
        expect(Math.sqrt(sq)).toBeGreaterThan(clip * 0.999);
      }
    } finally {
      await engine.release();
    }
  });

  it("falls back to the per-example loop for a weight shared by two layers, and says why", async () => {
    const shared: ModelProto = (() => {
      const m = buildMlp({ inputShape: [4], numClasses: 4, rng: createRng(5), hidden: [4] });
      const g = m.graph!;
      // Point the output layer at the hidden layer's weight (both 4x4).
      const node = g.node.map((n) =>
        n.input[1] === "fc2.weight" ? { ...n, input: [n.input[0], "fc1.weight", n.input[2]] } : n,
      );
      return {
        ...m,
        graph: { ...g, node, initializer: g.initializer.filter((t) => t.name !== "fc2.weight") },
      };
    })();
    const names = trainableParameterNames(shared);
    const engine = await createClippedGradientEngine(shared, names, "auto", 1);
    try {
      expect(engine.method).toBe("per-example-loop");
      expect(engine.fallbackReason).toMatch(/fc1.weight.*used by 2 nodes/);
    } finally {
      await engine.release();
    }
    await expect(createClippedGradientEngine(shared, names, "in-graph", 1)).rejects.toMatchObject({
      code: "E_UNSUPPORTED_OP",
    });
  });
});
