// Matrix-vector products on packed slots by the diagonal method (Halevi & Shoup 2014,
// "Algorithms in HElib", §4) in its rectangular "hybrid" form (Juvekar et al. 2018, "GAZELLE",
// §5.2), with baby-step giant-step rotations (Halevi & Shoup 2018, "Faster Homomorphic Linear
// Transformations in HElib", §3). Slot layout: a vector of P features (P a power of two, every
// layer's padded width divides it) is stored with stride k, slot f*k + s holding feature f of
// sample s, so k = slots / P samples share one ciphertext and a rotation by r*k slots rotates
// every sample's features cyclically by r. A layer input of padded width n is stored
// periodically (feature f holds x[f mod n]), which makes the cyclic rotations exact.

import { MlsecError } from "../core/index.js";
import type { HePlan, LinearLayer } from "./plan.js";

export const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export interface SlotLayout {
  readonly slots: number;
  /** Feature period P. */
  readonly period: number;
  /** Samples per ciphertext k = slots / P. */
  readonly samplesPerCiphertext: number;
}

/** Padded feature period a plan needs: the widest padded input or output of any layer. */
export function planPeriod(plan: HePlan): number {
  let p = nextPow2(plan.inputSize);
  for (const l of plan.layers) {
    if (l.kind === "linear") p = Math.max(p, nextPow2(l.rows), nextPow2(l.cols));
  }
  return p;
}

export function slotLayout(plan: HePlan, slots: number): SlotLayout {
  const period = planPeriod(plan);
  if (period > slots) {
    throw new MlsecError(
      "E_HE_PARAMETERS",
      `the plan needs ${period} slots per sample, the parameters give ${slots}`,
    );
  }
  return { slots, period, samplesPerCiphertext: slots / period };
}

export interface LinearSchedule {
  /** Padded input and output widths (the periods of the input and output vectors). */
  readonly inPeriod: number;
  readonly outPeriod: number;
  /** Number of extended diagonals, min of the padded widths. */
  readonly diagonals: number;
  /** Baby-step count b: diagonal i = g*b + j is applied as giant step g, baby step j. */
  readonly baby: number;
  readonly giants: number;
  /** Feature rotations of the final rotate-and-sum (when the layer narrows). */
  readonly sumSteps: readonly number[];
}

export function linearSchedule(layer: LinearLayer): LinearSchedule {
  const inPeriod = nextPow2(layer.cols);
  const outPeriod = nextPow2(layer.rows);
  const diagonals = Math.min(inPeriod, outPeriod);
  const baby = 2 ** Math.ceil(Math.log2(diagonals) / 2);
  const sumSteps: number[] = [];
  for (let t = outPeriod; t < inPeriod; t *= 2) sumSteps.push(t);
  return { inPeriod, outPeriod, diagonals, baby, giants: Math.ceil(diagonals / baby), sumSteps };
}

/** Every feature rotation a layer uses: baby steps, giant steps, rotate-and-sum steps. */
export function layerRotations(s: LinearSchedule): number[] {
  const steps: number[] = [];
  for (let j = 1; j < Math.min(s.baby, s.diagonals); j++) steps.push(j);
  for (let g = 1; g < s.giants; g++) steps.push(g * s.baby);
  return [...steps, ...s.sumSteps];
}

/** The slot rotations (Galois keys) the plan needs, sorted and unique. */
export function planRotations(plan: HePlan, layout: SlotLayout): number[] {
  const steps = new Set<number>();
  for (const l of plan.layers) {
    if (l.kind !== "linear") continue;
    for (const r of layerRotations(linearSchedule(l))) steps.add(r * layout.samplesPerCiphertext);
  }
  return [...steps].sort((a, b) => a - b);
}

/**
 * Extended diagonal i, pre-rotated right by `shift` features, as a P-periodic feature vector:
 * entry f is W[j mod m][(j + i) mod n] at j = (f - shift) mod L, L the wider padded width
 * (zero outside W). Returns undefined when the diagonal is all zeros (nothing to multiply).
 */
export function featureDiagonal(
  layer: LinearLayer,
  s: LinearSchedule,
  i: number,
  shift: number,
  period: number,
): Float64Array | undefined {
  const width = Math.max(s.inPeriod, s.outPeriod);
  const v = new Float64Array(period);
  let nonZero = false;
  for (let f = 0; f < period; f++) {
    const j = (((f - shift) % width) + width) % width;
    const row = j % s.outPeriod;
    const col = (j + i) % s.inPeriod;
    if (row < layer.rows && col < layer.cols) {
      const w = layer.weight[row * layer.cols + col];
      v[f] = w;
      if (w !== 0) nonZero = true;
    }
  }
  return nonZero ? v : undefined;
}

/** The bias as a P-periodic feature vector with period equal to the padded output width. */
export function featureBias(layer: LinearLayer, s: LinearSchedule, period: number): Float64Array {
  const v = new Float64Array(period);
  for (let f = 0; f < period; f++) {
    const r = f % s.outPeriod;
    if (r < layer.rows) v[f] = layer.bias[r];
  }
  return v;
}

/** Spreads a feature vector over the slots: slot f*k + s gets v[f] for every sample s. */
export function spreadFeatures(v: Float64Array, layout: SlotLayout): Float64Array {
  const k = layout.samplesPerCiphertext;
  const out = new Float64Array(layout.slots);
  for (let f = 0; f < layout.period; f++) out.fill(v[f], f * k, (f + 1) * k);
  return out;
}

/**
 * Packs up to k samples of `width` features into one slot vector, each stored periodically with
 * the padded width as period.
 */
export function packSamples(
  samples: readonly ArrayLike<number>[],
  width: number,
  layout: SlotLayout,
): Float64Array {
  const k = layout.samplesPerCiphertext;
  if (samples.length > k) {
    throw new MlsecError("E_INTERNAL", `${samples.length} samples do not fit ${k} per ciphertext`);
  }
  const padded = nextPow2(width);
  const out = new Float64Array(layout.slots);
  samples.forEach((x, s) => {
    for (let f = 0; f < layout.period; f++) {
      const c = f % padded;
      if (c < width) out[f * k + s] = x[c];
    }
  });
  return out;
}

/** Reads the first `width` features of each of `count` samples back out of a slot vector. */
export function unpackSamples(
  slots: ArrayLike<number>,
  width: number,
  count: number,
  layout: SlotLayout,
): Float64Array[] {
  const k = layout.samplesPerCiphertext;
  return Array.from({ length: count }, (_, s) =>
    Float64Array.from({ length: width }, (_, f) => slots[f * k + s]),
  );
}
