// Membership scores from a model's logits: the loss-threshold attack of Yeom et al. 2018
// ("Privacy Risk in Machine Learning: Analyzing the Connection to Overfitting", §3.2),
// score = −cross-entropy of the true label, and the confidence attack (Salem et al. 2019,
// "ML-Leaks", adversary 3), score = log of the top softmax probability. Higher = more likely
// a member. Both are computed in float64 from float32 logits.

import {
  type Classifier,
  MlsecError,
  noProgress,
  type ProgressListener,
  sliceBatch,
  type Tensor,
} from "../../core/index.js";

export const MEMBERSHIP_SCORES = ["loss", "confidence"] as const;
export type MembershipScore = (typeof MEMBERSHIP_SCORES)[number];

export interface ScoreOptions {
  /** Samples per `predict` call (default 256). */
  readonly batchSize?: number;
  readonly onProgress?: ProgressListener;
}

export interface ScoredSamples {
  /** One score per sample, higher = more likely a member. */
  readonly scores: Float64Array;
  /** Fraction of samples whose top logit is their label. */
  readonly accuracy: number;
}

/**
 * −CE(z, y) = −(max − z_y) − log1p(Σ_{j≠argmax} exp(z_j − max)); the log1p keeps the
 * resolution near zero loss, where the members of an overfit model sit.
 */
export function negativeCrossEntropy(z: ArrayLike<number>, label: number): number {
  const { max, tail } = logSoftmaxParts(z);
  return -(max - z[label]) - Math.log1p(tail);
}

/** log max_j softmax(z)_j = −log1p(Σ_{j≠argmax} exp(z_j − max)); monotone in the top probability. */
export function logMaxProbability(z: ArrayLike<number>): number {
  return -Math.log1p(logSoftmaxParts(z).tail);
}

function logSoftmaxParts(z: ArrayLike<number>): { max: number; argmax: number; tail: number } {
  let argmax = 0;
  for (let j = 1; j < z.length; j++) if (z[j] > z[argmax]) argmax = j;
  const max = z[argmax];
  let tail = 0;
  for (let j = 0; j < z.length; j++) if (j !== argmax) tail += Math.exp(z[j] - max);
  return { max, argmax, tail };
}

/** Scores every sample of x with its label y, predicting in batches. */
export async function membershipScores(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
  kind: MembershipScore,
  options: ScoreOptions = {},
): Promise<ScoredSamples> {
  const n = x.shape[0];
  const c = model.numClasses;
  if (y.length !== n) {
    throw new MlsecError("E_SHAPE_MISMATCH", `${n} samples but ${y.length} labels`);
  }
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] < c)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `label ${y[i]} of sample ${i} is outside the model's ${c} classes`,
        { details: { index: i, label: y[i], classes: c } },
      );
    }
  }
  const batch = options.batchSize ?? 256;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `batchSize must be a positive integer, got ${batch}`,
    );
  }
  const onProgress = options.onProgress ?? noProgress;
  const scores = new Float64Array(n);
  let correct = 0;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const logits = await model.predict(sliceBatch(x, start, end));
    if (logits.shape.length !== 2 || logits.shape[0] !== end - start || logits.shape[1] !== c) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `model returned logits of shape [${logits.shape}], expected [${end - start}, ${c}]`,
      );
    }
    for (let i = start; i < end; i++) {
      const z = logits.data.subarray((i - start) * c, (i - start + 1) * c);
      for (let j = 0; j < c; j++) {
        if (!Number.isFinite(z[j])) {
          throw new MlsecError(
            "E_NON_FINITE",
            `model returned a non-finite logit for sample ${i}`,
            {
              details: { index: i },
            },
          );
        }
      }
      const { argmax } = logSoftmaxParts(z);
      if (argmax === y[i]) correct++;
      scores[i] = kind === "loss" ? negativeCrossEntropy(z, y[i]) : logMaxProbability(z);
    }
    onProgress({ task: `membership scores (${kind})`, done: end, total: n });
  }
  return { scores, accuracy: n === 0 ? 0 : correct / n };
}
