import { readFileSync } from "node:fs";
import fc from "fast-check";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { A } from "../../src/onnx/attributes.js";
import { GraphBuilder, makeModel } from "../../src/onnx/builder.js";
import { DataType, type Dim } from "../../src/onnx/ir.js";
import { decodeModel, encodeModel } from "../../src/onnx/proto/codec.js";
import { broadcastShapes, inferShapes } from "../../src/onnx/shape-inference.js";
import { floatTensor } from "../../src/onnx/tensor-data.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";

const F = DataType.FLOAT;

describe("shape inference", () => {
  it("broadcasts like numpy (properties)", () => {
    const shape = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 });
    fc.assert(
      fc.property(shape, fc.array(fc.boolean(), { maxLength: 4 }), (a, ones) => {
        // b: a suffix of a with some dims replaced by 1 broadcasts back to a, both ways.
        const b = a.slice(a.length - ones.length).map((d, i) => (ones[i] ? 1 : d));
        expect(broadcastShapes(a, b)).toEqual(a);
        expect(broadcastShapes(b, a)).toEqual(a);
        expect(broadcastShapes(a, a)).toEqual(a);
      }),
    );
    expect(broadcastShapes(["batch", 1, 4], [3, 1])).toEqual(["batch", 3, 4]);
    expect(broadcastShapes(["n"], ["m"])).toEqual([null]);
  });

  it("solves Reshape's -1 and 0 with a symbolic batch, and follows Shape/Gather/Concat values", () => {
    const b = new GraphBuilder();
    b.addInput("x", F, ["batch", 4, 3, 2]);
    const r = b.op("Reshape", ["x", b.int64Constant([0, -1])]);
    const n = b.op("Gather", [b.op("Shape", ["x"]), b.int64Constant([0], [])]);
    const target = b.op(
      "Concat",
      [b.op("Unsqueeze", [n, b.int64Constant([0])]), b.int64Constant([-1, 6])],
      {
        axis: A.int(0),
      },
    );
    const r2 = b.op("Reshape", ["x", target]);
    const f = b.op("Flatten", ["x"], { axis: A.int(2) });
    const t = b.op("Transpose", ["x"], { perm: A.ints([0, 2, 3, 1]) });
    const s = b.op("ReduceSum", [t, b.int64Constant([1, -1])], { keepdims: A.int(0) });
    const { types, values } = inferShapes(b.build());
    expect(types.get(r)?.shape).toEqual(["batch", 24]);
    expect(values.get(target)).toEqual(["batch", -1, 6]);
    expect(types.get(r2)?.shape).toEqual(["batch", 4, 6]);
    expect(types.get(f)?.shape).toEqual([null, 6]);
    expect(types.get(s)?.shape).toEqual(["batch", 2]);
  });

  it("types Gemm, MatMul (1-D and batched), Squeeze/Unsqueeze, Concat, Pad", () => {
    const b = new GraphBuilder();
    b.addInput("x", F, ["n", 5]);
    b.addInput("v", F, [5]);
    b.addInput("m", F, [7, 1, 5, 3]);
    b.initializer(floatTensor("w", [4, 5], new Float32Array(20)));
    const g = b.op("Gemm", ["x", "w"], { transB: A.int(1) });
    const mv = b.op("MatMul", ["x", "v"]);
    const vm = b.op("MatMul", ["v", "m"]);
    const bm = b.op("MatMul", [b.op("Unsqueeze", ["x", b.int64Constant([0, 1])]), "m"]);
    const sq = b.op("Squeeze", [
      b.op("Unsqueeze", ["x", b.int64Constant([-1])]),
      b.int64Constant([2]),
    ]);
    const c = b.op("Concat", ["x", "x", g], { axis: A.int(1) });
    const p = b.op("Pad", ["x", b.int64Constant([0, 1, 0, 2])]);
    const sl = b.op("Slice", [
      "m",
      b.int64Constant([1, -2, 4]),
      b.int64Constant([1000, 0, -100]),
      b.int64Constant([0, -1, 2]),
      b.int64Constant([2, -1, -2]),
    ]);
    const { types } = inferShapes(b.build());
    const shape = (v: string) => types.get(v)?.shape;
    expect(shape(g)).toEqual(["n", 4]);
    expect(shape(mv)).toEqual(["n"]);
    expect(shape(vm)).toEqual([7, 1, 3]);
    expect(shape(bm)).toEqual([7, 1, "n", 3]);
    expect(shape(sq)).toEqual(["n", 5]);
    expect(shape(c)).toEqual(["n", 14]);
    expect(shape(p)).toEqual(["n", 8]);
    // numpy: m[1::2, :, 4:-100:-2, -2:0:-1] has shape [3, 1, 3, 1].
    expect(shape(sl)).toEqual([3, 1, 3, 1]);
  });

  it("matches onnxruntime's output size for Conv, MaxPool and AveragePool (property)", async () => {
    const geometry = fc.record({
      op: fc.constantFrom("Conv", "MaxPool", "AveragePool"),
      size: fc.integer({ min: 5, max: 12 }),
      k: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 3 }),
      p: fc.integer({ min: 0, max: 1 }),
      d: fc.integer({ min: 1, max: 2 }),
      ceil: fc.boolean(),
      autoPad: fc.constantFrom("NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"),
    });
    await fc.assert(
      fc.asyncProperty(geometry, async (g0) => {
        // onnxruntime refuses SAME padding whose needed pad is negative (stride > kernel).
        const same = g0.autoPad.startsWith("SAME");
        const g = { ...g0, s: same ? Math.min(g0.s, g0.k) : g0.s };
        const b = new GraphBuilder();
        b.addInput("x", F, [1, 2, g.size, g.size + 1]);
        const attrs: Record<string, ReturnType<typeof A.int>> = {
          strides: A.ints([g.s, g.s]),
          auto_pad: A.string(g.autoPad),
        };
        // Pools require pads smaller than the kernel.
        const pad = g.op === "Conv" ? g.p : Math.min(g.p, g.k - 1);
        if (g.autoPad === "NOTSET") attrs.pads = A.ints([pad, 0, 0, pad]);
        // onnxruntime rejects dilations with SAME_* auto padding.
        const dilate = g.op !== "AveragePool" && !g.autoPad.startsWith("SAME");
        if (dilate) attrs.dilations = A.ints([g.d, 1]);
        if (g.op !== "Conv") {
          attrs.kernel_shape = A.ints([g.k, g.k]);
          attrs.ceil_mode = A.int(g.ceil && g.autoPad === "NOTSET" ? 1 : 0);
        }
        const inputs = ["x"];
        if (g.op === "Conv")
          inputs.push(
            b.initializer(floatTensor("w", [3, 2, g.k, g.k], new Float32Array(6 * g.k * g.k))),
          );
        const y = b.op(g.op, inputs, attrs);
        b.addOutput(y, F, null);
        const expected = inferShapes(b.build()).types.get(y)?.shape as Dim[];
        const session = await ort.InferenceSession.create(encodeModel(makeModel(b.build())), {
          logSeverityLevel: 3,
        });
        const x = new ort.Tensor("float32", new Float32Array(2 * g.size * (g.size + 1)), [
          1,
          2,
          g.size,
          g.size + 1,
        ]);
        const out = await session.run({ x });
        expect(expected).toEqual(out[y].dims);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it.skipIf(sharedDataPath("torch-models") === undefined)(
    `infers every value of the PyTorch exports (${SHARED_DATA_SKIP_REASON} when absent)`,
    () => {
      for (const [name, classes] of [
        ["image-cnn", 5],
        ["tabular-bn-mlp", 3],
      ] as const) {
        const model = decodeModel(readFileSync(sharedDataPath(`torch-models/${name}.onnx`)!));
        const graph = model.graph!;
        const { types } = inferShapes(graph);
        for (const node of graph.node) {
          for (const o of node.output) expect(types.get(o)?.shape, `${name}: ${o}`).not.toBeNull();
        }
        const logits = types.get(graph.output[0].name!)!.shape!;
        expect(logits[1]).toBe(classes);
      }
    },
  );
});
