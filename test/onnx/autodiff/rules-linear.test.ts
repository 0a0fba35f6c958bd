import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import type { GraphBuilder } from "../../../src/onnx/builder.js";
import { checkCase, maxError, type OpCase, randomTensor } from "./gradcheck.js";

const param = (b: GraphBuilder, name: string, dims: number[], dt: number) =>
  b.initializer(randomTensor(name, dims, dt, name.charCodeAt(0) + dims.length));

const cases: OpCase[] = [
  {
    name: "Gemm alpha/beta, bias [C]",
    inputShape: [3, 5],
    outSize: 4,
    params: ["w", "c"],
    body: (b, x, dt) =>
      b.op("Gemm", [x, param(b, "w", [5, 4], dt), param(b, "c", [4], dt)], {
        alpha: A.float(0.7),
        beta: A.float(1.3),
      }),
  },
  {
    name: "Gemm transB, bias [1,C], batch 1",
    inputShape: [1, 5],
    outSize: 4,
    params: ["w", "c"],
    body: (b, x, dt) =>
      b.op("Gemm", [x, param(b, "w", [4, 5], dt), param(b, "c", [1, 4], dt)], {
        transB: A.int(1),
      }),
  },
  {
    name: "Gemm transA on the input (A = x^T), scalar bias",
    inputShape: [3, 5],
    outSize: 4,
    params: ["w", "c"],
    body: (b, x, dt) => {
      const xt = b.op("Transpose", [x], { perm: A.ints([1, 0]) });
      return b.op("Gemm", [xt, param(b, "w", [5, 4], dt), param(b, "c", [], dt)], {
        transA: A.int(1),
        alpha: A.float(-1.5),
      });
    },
  },
  {
    name: "Gemm transA+transB with the input as B, bias [M,1]",
    inputShape: [3, 5],
    outSize: 4,
    params: ["w", "c"],
    body: (b, x, dt) => {
      const y = b.op("Gemm", [param(b, "w", [5, 4], dt), x, param(b, "c", [4, 1], dt)], {
        transA: A.int(1),
        transB: A.int(1),
        beta: A.float(0.5),
      });
      return b.op("Transpose", [y], { perm: A.ints([1, 0]) });
    },
  },
  {
    name: "Gemm no bias, B from the input",
    inputShape: [2, 3],
    outSize: 3,
    params: ["w"],
    body: (b, x, dt) => {
      const y = b.op("Gemm", [param(b, "w", [3, 3], dt), x], { transB: A.int(1) });
      return b.op("Transpose", [y], { perm: A.ints([1, 0]) });
    },
  },
  {
    name: "MatMul batched x [N,3,4] @ W [4,2]",
    inputShape: [2, 3, 4],
    outSize: 6,
    params: ["w"],
    body: (b, x, dt) => b.op("MatMul", [x, param(b, "w", [4, 2], dt)]),
  },
  {
    name: "MatMul W [2,3] @ x [N,3,4]",
    inputShape: [2, 3, 4],
    outSize: 8,
    params: ["w"],
    body: (b, x, dt) => b.op("MatMul", [param(b, "w", [2, 3], dt), x]),
  },
  {
    name: "MatMul broadcast batch dims [N,1,3,4] @ [2,4,5]",
    inputShape: [2, 1, 3, 4],
    outSize: 30,
    params: ["w"],
    body: (b, x, dt) => b.op("MatMul", [x, param(b, "w", [2, 4, 5], dt)]),
  },
  {
    name: "MatMul 1-D operands: x [N,4] @ v [4], u [3] @ x [N,3,4]",
    inputShape: [2, 3, 4],
    outSize: 7,
    params: ["v", "u"],
    body: (b, x, dt) => {
      const xv = b.op("MatMul", [x, param(b, "v", [4], dt)]);
      const ux = b.op("MatMul", [param(b, "u", [3], dt), x]);
      return b.op("Concat", [xv, ux], { axis: A.int(1) });
    },
  },
  {
    name: "MatMul x @ x^T (fan-out)",
    inputShape: [2, 3, 4],
    outSize: 9,
    body: (b, x) => b.op("MatMul", [x, b.op("Transpose", [x], { perm: A.ints([0, 2, 1]) })]),
  },
];

describe("autodiff: Gemm and MatMul gradients vs central differences (float64)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-6);
    });
  }
});
