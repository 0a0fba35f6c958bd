// Feature-squeezing disagreement: Xu, Evans & Qi (NDSS 2018), §V: the largest L1 distance
// between the softmax output on the input and on each squeezed version of it.

import type { Tensor } from "../../core/index.js";

export function softmaxRows(logits: Tensor): Float32Array {
  const [n, c] = logits.shape;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) max = Math.max(max, logits.data[i * c + j]);
    let sum = 0;
    for (let j = 0; j < c; j++) {
      out[i * c + j] = Math.exp(logits.data[i * c + j] - max);
      sum += out[i * c + j];
    }
    for (let j = 0; j < c; j++) out[i * c + j] /= sum;
  }
  return out;
}

/** max over squeezed versions of ‖softmax(original) − softmax(squeezed)‖₁, per sample. */
export function squeezeScores(original: Tensor, squeezed: readonly Tensor[]): Float32Array {
  const [n, c] = original.shape;
  const p = softmaxRows(original);
  const out = new Float32Array(n);
  for (const s of squeezed) {
    const q = softmaxRows(s);
    for (let i = 0; i < n; i++) {
      let l1 = 0;
      for (let j = 0; j < c; j++) l1 += Math.abs(p[i * c + j] - q[i * c + j]);
      if (l1 > out[i]) out[i] = l1;
    }
  }
  return out;
}
