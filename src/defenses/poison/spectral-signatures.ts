// Spectral signatures: Tran, Li & Madry, "Spectral Signatures in Backdoor Attacks" (NeurIPS
// 2018), Algorithm 1: per label, centre the learned representations, take the top singular
// vector v of the centred matrix, score each sample by its squared projection ⟨r − r̄, v⟩², and
// flag the 1.5·ε·n highest scores, ε being an upper estimate of the poison rate. With
// `directions` K > 1 the score is the largest of ⟨r − r̄, v_k⟩² / λ_k over the top K singular
// directions (an extension: on small CNNs the poison can sit on the second direction while the
// first carries the class's natural variation); K = 1 is the paper's algorithm.

import { MlsecError, type Rng } from "../../core/index.js";
import { gatherRows, indicesByClass } from "./by-class.js";
import { covariance, topEigenvectors } from "./pca.js";

export interface SpectralOptions {
  /** Upper estimate of the poisoned share of a class (ε); 1.5·ε·n samples per class are flagged. */
  readonly expectedRate: number;
  /** Top singular directions scored (default 1, Tran et al.'s Algorithm 1). */
  readonly directions?: number;
  readonly rng: Rng;
}

export interface PoisonScan {
  /** Outlier score per training sample (higher = more suspicious). */
  readonly scores: Float32Array;
  /** Indices of the samples flagged as poisoned, ascending. */
  readonly suspected: number[];
}

export function spectralSignatures(
  features: Float32Array,
  dim: number,
  labels: Int32Array,
  classes: number,
  options: SpectralOptions,
): PoisonScan {
  if (!(options.expectedRate > 0 && options.expectedRate < 1)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `the expected poison rate must lie in (0, 1), got ${options.expectedRate}`,
    );
  }
  const directions = options.directions ?? 1;
  if (!Number.isInteger(directions) || directions < 1) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `directions must be an integer >= 1, got ${directions}`,
    );
  }
  const scores = new Float32Array(labels.length);
  const suspected: number[] = [];
  for (const members of indicesByClass(labels, classes)) {
    if (members.length < 2) continue;
    const rows = gatherRows(features, dim, members);
    const { mean, cov } = covariance(rows, members.length, dim);
    const axes = topEigenvectors(cov, dim, Math.min(directions, dim), options.rng);
    const variances = axes.map((v) => quadraticForm(cov, v, dim));
    const classScores = members.map((_, i) => {
      let best = 0;
      axes.forEach((v, k) => {
        let dot = 0;
        for (let j = 0; j < dim; j++) dot += (rows[i * dim + j] - mean[j]) * v[j];
        const score = directions === 1 ? dot * dot : (dot * dot) / Math.max(variances[k], 1e-12);
        if (score > best) best = score;
      });
      return best;
    });
    members.forEach((sample, i) => {
      scores[sample] = classScores[i];
    });
    const removed = Math.min(
      members.length,
      Math.round(1.5 * options.expectedRate * members.length),
    );
    const order = members.map((_, i) => i).sort((a, b) => classScores[b] - classScores[a]);
    for (const i of order.slice(0, removed)) suspected.push(members[i]);
  }
  return { scores, suspected: suspected.sort((a, b) => a - b) };
}

/** vᵀ M v for a symmetric matrix M [dim, dim]. */
function quadraticForm(m: Float64Array, v: Float64Array, dim: number): number {
  let total = 0;
  for (let a = 0; a < dim; a++) {
    let row = 0;
    for (let b = 0; b < dim; b++) row += m[a * dim + b] * v[b];
    total += v[a] * row;
  }
  return total;
}
