// The HE plan: a model as a chain of dense layers and elementwise polynomials, the only two
// kinds of step CKKS evaluates (Gilad-Bachrach et al. 2016, "CryptoNets"), with its depth and
// a plaintext reference evaluation that the encrypted result is checked against.

import { MlsecError } from "../core/index.js";

export interface LinearLayer {
  readonly kind: "linear";
  readonly name: string;
  /** y = W x + b with W row-major [rows, cols]. */
  readonly rows: number;
  readonly cols: number;
  readonly weight: Float64Array;
  readonly bias: Float64Array;
}

export interface PolyLayer {
  readonly kind: "poly";
  readonly name: string;
  /** Elementwise p(x) = c0 + c1 x + c2 x^2 + ... */
  readonly coefficients: readonly number[];
}

export type HeLayer = LinearLayer | PolyLayer;

export interface HePlan {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly layers: readonly HeLayer[];
  /** How the plan was derived from the model (dropped ops, approximations). */
  readonly notes: readonly string[];
}

/** True for p(x) = x^2, which costs one multiplication and no coefficient product. */
export function isPureSquare(coefficients: readonly number[]): boolean {
  return (
    coefficients.length === 3 &&
    coefficients[0] === 0 &&
    coefficients[1] === 0 &&
    coefficients[2] === 1
  );
}

export function polyDegree(coefficients: readonly number[]): number {
  for (let d = coefficients.length - 1; d > 0; d--) if (coefficients[d] !== 0) return d;
  return 0;
}

/**
 * Levels (rescalings) a polynomial consumes: powers x^2..x^d by binary splitting need
 * ceil(log2 d) levels, the products with the coefficients one more; x^2 alone needs one.
 */
export function polyDepth(coefficients: readonly number[]): number {
  if (isPureSquare(coefficients)) return 1;
  const d = polyDegree(coefficients);
  return Math.ceil(Math.log2(Math.max(d, 1))) + 1;
}

/** Multiplicative depth of the plan: one level per dense layer plus each polynomial's. */
export function planDepth(plan: HePlan): number {
  return plan.layers.reduce(
    (sum, l) => sum + (l.kind === "linear" ? 1 : polyDepth(l.coefficients)),
    0,
  );
}

export function evalPoly(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (let j = coefficients.length - 1; j >= 0; j--) y = y * x + coefficients[j];
  return y;
}

/** The plan on one sample in float64: the reference the encrypted evaluation must match. */
export function evaluatePlan(plan: HePlan, sample: ArrayLike<number>): Float64Array {
  if (sample.length !== plan.inputSize) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the sample has ${sample.length} features, the plan expects ${plan.inputSize}`,
    );
  }
  let x = Float64Array.from(sample);
  for (const layer of plan.layers) {
    if (layer.kind === "poly") {
      x = x.map((v) => evalPoly(layer.coefficients, v));
      continue;
    }
    const y = new Float64Array(layer.rows);
    for (let r = 0; r < layer.rows; r++) {
      let s = layer.bias[r];
      const row = r * layer.cols;
      for (let c = 0; c < layer.cols; c++) s += layer.weight[row + c] * x[c];
      y[r] = s;
    }
    x = y;
  }
  return x;
}

/** A one-line summary per layer, e.g. "fc1: linear 784 -> 64" or "act1: poly x^2". */
export function describePlan(plan: HePlan): string[] {
  return plan.layers.map((l) =>
    l.kind === "linear"
      ? `${l.name}: linear ${l.cols} -> ${l.rows}`
      : `${l.name}: poly ${formatPoly(l.coefficients)} (depth ${polyDepth(l.coefficients)})`,
  );
}

export function formatPoly(coefficients: readonly number[]): string {
  if (isPureSquare(coefficients)) return "x^2";
  const terms = coefficients
    .map((c, j) =>
      c === 0 ? "" : `${Number(c.toPrecision(4))}${j === 0 ? "" : j === 1 ? "x" : `x^${j}`}`,
    )
    .filter((t) => t !== "");
  return terms.length === 0 ? "0" : terms.join(" + ").replaceAll("+ -", "- ");
}

/**
 * Turns every quadratic a·z² + b·z + c between two dense layers into a pure square, one level
 * instead of two: a(z + b/2a)² + (c − b²/4a), with b/2a added to the previous layer's bias and
 * the factor a and the constant folded into the next layer's weights and bias.
 */
export function foldQuadratics(plan: HePlan): HePlan {
  const layers = [...plan.layers];
  const notes = [...plan.notes];
  for (let i = 1; i + 1 < layers.length; i++) {
    const prev = layers[i - 1];
    const act = layers[i];
    const next = layers[i + 1];
    if (prev.kind !== "linear" || act.kind !== "poly" || next.kind !== "linear") continue;
    const [c = 0, b = 0, a = 0] = act.coefficients;
    if (polyDegree(act.coefficients) !== 2 || isPureSquare(act.coefficients)) continue;
    const shift = b / (2 * a);
    const constant = c - (b * b) / (4 * a);
    layers[i - 1] = { ...prev, bias: prev.bias.map((v) => v + shift) };
    layers[i] = { ...act, coefficients: [0, 0, 1] };
    const bias = next.bias.slice();
    for (let r = 0; r < next.rows; r++) {
      let s = 0;
      for (let k = 0; k < next.cols; k++) s += next.weight[r * next.cols + k];
      bias[r] += s * constant;
    }
    layers[i + 1] = { ...next, weight: next.weight.map((w) => w * a), bias };
    notes.push(
      `${act.name}: quadratic ${formatPoly(act.coefficients)} folded into x^2 and its neighbour layers (depth 2 -> 1)`,
    );
  }
  return { ...plan, layers, notes };
}
