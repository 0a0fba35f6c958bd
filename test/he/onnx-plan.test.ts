import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { loadDataset } from "../../src/data/index.js";
import {
  approximateActivation,
  evaluatePlan,
  type HeLayer,
  type HePlan,
  planDepth,
  planFromOnnx,
} from "../../src/he/index.js";
import {
  A,
  DataType,
  floatTensor,
  GraphBuilder,
  loadModel,
  makeModel,
  OnnxClassifier,
} from "../../src/onnx/index.js";

async function expectPlanMatchesOnnx(path: string, dataPath: string, count: number) {
  const model = await loadModel(path);
  const plan = planFromOnnx(model);
  const data = await loadDataset(dataPath);
  const features = data.x.data.length / data.y.length;
  const x = {
    shape: [count, ...data.x.shape.slice(1)],
    data: data.x.data.subarray(0, count * features),
  };
  const logits = await (await OnnxClassifier.create(model)).predict(x);
  for (let i = 0; i < count; i++) {
    const got = evaluatePlan(plan, x.data.subarray(i * features, (i + 1) * features));
    got.forEach((v, j) => {
      expect(v).toBeCloseTo(logits.data[i * plan.outputSize + j], 3);
    });
  }
  return plan;
}

/** input [N, 3] -> Gemm(3 -> 2) -> `activation` built by `body` -> Gemm(2 -> 2). */
function smallModel(body: (g: GraphBuilder, h: string) => string) {
  const rng = createRng(1);
  const w = (name: string, dims: number[]) =>
    floatTensor(
      name,
      dims,
      Float32Array.from({ length: dims[0] * dims[1] }, () => rng.next() - 0.5),
    );
  const g = new GraphBuilder(undefined, "t");
  g.addInput("input", DataType.FLOAT, ["batch", 3]);
  const h = g.op("Gemm", ["input", g.initializer(w("w1", [2, 3]))], { transB: A.int(1) });
  const a = body(g, h);
  g.add("MatMul", [a, g.initializer(w("w2", [2, 2]))], {}, { outputs: ["logits"] });
  g.addOutput("logits", DataType.FLOAT, ["batch", 2]);
  return makeModel(g.build());
}

describe("ONNX to HE plan", () => {
  it("reproduces the tabular polynomial model's logits in float64", async () => {
    const plan = await expectPlanMatchesOnnx(
      "examples/models/tabular-poly.onnx",
      "examples/data/tabular-test.npz",
      30,
    );
    expect(plan.layers.map((l) => l.kind)).toEqual(["linear", "poly", "linear"]);
    expect(planDepth(plan)).toBe(3);
  });

  it("lowers the digits model's convolution to a 256x784 matrix that matches onnxruntime", async () => {
    const plan = await expectPlanMatchesOnnx(
      "examples/models/digits-poly.onnx",
      "examples/data/digits-test.npz",
      5,
    );
    const first = plan.layers[0];
    expect(first.kind === "linear" && [first.rows, first.cols]).toEqual([256, 784]);
  });

  it("folds Mul/Add/Pow chains into one polynomial", () => {
    const model = smallModel((g, h) => {
      const sq = g.op("Pow", [h, g.scalar(2)]);
      const scaled = g.op("Mul", [sq, g.scalar(0.5)]);
      return g.op("Add", [g.op("Add", [scaled, h]), g.scalar(0.25)]);
    });
    const plan = planFromOnnx(model);
    // 0.5 z² + z + 0.25 = 0.5 (z + 1)² - 0.25: folded into a square between the dense layers.
    const poly = plan.layers[1];
    expect(poly.kind === "poly" && poly.coefficients).toEqual([0, 0, 1]);
    expect(planDepth(plan)).toBe(3);
    const unfolded: HePlan = {
      ...plan,
      layers: plan.layers.map((l, i) => {
        if (i === 0 && l.kind === "linear") return { ...l, bias: l.bias.map((b) => b - 1) };
        if (i === 1) return { ...l, coefficients: [0.25, 1, 0.5] } as HeLayer;
        if (i === 2 && l.kind === "linear") {
          const back = { ...l, weight: l.weight.map((w) => w / 0.5) };
          const bias = back.bias.map(
            (b, r) => b + 0.25 * (back.weight[r * 2] + back.weight[r * 2 + 1]),
          );
          return { ...back, bias };
        }
        return l;
      }),
    };
    for (const x of [Float64Array.from([1, -2, 0.5]), Float64Array.from([0.3, 0.1, -4])]) {
      const a = evaluatePlan(plan, x);
      const b = evaluatePlan(unfolded, x);
      a.forEach((v, j) => {
        expect(v).toBeCloseTo(b[j], 9);
      });
    }
  });

  it("refuses ReLU unless asked to approximate it, then fits it on the stated interval", () => {
    const model = smallModel((g, h) => g.op("Relu", [h]));
    expect(() => planFromOnnx(model)).toThrow(
      expect.objectContaining({ code: "E_HE_UNSUPPORTED" }),
    );
    const plan = planFromOnnx(model, { approximate: { degree: 2, interval: 4 } });
    const poly = plan.layers[1];
    expect(poly.kind).toBe("poly");
    expect(plan.notes.join(" ")).toContain("[-4, 4]");
  });

  it("refuses graphs that are not a chain", () => {
    const model = smallModel((g, h) => {
      const second = g.op("Gemm", [h, g.initializer(floatTensor("w3", [2, 2], [1, 0, 0, 1]))]);
      return g.op("Add", [second, h]);
    });
    expect(() => planFromOnnx(model)).toThrow(
      expect.objectContaining({ code: "E_HE_UNSUPPORTED" }),
    );
  });
});

describe("least-squares activation fits", () => {
  it("fits a polynomial exactly when the activation is one", () => {
    const fit = approximateActivation("relu", 1, 2);
    // ReLU(x) = (x + |x|) / 2 and |x| is even, so on [-a, a] the best line has slope 1/2.
    expect(fit.coefficients[1]).toBeCloseTo(0.5, 6);
    const square = approximateActivation("relu", 2, 2).coefficients;
    expect(square).toHaveLength(3);
  });

  it("gets closer with the degree (sigmoid on [-8, 8], GELU on [-4, 4])", () => {
    expect(approximateActivation("sigmoid", 3, 8).maxError).toBeLessThan(
      approximateActivation("sigmoid", 1, 8).maxError,
    );
    expect(approximateActivation("gelu", 6, 4).maxError).toBeLessThan(
      approximateActivation("gelu", 2, 4).maxError,
    );
    expect(approximateActivation("gelu", 6, 4).maxError).toBeLessThan(0.1);
    expect(approximateActivation("sigmoid", 1, 8).coefficients[0]).toBeCloseTo(0.5, 6);
  });

  it("refuses degrees and intervals out of range", () => {
    expect(() => approximateActivation("relu", 9, 1)).toThrow(
      expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
    );
    expect(() => approximateActivation("relu", 2, 0)).toThrow(
      expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
    );
  });
});
