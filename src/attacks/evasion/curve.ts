// Robustness curves: robust accuracy of several attacks over a sweep of budgets, the per-sample
// worst case over the attacks at each budget (a sample counts as robust only if every attack
// failed on it, as in Croce & Hein 2020, §5), and ART's empirical robustness (Moosavi-Dezfooli
// et al. 2016, eq. 15: mean ||δ||₂ / ||x||₂ of a minimal attack's successful perturbations).

import {
  argmaxRows,
  type Classifier,
  isDifferentiable,
  type ProgressListener,
  type Rng,
  type Tensor,
} from "../../core/index.js";
import { evaluateRobustness, type RobustnessSummary } from "./evaluate.js";
import { type AttackSpec, checkAttackable } from "./registry.js";

export interface CurvePoint {
  readonly attack: string;
  readonly eps: number;
  readonly summary: RobustnessSummary;
}

export interface RobustnessCurve {
  readonly n: number;
  readonly cleanAccuracy: number;
  readonly points: readonly CurvePoint[];
  /** Per budget: accuracy when each sample faces its strongest attack. */
  readonly worstCase: readonly { readonly eps: number; readonly robustAccuracy: number }[];
  /** Mean ||δ||₂/||x||₂ of DeepFool (L2) over the samples it fooled; null without gradients. */
  readonly empiricalRobustness: number | null;
}

export interface CurveOptions {
  readonly batchSize: number;
  readonly rng: Rng;
  readonly onProgress?: ProgressListener;
}

export async function robustnessCurve(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
  specs: readonly AttackSpec[],
  options: CurveOptions,
): Promise<RobustnessCurve> {
  const n = y.length;
  for (const spec of specs) checkAttackable(model, spec);
  const clean = argmaxRows(await model.predict(x));
  let cleanCorrect = 0;
  for (let i = 0; i < n; i++) if (clean[i] === y[i]) cleanCorrect++;
  const points: CurvePoint[] = [];
  const robustAt = new Map<number, Uint8Array>();
  for (const [k, spec] of specs.entries()) {
    const { summary, result } = await evaluateRobustness(model, x, y, spec, {
      batchSize: options.batchSize,
      rng: options.rng,
    });
    points.push({ attack: spec.attack, eps: spec.eps, summary });
    const predicted = argmaxRows(await model.predict(result.adversarial));
    const robust =
      robustAt.get(spec.eps) ?? Uint8Array.from(y, (label, i) => (clean[i] === label ? 1 : 0));
    for (let i = 0; i < n; i++) if (predicted[i] !== y[i]) robust[i] = 0;
    robustAt.set(spec.eps, robust);
    options.onProgress?.({ task: "robustness", done: k + 1, total: specs.length });
  }
  const worstCase = [...robustAt.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([eps, robust]) => ({
      eps,
      robustAccuracy: n === 0 ? 0 : robust.reduce((a, b) => a + b, 0) / n,
    }));
  return {
    n,
    cleanAccuracy: n === 0 ? 0 : cleanCorrect / n,
    points,
    worstCase,
    empiricalRobustness: isDifferentiable(model)
      ? await empiricalRobustness(model, x, y, options)
      : null,
  };
}

/** ART's empirical robustness with DeepFool (L2) as the minimal attack. */
export async function empiricalRobustness(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
  options: CurveOptions,
): Promise<number> {
  const n = y.length;
  const stride = n === 0 ? 0 : x.data.length / n;
  const range = model.bounds[1] - model.bounds[0];
  const eps = Math.sqrt(stride) * (Number.isFinite(range) ? range : 1);
  const { result } = await evaluateRobustness(
    model,
    x,
    y,
    { attack: "deepfool", eps, norm: "2", steps: 50, candidates: 10, overshoot: 0.02 },
    { batchSize: options.batchSize, rng: options.rng },
  );
  let total = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    // Samples misclassified before the attack (δ = 0) say nothing about robustness.
    if (!result.success[i] || result.norms.l2[i] === 0) continue;
    let sq = 0;
    for (let j = i * stride; j < (i + 1) * stride; j++) sq += x.data[j] * x.data[j];
    if (sq === 0) continue;
    total += result.norms.l2[i] / Math.sqrt(sq);
    count++;
  }
  return count === 0 ? 0 : total / count;
}
