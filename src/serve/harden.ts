// Output hardening against model extraction and membership inference: return less than the
// model knows. Label-only and top-k answers (Tramèr et al. 2016, "Stealing Machine Learning
// Models via Prediction APIs", §7 rounding and class-label-only), rounded confidences, and
// label-preserving Gaussian noise on the confidences (in the spirit of prediction poisoning,
// Orekondy et al. 2020): the top-1 answer never changes, the fine structure an attacker fits
// on does.

import type { Rng } from "../core/index.js";
import type { OutputConfig } from "./config.js";

export interface HardenedRow {
  readonly label: number;
  /** Length numClasses; classes not disclosed are 0. */
  readonly scores: number[];
}

function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function hardenRow(logits: Float32Array, config: OutputConfig, rng: Rng): HardenedRow {
  const label = argmax(logits);
  if (config.mode === "label") {
    return { label, scores: Array.from(logits, (_, i) => (i === label ? 1 : 0)) };
  }
  const values = config.mode === "logits" ? Float64Array.from(logits) : softmax(logits);
  if (config.noise > 0) {
    const top = values[label];
    for (let i = 0; i < values.length; i++) {
      if (i === label) continue;
      const noisy = values[i] + config.noise * rng.normal();
      // Keep the answer's label: a noisy runner-up stays strictly below the top class.
      values[i] = Math.min(noisy, top - 1e-6);
      if (config.mode !== "logits") values[i] = Math.max(0, values[i]);
    }
  }
  let keep: Set<number> | undefined;
  if (config.mode === "top-k") {
    const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
    keep = new Set(order.slice(0, config.topK));
  }
  const scale = config.round === undefined ? 0 : 10 ** config.round;
  const scores = Array.from(values, (v, i) => {
    if (keep !== undefined && !keep.has(i)) return 0;
    return scale === 0 ? v : Math.round(v * scale) / scale;
  });
  return { label, scores };
}
