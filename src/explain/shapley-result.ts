// The result every Shapley-value explainer returns (exact, KernelSHAP).

import type { OutputKind } from "./model-output.js";

export interface ShapleyExplanation {
  /** φ_i per feature, in the units of the explained output. */
  readonly attributions: Float64Array;
  /** E[f] over the background (φ_0). */
  readonly baseValue: number;
  /** f(x). */
  readonly prediction: number;
  /** prediction − baseValue − Σ φ_i (0 up to rounding for an efficient method). */
  readonly efficiencyGap: number;
  readonly classIndex: number;
  readonly output: OutputKind;
  /** Coalitions whose value was computed (including the empty and the full one). */
  readonly coalitions: number;
  /** Model rows evaluated (coalitions × background rows). */
  readonly modelEvaluations: number;
  readonly backgroundRows: number;
}

export function efficiencyGap(prediction: number, base: number, phi: Float64Array): number {
  let s = 0;
  for (const v of phi) s += v;
  return prediction - base - s;
}
