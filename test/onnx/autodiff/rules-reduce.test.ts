import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import { DataType } from "../../../src/onnx/ir.js";
import { checkCase, maxError, type OpCase } from "./gradcheck.js";

const cases: OpCase[] = [
  {
    name: "Softmax axis 1 of [N,3,4]",
    inputShape: [2, 3, 4],
    outSize: 12,
    body: (b, x) => b.op("Softmax", [x], { axis: A.int(1) }),
  },
  {
    name: "Softmax default axis, batch 1",
    inputShape: [1, 5],
    outSize: 5,
    inputScale: 3,
    body: (b, x) => b.op("Softmax", [x]),
  },
  {
    name: "LogSoftmax axis 1 of [N,3,4]",
    inputShape: [2, 3, 4],
    outSize: 12,
    body: (b, x) => b.op("LogSoftmax", [x], { axis: A.int(1) }),
  },
  {
    name: "LogSoftmax default axis",
    inputShape: [3, 6],
    outSize: 6,
    body: (b, x) => b.op("LogSoftmax", [x]),
  },
  {
    name: "ReduceSum axes input [1], keepdims 0",
    inputShape: [2, 3, 4],
    outSize: 4,
    body: (b, x) => b.op("ReduceSum", [x, b.int64Constant([1])], { keepdims: A.int(0) }),
  },
  {
    name: "ReduceSum axes [-1], keepdims 1",
    inputShape: [2, 3, 4],
    outSize: 3,
    body: (b, x) => b.op("ReduceSum", [x, b.int64Constant([-1])]),
  },
  {
    name: "ReduceSum no axes, noop_with_empty_axes",
    inputShape: [2, 3],
    outSize: 3,
    body: (b, x) => b.op("ReduceSum", [x], { noop_with_empty_axes: A.int(1) }),
  },
  {
    name: "ReduceMean axes [1,3], keepdims 0",
    inputShape: [2, 3, 2, 5],
    outSize: 2,
    body: (b, x) => b.op("ReduceMean", [x], { axes: A.ints([1, 3]), keepdims: A.int(0) }),
  },
  {
    name: "ReduceMean axes [-1], keepdims 1",
    inputShape: [3, 2, 5],
    outSize: 2,
    body: (b, x) => b.op("ReduceMean", [x], { axes: A.ints([-1]) }),
  },
  {
    name: "GlobalAveragePool (float32)",
    inputShape: [2, 3, 5, 4],
    outSize: 3,
    dtype: DataType.FLOAT,
    body: (b, x) => b.op("GlobalAveragePool", [x]),
  },
];

describe("autodiff: softmax and reduction gradients vs central differences", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const tol = c.dtype === DataType.FLOAT ? 1e-3 : 1e-6;
      expect(maxError(await checkCase(c))).toBeLessThan(tol);
    });
  }
});
