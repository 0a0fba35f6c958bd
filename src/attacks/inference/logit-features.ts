// Per-sample features of a model's output used by the shadow-model and LiRA attacks: the
// logit-scaled confidence φ = log(p_y / (1 − p_y)) of Carlini et al. 2022 (§IV.A, computed
// stably as z_y − logsumexp_{j≠y} z_j) and the sorted log-softmax vector.

import { type Classifier, MlsecError, sliceBatch, type Tensor } from "../../core/index.js";

/** Logits [N, C] of x, predicted in batches, checked for shape and finiteness. */
export async function predictLogits(
  model: Classifier,
  x: Tensor,
  batchSize = 256,
): Promise<Float32Array> {
  const n = x.shape[0];
  const c = model.numClasses;
  const out = new Float32Array(n * c);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const logits = await model.predict(sliceBatch(x, start, end));
    if (logits.shape[0] !== end - start || logits.shape[1] !== c) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `model returned logits of shape [${logits.shape}], expected [${end - start}, ${c}]`,
      );
    }
    out.set(logits.data, start * c);
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new MlsecError(
        "E_NON_FINITE",
        `model returned a non-finite logit for sample ${Math.floor(i / c)}`,
      );
    }
  }
  return out;
}

/** φ(z, y) = z_y − log Σ_{j≠y} exp(z_j), the logit of the true-class probability. */
export function scaledConfidence(z: ArrayLike<number>, label: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < z.length; j++) if (j !== label && z[j] > max) max = z[j];
  let sum = 0;
  for (let j = 0; j < z.length; j++) if (j !== label) sum += Math.exp(z[j] - max);
  return z[label] - max - Math.log(sum);
}

/** φ for every row of logits [N, C]. */
export function scaledConfidences(
  logits: Float32Array,
  labels: Int32Array,
  c: number,
): Float64Array {
  return Float64Array.from(labels, (y, i) =>
    scaledConfidence(logits.subarray(i * c, (i + 1) * c), y),
  );
}

/** Fraction of rows whose arg-max logit is the label. */
export function accuracyOf(logits: Float32Array, labels: Int32Array, c: number): number {
  let correct = 0;
  labels.forEach((y, i) => {
    const row = logits.subarray(i * c, (i + 1) * c);
    let best = 0;
    for (let j = 1; j < c; j++) if (row[j] > row[best]) best = j;
    if (best === y) correct++;
  });
  return labels.length === 0 ? 0 : correct / labels.length;
}

/** Shokri et al.'s attack input for one sample: log-softmax sorted descending, then φ. */
export function shadowFeatures(z: ArrayLike<number>, label: number, top: number): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < z.length; j++) max = Math.max(max, z[j]);
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += Math.exp(z[j] - max);
  const lse = max + Math.log(sum);
  const logp = Array.from(z, (v) => v - lse).sort((a, b) => b - a);
  return [...logp.slice(0, top), scaledConfidence(z, label)];
}
