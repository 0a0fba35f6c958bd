import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import { DataType } from "../../../src/onnx/ir.js";
import { checkCase, maxError, type OpCase, randomTensor } from "./gradcheck.js";

const param = (
  b: Parameters<OpCase["body"]>[0],
  name: string,
  dims: number[],
  dt: number,
  offset = 0,
) => b.initializer(randomTensor(name, dims, dt, name.length * 31 + dims.length, 1, offset));

const cases: OpCase[] = [
  {
    name: "Add broadcast [N,3,4] + [4]",
    inputShape: [2, 3, 4],
    outSize: 12,
    params: ["p"],
    body: (b, x, dt) => b.op("Add", [x, param(b, "p", [4], dt)]),
  },
  {
    name: "Add broadcast [3,1] + [N,3,4] (batch 1)",
    inputShape: [1, 3, 4],
    outSize: 12,
    params: ["p"],
    body: (b, x, dt) => b.op("Add", [param(b, "p", [3, 1], dt), x]),
  },
  {
    name: "Add fan-out x + x",
    inputShape: [2, 5],
    outSize: 5,
    body: (b, x) => b.op("Add", [x, x]),
  },
  {
    name: "Sub broadcast both ways",
    inputShape: [3, 2, 3],
    outSize: 6,
    params: ["p", "q"],
    body: (b, x, dt) => {
      const d = b.op("Sub", [x, param(b, "p", [2, 1], dt)]);
      return b.op("Sub", [param(b, "q", [1, 3], dt), d]);
    },
  },
  {
    name: "Mul broadcast and x*x",
    inputShape: [2, 3, 4],
    outSize: 12,
    params: ["p"],
    body: (b, x, dt) => b.op("Mul", [b.op("Mul", [x, x]), param(b, "p", [1, 4], dt)]),
  },
  {
    name: "Div x / p and p / x",
    inputShape: [2, 3, 2],
    outSize: 6,
    params: ["p", "q"],
    inputOffset: 2,
    body: (b, x, dt) => {
      const a = b.op("Div", [x, param(b, "p", [3, 1], dt, 2)]);
      return b.op("Add", [a, b.op("Div", [param(b, "q", [2], dt), x])]);
    },
  },
  { name: "Neg", inputShape: [2, 7], outSize: 7, body: (b, x) => b.op("Neg", [x]) },
  { name: "Relu", inputShape: [3, 9], outSize: 9, body: (b, x) => b.op("Relu", [x]) },
  {
    name: "LeakyRelu alpha 0.2",
    inputShape: [3, 9],
    outSize: 9,
    body: (b, x) => b.op("LeakyRelu", [x], { alpha: A.float(0.2) }),
  },
  { name: "Sigmoid", inputShape: [2, 5], outSize: 5, body: (b, x) => b.op("Sigmoid", [x]) },
  { name: "Tanh", inputShape: [2, 5], outSize: 5, body: (b, x) => b.op("Tanh", [x]) },
  { name: "Exp", inputShape: [2, 5], outSize: 5, body: (b, x) => b.op("Exp", [x]) },
  {
    name: "Log",
    inputShape: [2, 5],
    outSize: 5,
    inputOffset: 2,
    body: (b, x) => b.op("Log", [x]),
  },
  {
    name: "Clip min/max inputs",
    inputShape: [2, 11],
    outSize: 11,
    body: (b, x, dt) => {
      const lo = b.initializer(randomTensor("lo", [], dt, 1, 0, -0.45));
      const hi = b.initializer(randomTensor("hi", [], dt, 1, 0, 0.55));
      return b.op("Clip", [x, lo, hi]);
    },
  },
  {
    name: "Clip min only",
    inputShape: [2, 11],
    outSize: 11,
    body: (b, x, dt) => b.op("Clip", [x, b.initializer(randomTensor("lo", [], dt, 1, 0, 0.05))]),
  },
  { name: "Identity", inputShape: [1, 4], outSize: 4, body: (b, x) => b.op("Identity", [x]) },
  {
    name: "Sum of three, broadcasting",
    inputShape: [2, 3, 4],
    outSize: 12,
    params: ["p", "q"],
    body: (b, x, dt) => b.op("Sum", [x, param(b, "p", [4], dt), param(b, "q", [3, 1], dt)]),
  },
  {
    name: "Expand [N,3,1] -> [N,3,4]",
    inputShape: [2, 3, 1],
    outSize: 12,
    body: (b, x) => b.op("Tanh", [b.op("Expand", [x, b.int64Constant([1, 3, 4])])]),
  },
  {
    name: "Sqrt",
    inputShape: [2, 5],
    outSize: 5,
    inputOffset: 2,
    body: (b, x) => b.op("Sqrt", [x]),
  },
  { name: "Abs", inputShape: [2, 9], outSize: 9, body: (b, x) => b.op("Abs", [x]) },
  {
    name: "Constant node operand (no gradient to it)",
    inputShape: [2, 4],
    outSize: 4,
    body: (b, x, dt) => {
      const c = b.op("Constant", [], { value: A.tensor(randomTensor("c", [4], dt, 12)) });
      return b.op("Mul", [b.op("Sub", [x, c]), c]);
    },
  },
  {
    name: "Dropout (inference)",
    inputShape: [2, 4],
    outSize: 4,
    body: (b, x) => b.add("Dropout", [x], {}, { outputs: 2 })[0],
  },
  {
    name: "Cast double -> float -> double",
    inputShape: [2, 4],
    outSize: 4,
    h: 1e-2,
    body: (b, x) => {
      const f = b.op("Cast", [x], { to: A.int(DataType.FLOAT) });
      return b.op("Cast", [b.op("Tanh", [f])], { to: A.int(DataType.DOUBLE) });
    },
  },
];

describe("autodiff: elementwise gradients vs central differences (float64)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await checkCase(c);
      expect(maxError(r)).toBeLessThan(c.h ? 1e-3 : 1e-6);
    });
  }
});
