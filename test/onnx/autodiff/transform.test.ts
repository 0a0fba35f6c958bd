import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { isMlsecError } from "../../../src/core/index.js";
import { A } from "../../../src/onnx/attributes.js";
import {
  buildGradientModel,
  DIFFERENTIABLE_OPS,
  unsupportedOps,
} from "../../../src/onnx/autodiff/index.js";
import { GraphBuilder, makeModel } from "../../../src/onnx/builder.js";
import { DataType, onnxOpsetVersion } from "../../../src/onnx/ir.js";
import { encodeModel } from "../../../src/onnx/proto/codec.js";
import {
  checkCase,
  fixture,
  GradientRunner,
  inputGradientError,
  maxError,
  randomInput,
  randomLabels,
  randomTensor,
} from "./gradcheck.js";

const D = DataType.DOUBLE;

function sinModel() {
  return fixture([2, 3], 3, (b, x, dt) => {
    const w = b.initializer(randomTensor("w", [3, 3], dt, 1));
    const s = b.add("Sin", [x], {}, { name: "the_sine" })[0];
    return b.op("MatMul", [s, w]);
  });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("autodiff graph transformer", () => {
  it("lists the required ops as differentiable", () => {
    const required = `Gemm MatMul Add Sub Mul Div Neg Relu LeakyRelu Sigmoid Tanh Softmax LogSoftmax
      Exp Log Conv MaxPool AveragePool GlobalAveragePool BatchNormalization Dropout Flatten Reshape
      Transpose Squeeze Unsqueeze Concat Identity Constant Cast Clip Pad ReduceMean ReduceSum`;
    for (const op of required.split(/\s+/)) expect(DIFFERENTIABLE_OPS).toContain(op);
  });

  it("names an unsupported op and its node, and refuses to differentiate through it", () => {
    const f = sinModel();
    expect(unsupportedOps(f.model)).toEqual([{ opType: "Sin", node: "the_sine" }]);
    const error = thrown(() => buildGradientModel(f.model, { loss: "cross-entropy" }));
    expect(isMlsecError(error) && error.code).toBe("E_UNSUPPORTED_OP");
    expect((error as Error).message).toMatch(/op Sin at node "the_sine"/);
  });

  it("ignores unsupported ops on constant paths (no gradient flows there)", async () => {
    const f = fixture([2, 3], 3, (b, x, dt) => {
      const c = b.initializer(randomTensor("c", [3], dt, 2));
      const sc = b.op("Sigmoid", [b.op("Sin", [c])]);
      const w = b.initializer(randomTensor("w", [3, 3], dt, 3));
      return b.op("MatMul", [b.op("Mul", [x, sc]), w]);
    });
    expect(unsupportedOps(f.model)).toEqual([]);
    expect(unsupportedOps(f.model, { parameters: ["c"] })).toEqual([
      { opType: "Sin", node: expect.any(String) },
    ]);
    const gm = buildGradientModel(f.model, { loss: "cross-entropy", parameters: ["w"] });
    const sigmoid = gm.model.graph!.node.find((n) => n.opType === "Sigmoid")!.output[0];
    // The Sigmoid's gradient rule (Sub(1, y)) never ran: its output is a constant.
    const readers = gm.model.graph!.node.filter((n) => n.input.includes(sigmoid));
    expect(readers.map((n) => n.opType)).toEqual(["Mul", "Mul"]);
    const runner = await GradientRunner.create(f.model, "cross-entropy", ["w"]);
    const x = randomInput([2, 3], D, 4);
    expect(await inputGradientError(runner, x, [2, 3], [0, 2], 1e-5)).toBeLessThan(1e-6);
  });

  it("turns parameters into inputs and reports their gradient outputs", () => {
    const f = sinModel();
    const m = fixture([2, 3], 3, (b, x, dt) => {
      const w = b.initializer(randomTensor("w", [3, 3], dt, 1));
      const unused = b.initializer(randomTensor("unused", [2], dt, 1));
      void unused;
      return b.op("MatMul", [x, w]);
    });
    const gm = buildGradientModel(m.model, {
      loss: "mse",
      inputGradient: false,
      parameters: ["w", "unused"],
    });
    const g = gm.model.graph!;
    expect(g.initializer.map((t) => t.name)).not.toContain("w");
    expect(g.input.map((v) => v.name)).toEqual(["input", "labels", "w", "unused"]);
    expect(gm.inputGradientName).toBeUndefined();
    expect([...gm.parameterGradientNames]).toEqual([
      ["w", "w_grad"],
      ["unused", "unused_grad"],
    ]);
    expect(g.output.map((v) => v.name)).toEqual(["loss", "logits", "w_grad", "unused_grad"]);
    const error = thrown(() => buildGradientModel(f.model, { loss: "mse", parameters: ["nope"] }));
    expect(isMlsecError(error) && error.code).toBe("E_INVALID_ARGUMENT");
  });

  it("gives a zero gradient to a parameter with no path to the logits", async () => {
    const f = fixture([2, 3], 3, (b, x, dt) => {
      b.initializer(randomTensor("unused", [2], dt, 1));
      return b.op("Tanh", [x]);
    });
    const runner = await GradientRunner.create(f.model, "cross-entropy", ["unused"]);
    const out = await runner.run(randomInput([2, 3], D, 1), [2, 3], [0, 1]);
    expect(Array.from(out[runner.gm.parameterGradientNames.get("unused")!])).toEqual([0, 0]);
  });

  it("upgrades opset 13 models to 17 and refuses opsets below 13", async () => {
    const at13 = await checkCase({
      name: "Squeeze + Softmax at opset 13",
      inputShape: [2, 3, 1],
      outSize: 3,
      opset: 13,
      body: (b, x) => b.op("Softmax", [b.op("Squeeze", [x, b.int64Constant([2])])]),
    });
    expect(maxError(at13)).toBeLessThan(1e-6);
    const f13 = fixture([2, 3], 3, (b, x) => b.op("Relu", [x]), D, 13);
    expect(onnxOpsetVersion(buildGradientModel(f13.model, { loss: "mse" }).model)).toBe(17);
    const f10 = fixture([2, 3], 3, (b, x) => b.op("Relu", [x]), D, 10);
    expect(unsupportedOps(f10.model)).toEqual([{ opType: "opset 10", node: "" }]);
    const error = thrown(() => buildGradientModel(f10.model, { loss: "mse" }));
    expect(isMlsecError(error) && error.code).toBe("E_UNSUPPORTED_OP");
    // Opset 11-12 graphs are lifted only when every op's meaning is known to carry over.
    const split = fixture(
      [2, 4],
      2,
      (b, x) => b.add("Split", [x], { axis: A.int(1) }, { outputs: 2 })[0],
      D,
      11,
    );
    expect(unsupportedOps(split.model)).toEqual([{ opType: "opset 11", node: "" }]);
  });

  it("lifts opset 11 graphs (axes attributes, 2-D-coerced Softmax) with the same logits", async () => {
    const c: Parameters<typeof checkCase>[0] = {
      name: "opset 11: Unsqueeze/Squeeze/ReduceSum axes attributes, Softmax axis 1 of rank 3",
      inputShape: [2, 3, 4],
      outSize: 12 + 3,
      opset: 11,
      body: (b, x) => {
        const u = b.op("Unsqueeze", [x], { axes: A.ints([1]) });
        const s = b.op("Squeeze", [b.op("Tanh", [u])], { axes: A.ints([1]) });
        const soft = b.op("Softmax", [s], { axis: A.int(1) });
        const sum = b.op("ReduceSum", [s], { axes: A.ints([2]), keepdims: A.int(0) });
        const flat = (v: string) => b.op("Flatten", [v]);
        return b.op("Concat", [flat(soft), flat(sum)], { axis: A.int(1) });
      },
    };
    expect(maxError(await checkCase(c))).toBeLessThan(1e-6);
    // The lifted forward computes what onnxruntime computes for the original opset 11 model.
    const f = fixture(
      c.inputShape,
      3,
      (b, x, dt) => {
        const y = c.body(b, x, dt);
        return b.op("MatMul", [
          b.op("Flatten", [y]),
          b.initializer(randomTensor("w", [15, 3], dt, 2)),
        ]);
      },
      D,
      11,
    );
    const x = randomInput(c.inputShape, D, 3);
    const original = await ort.InferenceSession.create(encodeModel(f.model), {
      logSeverityLevel: 3,
    });
    const expected = (
      await original.run({ input: new ort.Tensor("float64", x, [...c.inputShape]) })
    ).logits.data as Float64Array;
    const runner = await GradientRunner.create(f.model, "cross-entropy");
    const got = (await runner.run(x, c.inputShape, [0, 1])).logits;
    const worst = Math.max(...Array.from(got, (v, k) => Math.abs(v - expected[k])));
    expect(worst).toBeLessThan(1e-12);
  });

  it("follows PyTorch-style Shape -> Gather -> Concat -> Reshape chains", async () => {
    const r = await checkCase({
      name: "dynamic flatten",
      inputShape: [2, 3, 4],
      outSize: 12,
      body: (b, x) => {
        const n = b.op("Gather", [b.op("Shape", [x]), b.int64Constant([0], [])], {
          axis: A.int(0),
        });
        const target = b.op(
          "Concat",
          [b.op("Unsqueeze", [n, b.int64Constant([0])]), b.int64Constant([-1])],
          {
            axis: A.int(0),
          },
        );
        return b.op("Tanh", [b.op("Reshape", [x, target])]);
      },
    });
    expect(maxError(r)).toBeLessThan(1e-6);
  });

  it("unbroadcasts at run time when symbolic dims leave it undecided", async () => {
    const b = new GraphBuilder(undefined, "dyn");
    b.addInput("input", D, ["batch", "features"]);
    const p = b.initializer(randomTensor("p", [1, 4], D, 3));
    const w = b.initializer(randomTensor("w", [4, 3], D, 4));
    const sum = b.op("Add", [b.op("Mul", [b.op("Tanh", ["input"]), p]), p]);
    b.add("MatMul", [sum, w], {}, { outputs: ["logits"] });
    b.addOutput("logits", D, null);
    const model = makeModel(b.build());
    const runner = await GradientRunner.create(model, "cross-entropy", ["p"]);
    const x = randomInput([3, 4], D, 5);
    const y = randomLabels(3, 3, 6);
    expect(await inputGradientError(runner, x, [3, 4], y, 1e-5)).toBeLessThan(1e-6);
    const { parameterGradientError } = await import("./gradcheck.js");
    expect(await parameterGradientError(runner, "p", x, [3, 4], y, 1e-5)).toBeLessThan(1e-6);
    expect(runner.gm.model.graph!.node.some((n) => n.opType === "NonZero")).toBe(true);
  });

  it("folds a ReLU's mask into the following MaxPool's pooled gradient", () => {
    const f = fixture(
      [1, 2, 4, 4],
      3,
      (b, x, dt) => {
        const r = b.add("Relu", [x], {}, { outputs: ["relu_out"] })[0];
        const p = b.op("MaxPool", [r], { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) });
        const w = b.initializer(randomTensor("w", [8, 3], dt, 9));
        return b.op("MatMul", [b.op("Flatten", [p]), w]);
      },
      DataType.FLOAT,
    );
    const gm = buildGradientModel(f.model, { loss: "cross-entropy" });
    const readers = gm.model.graph!.node.filter((n) => n.input.includes("relu_out"));
    // Only metadata reads (Shape, Size) besides the pool: no mask at the ReLU's resolution.
    const data = readers.filter((n) => n.opType !== "Shape" && n.opType !== "Size");
    expect(data.map((n) => n.opType)).toEqual(["MaxPool"]);
  });

  it("routes MaxPool gradients with MaxUnpool for disjoint windows, a scatter-add otherwise", () => {
    const pooled = (strides: number[]) =>
      fixture(
        [1, 1, 6, 6],
        3,
        (b, x, dt) => {
          const p = b.op("MaxPool", [x], {
            kernel_shape: A.ints([2, 2]),
            strides: A.ints(strides),
          });
          const size = strides[0] === 2 ? 9 : 25;
          const w = b.initializer(randomTensor("w", [size, 3], dt, 9));
          return b.op("MatMul", [b.op("Flatten", [p]), w]);
        },
        DataType.FLOAT,
      );
    const ops = (strides: number[]) =>
      buildGradientModel(pooled(strides).model, { loss: "mse" }).model.graph!.node.map(
        (n) => n.opType,
      );
    expect(ops([2, 2])).toContain("MaxUnpool");
    expect(ops([1, 1])).toContain("ScatterElements");
    expect(ops([1, 1])).not.toContain("MaxUnpool");
  });

  it("MaxPool ties: each window's gradient goes to exactly one element", async () => {
    const f = fixture(
      [1, 1, 4, 4],
      3,
      (b, x, dt) => {
        const pooled = b.op("MaxPool", [x], {
          kernel_shape: A.ints([2, 2]),
          strides: A.ints([2, 2]),
        });
        const w = b.initializer(randomTensor("w", [4, 3], dt, 9));
        return b.op("MatMul", [b.op("Flatten", [pooled]), w]);
      },
      DataType.FLOAT,
    );
    const runner = await GradientRunner.create(f.model, "cross-entropy");
    const out = await runner.run(new Float32Array(16), [1, 1, 4, 4], [1]);
    const grad = out[runner.gm.inputGradientName!];
    for (const [r, c] of [
      [0, 0],
      [0, 2],
      [2, 0],
      [2, 2],
    ]) {
      const window = [
        grad[r * 4 + c],
        grad[r * 4 + c + 1],
        grad[(r + 1) * 4 + c],
        grad[(r + 1) * 4 + c + 1],
      ];
      expect(window.filter((v) => v !== 0)).toHaveLength(1);
    }
  });
});
