// Gradients of elementwise ops with numpy broadcasting (ONNX operator spec; chain rule, with
// broadcast gradients summed back to each input's shape).

import { A, attrFloat, attrInt } from "../attributes.js";
import type { GradContext, GradRuleEntry } from "./rule.js";

function out(ctx: GradContext): string {
  return ctx.node.output[0];
}

/** dy as it flows to input i, summed over the axes that input was broadcast along. */
function toInput(ctx: GradContext, grad: string, i: number): string {
  return ctx.e.unbroadcast(grad, ctx.e.shape(out(ctx)), ctx.node.input[i]);
}

const add: GradRuleEntry = {
  inputs: [0, 1],
  rule: (ctx) => {
    const dy = ctx.dy[0]!;
    return [
      ctx.needs(0) ? toInput(ctx, dy, 0) : undefined,
      ctx.needs(1) ? toInput(ctx, dy, 1) : undefined,
    ];
  },
};

const sub: GradRuleEntry = {
  inputs: [0, 1],
  rule: (ctx) => {
    const dy = ctx.dy[0]!;
    return [
      ctx.needs(0) ? toInput(ctx, dy, 0) : undefined,
      ctx.needs(1) ? toInput(ctx, ctx.e.op("Neg", [dy]), 1) : undefined,
    ];
  },
};

const mul: GradRuleEntry = {
  inputs: [0, 1],
  rule: (ctx) => {
    const dy = ctx.dy[0]!;
    const [a, b] = ctx.node.input;
    return [
      ctx.needs(0) ? toInput(ctx, ctx.e.op("Mul", [dy, b]), 0) : undefined,
      ctx.needs(1) ? toInput(ctx, ctx.e.op("Mul", [dy, a]), 1) : undefined,
    ];
  },
};

const div: GradRuleEntry = {
  inputs: [0, 1],
  rule: (ctx) => {
    const dy = ctx.dy[0]!;
    const b = ctx.node.input[1];
    const da = ctx.e.op("Div", [dy, b]);
    // d(a/b)/db = -(a/b)/b: reuses the forward output y = a/b.
    const db = ctx.needs(1)
      ? toInput(ctx, ctx.e.op("Neg", [ctx.e.op("Mul", [da, out(ctx)])]), 1)
      : undefined;
    return [ctx.needs(0) ? toInput(ctx, da, 0) : undefined, db];
  },
};

const unary = (
  rule: (ctx: GradContext, dy: string, x: string, y: string) => string,
): GradRuleEntry => ({
  inputs: [0],
  rule: (ctx) => [rule(ctx, ctx.dy[0]!, ctx.node.input[0], out(ctx))],
});

const neg = unary((ctx, dy) => ctx.e.op("Neg", [dy]));
const identity = unary((_ctx, dy) => dy);

// The derivative at the kink is 0, as in PyTorch.
const relu = unary((ctx, dy, _x, y) => ctx.e.op("Mul", [dy, ctx.e.positive(y)]));

const leakyRelu = unary((ctx, dy, x) => {
  const e = ctx.e;
  const alpha = attrFloat(ctx.node, "alpha", 0.01);
  // slope = alpha + (1 - alpha) [x > 0]
  const slope = e.op("Add", [
    e.op("Mul", [e.positive(x), e.scalar(1 - alpha, x)]),
    e.scalar(alpha, x),
  ]);
  return e.op("Mul", [dy, slope]);
});

// s' = s (1 - s), tanh' = 1 - t^2, exp' = exp: all from the forward output.
const sigmoid = unary((ctx, dy, _x, y) => {
  const e = ctx.e;
  return e.op("Mul", [dy, e.op("Mul", [y, e.op("Sub", [e.scalar(1, y), y])])]);
});

const tanh = unary((ctx, dy, _x, y) => {
  const e = ctx.e;
  return e.op("Mul", [dy, e.op("Sub", [e.scalar(1, y), e.op("Mul", [y, y])])]);
});

const exp = unary((ctx, dy, _x, y) => ctx.e.op("Mul", [dy, y]));
const log = unary((ctx, dy, x) => ctx.e.op("Div", [dy, x]));

/** Clip passes the gradient where min <= x <= max (PyTorch's clamp convention). */
const clip: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const e = ctx.e;
    const [x, lo, hi] = ctx.node.input;
    const conds: string[] = [];
    if (lo) conds.push(e.op("GreaterOrEqual", [x, lo]));
    if (hi) conds.push(e.op("LessOrEqual", [x, hi]));
    if (conds.length === 0) return [ctx.dy[0]];
    const inside = conds.length === 2 ? e.op("And", conds) : conds[0];
    return [e.op("Mul", [ctx.dy[0]!, e.op("Cast", [inside], { to: A.int(e.elemType(x)) })])];
  },
};

/** Sum (variadic, broadcasting) and Expand: dy summed back to each input's shape. */
const sum: GradRuleEntry = {
  inputs: "all",
  rule: (ctx) =>
    ctx.node.input.map((_, i) => (ctx.needs(i) ? toInput(ctx, ctx.dy[0]!, i) : undefined)),
};

const expand: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => [toInput(ctx, ctx.dy[0]!, 0)],
};

// sqrt' = 1 / (2 sqrt x), from the forward output; |x|' = sign(x) (0 at 0, as PyTorch).
const sqrt = unary((ctx, dy, _x, y) =>
  ctx.e.op("Div", [ctx.e.op("Mul", [dy, ctx.e.scalar(0.5, y)]), y]),
);
const abs = unary((ctx, dy, x) => ctx.e.op("Mul", [dy, ctx.e.op("Sign", [x])]));

const cast: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const x = ctx.node.input[0];
    const to = attrInt(ctx.node, "to", 1);
    const from = ctx.e.elemType(x);
    return [from === to ? ctx.dy[0] : ctx.e.op("Cast", [ctx.dy[0]!], { to: A.int(from) })];
  },
};

export const ELEMENTWISE_RULES: Readonly<Record<string, GradRuleEntry>> = {
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Neg: neg,
  Identity: identity,
  Dropout: identity,
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Exp: exp,
  Log: log,
  Clip: clip,
  Cast: cast,
  Sum: sum,
  Expand: expand,
  Sqrt: sqrt,
  Abs: abs,
};
