import { describe, expect, it } from "vitest";
import { createRng, type Tensor } from "../../../src/core/index.js";
import { buildCnn, buildMlp } from "../../../src/onnx/architectures/index.js";
import type { ModelProto } from "../../../src/onnx/index.js";
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
