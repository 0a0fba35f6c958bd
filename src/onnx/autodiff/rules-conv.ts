// Gradient of Conv (any spatial rank; strides, pads/auto_pad, dilations, groups). The input
// gradient is the transposed convolution of dY with the same kernel (Dumoulin & Visin 2016,
// "A guide to convolution arithmetic for deep learning", §4); the kernel gradient is a
// convolution of the input with dY, batch and channel axes swapped, strides and dilations swapped.

import { A, attrInt, attrInts } from "../attributes.js";
import { explicitPads } from "../shape-inference.js";
import type { Emitter } from "./emitter.js";
import type { GradContext, GradRuleEntry } from "./rule.js";

export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Explicit begin..., end... pads. */
  readonly pads: readonly number[];
  /** Static input and output spatial sizes. */
  readonly inSize: readonly number[];
  readonly outSize: readonly number[];
}

/** The static window geometry of a Conv or pool node, or a failure naming what is unknown. */
export function windowOf(ctx: GradContext, kernel: readonly number[] | undefined): Window {
  const { node, e } = ctx;
  const xs = e.shape(node.input[0]);
  const ys = e.shape(node.output[0]);
  if (kernel === undefined || xs === null || ys === null)
    ctx.fail("the kernel or shapes are unknown");
  const r = kernel.length;
  const inSize = xs.slice(2);
  const outSize = ys.slice(2);
  if (![...inSize, ...outSize].every((d) => typeof d === "number")) {
    ctx.fail("the spatial dims must be static");
  }
  const strides = attrInts(node, "strides") ?? new Array(r).fill(1);
  const dilations = attrInts(node, "dilations") ?? new Array(r).fill(1);
  const pads = explicitPads(node, inSize, kernel, strides, dilations);
  if (pads === null) ctx.fail("the pads cannot be resolved");
  return {
    kernel,
    strides,
    dilations,
    pads,
    inSize: inSize as number[],
    outSize: outSize as number[],
  };
}

/**
 * ConvTranspose of `dy` back to the input's spatial size: pads and output_padding chosen so the
 * result is exactly inSize (windows that overhang the end, e.g. ceil_mode, are cropped).
 */
export function transposedConv(
  e: Emitter,
  dy: string,
  weight: string,
  w: Window,
  group: number,
): string {
  const r = w.kernel.length;
  const pads = [...w.pads];
  const outputPadding = new Array<number>(r).fill(0);
  for (let i = 0; i < r; i++) {
    const full = w.strides[i] * (w.outSize[i] - 1) + w.dilations[i] * (w.kernel[i] - 1) + 1;
    const diff = w.inSize[i] - (full - pads[i] - pads[i + r]);
    if (diff >= 0) outputPadding[i] = diff;
    else pads[i + r] -= diff;
  }
  return e.op("ConvTranspose", [dy, weight], {
    strides: A.ints(w.strides),
    dilations: A.ints(w.dilations),
    pads: A.ints(pads),
    output_padding: A.ints(outputPadding),
    group: A.int(group),
  });
}

function swapFirstTwo(rank: number): number[] {
  return [1, 0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
}

function kernelGradient(ctx: GradContext, w: Window, group: number, dy: string): string {
  const { e, node } = ctx;
  const x = node.input[0];
  const r = w.kernel.length;
  const channels = e.shape(x)![1];
  let xt: string;
  if (group === 1) {
    xt = e.op("Transpose", [x], { perm: A.ints(swapFirstTwo(r + 2)) });
  } else {
    if (typeof channels !== "number") ctx.fail("grouped Conv needs a static channel count");
    const cg = channels / group;
    // [N, C] -> [N, g, C/g] -> [C/g, g, N] -> [C/g, g*N]: batch becomes the grouped channels.
    const split = e.op("Reshape", [x, e.ints([0, group, cg, ...w.inSize])]);
    const perm = [2, 1, 0, ...Array.from({ length: r }, (_, i) => i + 3)];
    const moved = e.op("Transpose", [split], { perm: A.ints(perm) });
    xt = e.op("Reshape", [moved, e.ints([cg, -1, ...w.inSize])]);
  }
  const dyt = e.op("Transpose", [dy], { perm: A.ints(swapFirstTwo(r + 2)) });
  const full = e.op("Conv", [xt, dyt], {
    strides: A.ints(w.dilations),
    dilations: A.ints(w.strides),
    pads: A.ints(w.pads),
    group: A.int(group),
  });
  // The swapped conv can reach a little past the kernel when the input has leftover rows.
  const over = w.kernel.some((k, i) => {
    const span = w.inSize[i] + w.pads[i] + w.pads[i + r] - w.strides[i] * (w.outSize[i] - 1) - 1;
    return Math.floor(span / w.dilations[i]) + 1 > k;
  });
  const axes = Array.from({ length: r }, (_, i) => i + 2);
  const cropped = over
    ? e.op("Slice", [full, e.ints(new Array(r).fill(0)), e.ints(w.kernel), e.ints(axes)])
    : full;
  return e.op("Transpose", [cropped], { perm: A.ints(swapFirstTwo(r + 2)) });
}

const conv: GradRuleEntry = {
  inputs: [0, 1, 2],
  rule: (ctx) => {
    const { node, e } = ctx;
    const [, weight, bias] = node.input;
    const ws = e.shape(weight);
    const kernel =
      attrInts(node, "kernel_shape") ??
      (ws?.slice(2).every((d) => typeof d === "number") ? (ws.slice(2) as number[]) : undefined);
    const w = windowOf(ctx, kernel);
    const group = attrInt(node, "group", 1);
    const dy = ctx.dy[0]!;
    const dx = ctx.needs(0) ? transposedConv(e, dy, weight, w, group) : undefined;
    const dw = ctx.needs(1) ? kernelGradient(ctx, w, group, dy) : undefined;
    const axes = [0, ...Array.from({ length: w.kernel.length }, (_, i) => i + 2)];
    const db = bias && ctx.needs(2) ? e.reduce("ReduceSum", dy, axes, false) : undefined;
    return [dx, dw, db];
  },
};

export const CONV_RULES: Readonly<Record<string, GradRuleEntry>> = { Conv: conv };
