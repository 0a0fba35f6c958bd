// Gradients of Gemm (Y = alpha op(A) op(B) + beta C) and MatMul (numpy matmul, batched and
// broadcast, 1-D operands promoted) — ONNX operator spec; matrix calculus dA = dY B^T, dB = A^T dY.

import { A, attrFloat, attrInt } from "../attributes.js";
import type { Dim } from "../ir.js";
import type { GradContext, GradRuleEntry } from "./rule.js";

function gemm(
  ctx: GradContext,
  a: string,
  b: string,
  transA: boolean,
  transB: boolean,
  alpha: number,
): string {
  const attrs: Record<string, ReturnType<typeof A.int>> = {};
  if (transA) attrs.transA = A.int(1);
  if (transB) attrs.transB = A.int(1);
  if (alpha !== 1) attrs.alpha = A.float(alpha);
  return ctx.e.op("Gemm", [a, b], attrs);
}

const gemmRule: GradRuleEntry = {
  inputs: [0, 1, 2],
  rule: (ctx) => {
    const { node } = ctx;
    const dy = ctx.dy[0]!;
    const [a, b, c] = node.input;
    const tA = attrInt(node, "transA", 0) === 1;
    const tB = attrInt(node, "transB", 0) === 1;
    const alpha = attrFloat(node, "alpha", 1);
    const beta = attrFloat(node, "beta", 1);
    // dA: alpha dY op(B)^T, transposed back when transA.
    const da = !ctx.needs(0)
      ? undefined
      : tA
        ? gemm(ctx, b, dy, tB, true, alpha)
        : gemm(ctx, dy, b, false, !tB, alpha);
    // dB: alpha op(A)^T dY, transposed back when transB.
    const db = !ctx.needs(1)
      ? undefined
      : tB
        ? gemm(ctx, dy, a, true, tA, alpha)
        : gemm(ctx, a, dy, !tA, false, alpha);
    let dc: string | undefined;
    if (c && ctx.needs(2)) {
      const scaled = beta === 1 ? dy : ctx.e.op("Mul", [dy, ctx.e.scalar(beta, node.output[0])]);
      dc = ctx.e.unbroadcast(scaled, ctx.e.shape(node.output[0]), c);
    }
    return [da, db, dc];
  },
};

function swapLast(ctx: GradContext, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return ctx.e.op("Transpose", [x], { perm: A.ints(perm) });
}

const matMulRule: GradRuleEntry = {
  inputs: [0, 1],
  rule: (ctx) => {
    const e = ctx.e;
    const [a, b] = ctx.node.input;
    const y = ctx.node.output[0];
    const ra = e.rank(a, "MatMul gradient");
    const rb = e.rank(b, "MatMul gradient");
    const sa = e.shape(a)!;
    const sb = e.shape(b)!;
    const sy = e.shape(y);
    // Promote 1-D operands to matrices as numpy does, and dY to the matching rank.
    const sae: Dim[] = ra === 1 ? [1, sa[0]] : [...sa];
    const sbe: Dim[] = rb === 1 ? [sb[0], 1] : [...sb];
    const ae = ra === 1 ? e.unsqueeze(a, [0]) : a;
    const be = rb === 1 ? e.unsqueeze(b, [1]) : b;
    e.setType(ae, { elemType: e.elemType(a), shape: sae });
    e.setType(be, { elemType: e.elemType(b), shape: sbe });
    let dy = ctx.dy[0]!;
    if (ra === 1 && rb === 1) dy = e.op("Reshape", [dy, e.ints([1, 1])]);
    else if (ra === 1) dy = e.unsqueeze(dy, [-2]);
    else if (rb === 1) dy = e.unsqueeze(dy, [-1]);
    const rankE = Math.max(sae.length, sbe.length);
    const batch = sy === null ? null : sy.slice(0, Math.max(0, rankE - 2));
    const m = sae[sae.length - 2];
    const k = sae[sae.length - 1];
    const n = sbe[sbe.length - 1];
    let da: string | undefined;
    let db: string | undefined;
    if (ctx.needs(0)) {
      const g = e.op("MatMul", [dy, swapLast(ctx, be, sbe.length)]);
      const summed = e.unbroadcast(g, batch === null ? null : [...batch, m, k], ae);
      da = ra === 1 ? e.reshapeLike(summed, a) : summed;
    }
    if (ctx.needs(1)) {
      const g = e.op("MatMul", [swapLast(ctx, ae, sae.length), dy]);
      const summed = e.unbroadcast(g, batch === null ? null : [...batch, k, n], be);
      db = rb === 1 ? e.reshapeLike(summed, b) : summed;
    }
    return [da, db];
  },
};

export const LINEAR_RULES: Readonly<Record<string, GradRuleEntry>> = {
  Gemm: gemmRule,
  MatMul: matMulRule,
};
