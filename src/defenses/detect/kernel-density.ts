// Kernel density of a sample's penultimate-layer features among clean training features of its
// predicted class: Feinman, Curtin, Shintre & Gardner, "Detecting Adversarial Samples from
// Artifacts" (2017), §4.1: K(x, xᵢ) = exp(−‖x − xᵢ‖² / σ²). The score is the negative log
// density, so low density (adversarial) scores high. Their second signal, Bayesian uncertainty
// from MC dropout (mc-dropout.ts), joins it when the model has Dropout nodes.

export interface KernelDensityParams {
  readonly classes: number;
  readonly dim: number;
  readonly bandwidth: number;
  /** Clean features of each class, [count_c, dim] concatenated in class order. */
  readonly features: Float32Array;
  /** Rows per class. */
  readonly counts: readonly number[];
}

/** −log of the mean Gaussian kernel to the predicted class's features, per row. */
export function kernelDensityScores(
  params: KernelDensityParams,
  features: Float32Array,
  predicted: Int32Array,
): Float32Array {
  const { dim, bandwidth, counts } = params;
  const offsets: number[] = [];
  let total = 0;
  for (const c of counts) {
    offsets.push(total);
    total += c;
  }
  const s2 = bandwidth * bandwidth;
  const out = new Float32Array(predicted.length);
  const exps = new Float64Array(Math.max(...counts, 1));
  for (let i = 0; i < predicted.length; i++) {
    const c = predicted[i];
    const rows = counts[c];
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < rows; r++) {
      const base = (offsets[c] + r) * dim;
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = features[i * dim + j] - params.features[base + j];
        d2 += d * d;
      }
      exps[r] = -d2 / s2;
      if (exps[r] > max) max = exps[r];
    }
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += Math.exp(exps[r] - max);
    out[i] = -(max + Math.log(sum / rows));
  }
  return out;
}

/** The median distance between pairs of rows (the median heuristic for σ), over a sample. */
export function medianPairDistance(features: Float32Array, dim: number, maxRows = 400): number {
  const n = Math.min(features.length / dim, maxRows);
  const distances: number[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) {
        const d = features[a * dim + j] - features[b * dim + j];
        d2 += d * d;
      }
      distances.push(Math.sqrt(d2));
    }
  }
  distances.sort((x, y) => x - y);
  const median = distances[Math.floor(distances.length / 2)] ?? 1;
  return median > 0 ? median : 1;
}
