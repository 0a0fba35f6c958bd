import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import { checkCase, maxError, type OpCase, randomTensor } from "./gradcheck.js";

const cases: OpCase[] = [
  {
    name: "Flatten axis 2 then Reshape [-1, 24]",
    inputShape: [2, 2, 3, 4],
    outSize: 24,
    body: (b, x) => {
      const f = b.op("Flatten", [x], { axis: A.int(2) });
      return b.op("Tanh", [b.op("Reshape", [f, b.int64Constant([-1, 24])])]);
    },
  },
  {
    name: "Reshape with 0 and -1",
    inputShape: [2, 2, 3, 4],
    outSize: 24,
    body: (b, x) => b.op("Sigmoid", [b.op("Reshape", [x, b.int64Constant([0, -1, 4])])]),
  },
  {
    name: "Transpose perm [0,2,3,1]",
    inputShape: [2, 2, 3, 4],
    outSize: 24,
    body: (b, x) => b.op("Tanh", [b.op("Transpose", [x], { perm: A.ints([0, 2, 3, 1]) })]),
  },
  {
    name: "Squeeze axes [2], Unsqueeze axes [1,-1]",
    inputShape: [2, 3, 1, 4],
    outSize: 12,
    body: (b, x) => {
      const s = b.op("Squeeze", [x, b.int64Constant([2])]);
      return b.op("Unsqueeze", [b.op("Exp", [s]), b.int64Constant([1, -1])]);
    },
  },
  {
    name: "Concat axis 1 of x, p*x and a constant",
    inputShape: [2, 3],
    outSize: 10,
    params: ["p"],
    body: (b, x, dt) => {
      const p = b.initializer(randomTensor("p", [3], dt, 5));
      const c = b.initializer(randomTensor("c", [1, 4], dt, 6));
      const cb = b.op("Expand", [
        c,
        b.op("Concat", [b.op("Shape", [x], { end: A.int(1) }), b.int64Constant([4])], {
          axis: A.int(0),
        }),
      ]);
      return b.op("Concat", [x, b.op("Mul", [x, p]), cb], { axis: A.int(1) });
    },
  },
  {
    name: "Concat axis -1 of [N,2,3] and [N,2,1]",
    inputShape: [2, 2, 4],
    outSize: 16,
    body: (b, x) => {
      const s = b.op("ReduceSum", [x, b.int64Constant([-1])]);
      return b.op("Concat", [b.op("Tanh", [x]), b.op("Mul", [s, x])], { axis: A.int(-1) });
    },
  },
  {
    name: "Slice with negative start, clamped end, axes",
    inputShape: [2, 5, 6],
    outSize: 3 * 2,
    body: (b, x) => {
      const starts = b.int64Constant([1, -2]);
      const ends = b.int64Constant([4, 1000]);
      return b.op("Exp", [b.op("Slice", [x, starts, ends, b.int64Constant([1, -1])])]);
    },
  },
  {
    name: "Pad constant, positive pads",
    inputShape: [2, 3, 4],
    outSize: 6 * 7,
    body: (b, x, dt) => {
      const value = b.initializer(randomTensor("v", [], dt, 3, 0, 0.25));
      return b.op("Pad", [x, b.int64Constant([0, 1, 2, 0, 2, 1]), value]);
    },
  },
  {
    name: "Pad constant, mixed negative pads",
    inputShape: [1, 3, 4],
    outSize: 3 * 4,
    body: (b, x) => b.op("Pad", [x, b.int64Constant([0, -1, 1, 0, 1, -1])]),
  },
];

describe("autodiff: data-movement gradients vs central differences (float64)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-6);
    });
  }
});
