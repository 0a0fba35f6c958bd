// The shadow-model membership attack (Shokri et al. 2017, "Membership Inference Attacks Against
// Machine Learning Models", §IV): shadow models imitate the target on data whose membership the
// attacker knows; their outputs on "in" and "out" samples train one attack classifier per class
// (here a logistic regression on the sorted log-softmax vector and the logit-scaled confidence),
// which then scores the target's outputs. Score = the attack's log-odds of "member".

import { MlsecError } from "../../core/index.js";
import type { LabelledSamples } from "./audit.js";
import { predictLogits, shadowFeatures } from "./logit-features.js";
import type { ShadowModel } from "./shadow-models.js";

/** Largest probabilities kept as features (plus φ). */
const TOP = 3;

interface Logistic {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly weights: Float64Array;
  readonly bias: number;
}

/** L2-regularised logistic regression by full-batch gradient descent on standardised features. */
export function fitLogistic(
  features: readonly number[][],
  labels: readonly number[],
  iterations = 300,
  l2 = 1e-3,
): Logistic {
  const d = features[0]?.length ?? 0;
  const n = features.length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const f of features) for (let j = 0; j < d; j++) mean[j] += f[j] / n;
  for (const f of features) for (let j = 0; j < d; j++) scale[j] += (f[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const xs = features.map((f) => f.map((v, j) => (v - mean[j]) / scale[j]));
  const weights = new Float64Array(d);
  let bias = 0;
  const lr = 0.5;
  for (let it = 0; it < iterations; it++) {
    const gw = new Float64Array(d);
    let gb = 0;
    xs.forEach((x, i) => {
      let z = bias;
      for (let j = 0; j < d; j++) z += weights[j] * x[j];
      const err = 1 / (1 + Math.exp(-z)) - labels[i];
      for (let j = 0; j < d; j++) gw[j] += err * x[j];
      gb += err;
    });
    for (let j = 0; j < d; j++) weights[j] -= lr * (gw[j] / n + l2 * weights[j]);
    bias -= (lr * gb) / n;
  }
  return { mean, scale, weights, bias };
}

function logOdds(model: Logistic, f: readonly number[]): number {
  let z = model.bias;
  for (let j = 0; j < f.length; j++)
    z += (model.weights[j] * (f[j] - model.mean[j])) / model.scale[j];
  return z;
}

export interface ShadowAttack {
  /** Log-odds of membership for each sample of `target`'s outputs. */
  score(logits: Float32Array, labels: Int32Array): Float64Array;
}

/**
 * Fits the per-class attack classifiers from the shadow models' outputs on their own training
 * data (in) and the rest (out). A class with no in or no out record uses the all-class model.
 */
export async function fitShadowAttack(
  shadows: readonly ShadowModel[],
  shadowData: LabelledSamples,
  classes: number,
): Promise<ShadowAttack> {
  if (shadows.length === 0) {
    throw new MlsecError("E_INVALID_ARGUMENT", "the shadow attack needs at least one shadow model");
  }
  const byClass = Array.from({ length: classes }, () => ({
    f: [] as number[][],
    m: [] as number[],
  }));
  const all = { f: [] as number[][], m: [] as number[] };
  for (const s of shadows) {
    const logits = await predictLogits(s.classifier, shadowData.x);
    shadowData.y.forEach((y, i) => {
      const f = shadowFeatures(logits.subarray(i * classes, (i + 1) * classes), y, TOP);
      byClass[y].f.push(f);
      byClass[y].m.push(s.inSet[i]);
      all.f.push(f);
      all.m.push(s.inSet[i]);
    });
  }
  const global = fitLogistic(all.f, all.m);
  const perClass = byClass.map(({ f, m }) =>
    m.includes(0) && m.includes(1) ? fitLogistic(f, m) : global,
  );
  return {
    score(logits, labels) {
      return Float64Array.from(labels, (y, i) =>
        logOdds(
          perClass[y],
          shadowFeatures(logits.subarray(i * classes, (i + 1) * classes), y, TOP),
        ),
      );
    },
  };
}
