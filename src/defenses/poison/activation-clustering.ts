// Activation clustering: Chen et al., "Detecting Backdoor Attacks on Deep Neural Networks by
// Activation Clustering" (SafeAI@AAAI 2019, arXiv 2018), §3: per label, the last hidden
// layer's activations are reduced to 10 dimensions, split into two clusters by k-means, and
// the smaller cluster is called poisoned when it holds at most `sizeThreshold` of the label's
// samples (their relative-size analysis). The reduction here is PCA (Chen et al. use ICA; ART
// defaults to PCA).

import { MlsecError, type Rng } from "../../core/index.js";
import { gatherRows, indicesByClass } from "./by-class.js";
import { twoMeans } from "./kmeans.js";
import { covariance, topEigenvectors } from "./pca.js";
import type { PoisonScan } from "./spectral-signatures.js";

export interface ActivationClusteringOptions {
  /** Dimensions kept after PCA (default 10). */
  readonly components?: number;
  /** Largest relative size of a cluster still called poisoned (default 0.35). */
  readonly sizeThreshold?: number;
  readonly rng: Rng;
}

export interface ClassClusters {
  readonly label: number;
  readonly samples: number;
  /** Relative size of the smaller cluster. */
  readonly smallerShare: number;
  readonly poisoned: boolean;
}

export function activationClustering(
  features: Float32Array,
  dim: number,
  labels: Int32Array,
  classes: number,
  options: ActivationClusteringOptions,
): PoisonScan & { readonly classes: ClassClusters[] } {
  const components = options.components ?? 10;
  const sizeThreshold = options.sizeThreshold ?? 0.35;
  if (!Number.isInteger(components) || components < 1) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `PCA components must be an integer >= 1, got ${components}`,
    );
  }
  if (!(sizeThreshold > 0 && sizeThreshold < 0.5)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `the size threshold must lie in (0, 0.5), got ${sizeThreshold}`,
    );
  }
  const scores = new Float32Array(labels.length);
  const suspected: number[] = [];
  const summary: ClassClusters[] = [];
  indicesByClass(labels, classes).forEach((members, label) => {
    const n = members.length;
    if (n < 2) return;
    const rows = gatherRows(features, dim, members);
    const { mean, cov } = covariance(rows, n, dim);
    const axes = topEigenvectors(cov, dim, Math.min(components, dim), options.rng);
    const reduced = new Float64Array(n * axes.length);
    for (let i = 0; i < n; i++) {
      axes.forEach((axis, k) => {
        let dot = 0;
        for (let j = 0; j < dim; j++) dot += (rows[i * dim + j] - mean[j]) * axis[j];
        reduced[i * axes.length + k] = dot;
      });
    }
    const { assignment } = twoMeans(reduced, n, axes.length, options.rng);
    const ones = assignment.reduce((a, b) => a + b, 0);
    const smaller = ones <= n - ones ? 1 : 0;
    const share = Math.min(ones, n - ones) / n;
    const poisoned = share <= sizeThreshold && share > 0;
    summary.push({ label, samples: n, smallerShare: share, poisoned });
    members.forEach((sample, i) => {
      // Score: the smaller cluster's samples carry 1 − its share, the rest 0.
      if (assignment[i] === smaller) scores[sample] = 1 - share;
      if (poisoned && assignment[i] === smaller) suspected.push(sample);
    });
  });
  return { scores, suspected: suspected.sort((a, b) => a - b), classes: summary };
}
