// Runs an attack over a labelled dataset in batches and summarises robustness the way ART
// reports it: robust accuracy is the accuracy on the adversarial examples over all samples, so
// a sample misclassified before the attack counts as not robust.

import {
  argmaxRows,
  type Classifier,
  concatBatches,
  MlsecError,
  type ProgressListener,
  type Rng,
  sliceBatch,
  type Tensor,
} from "../../core/index.js";
import { type AttackSpec, attackBatch, checkAttackable } from "./registry.js";
import type { AttackResult } from "./types.js";

export interface RobustnessOptions {
  readonly batchSize: number;
  readonly rng: Rng;
  /** Targeted attack: every sample is pushed to this class (samples already of it are skipped in the success rate). */
  readonly targetClass?: number;
  readonly onProgress?: ProgressListener;
}

export interface NormStats {
  readonly l0: number;
  readonly l2: number;
  readonly linf: number;
}

export interface RobustnessSummary {
  readonly attack: string;
  readonly params: AttackSpec;
  readonly targeted: boolean;
  readonly n: number;
  readonly cleanAccuracy: number;
  readonly robustAccuracy: number;
  /** Untargeted: share of clean-correct samples turned wrong; targeted: share reaching the target. */
  readonly successRate: number;
  /** Over the successful adversarial examples. */
  readonly meanNorms: NormStats;
  readonly medianNorms: NormStats;
  readonly queries: { readonly total: number; readonly meanPerSample: number };
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

const median = (values: number[]) => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

export async function evaluateRobustness(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
  spec: AttackSpec,
  options: RobustnessOptions,
): Promise<{ summary: RobustnessSummary; result: AttackResult }> {
  const n = x.shape[0];
  if (y.length !== n)
    throw new MlsecError("E_SHAPE_MISMATCH", `${n} samples but ${y.length} labels`);
  if (
    options.targetClass !== undefined &&
    !(options.targetClass >= 0 && options.targetClass < model.numClasses)
  ) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `target class ${options.targetClass} is outside the model's ${model.numClasses} classes`,
    );
  }
  checkAttackable(model, spec);
  const started = performance.now();
  const clean = argmaxRows(await model.predict(x));
  const parts: AttackResult[] = [];
  for (let start = 0; start < n; start += options.batchSize) {
    const end = Math.min(n, start + options.batchSize);
    const labels = y.subarray(start, end);
    const goal =
      options.targetClass === undefined
        ? { labels }
        : { labels, targets: new Int32Array(end - start).fill(options.targetClass) };
    try {
      parts.push(
        await attackBatch(model, sliceBatch(x, start, end), goal, spec, {
          rng: options.rng,
          batchSize: options.batchSize,
        }),
      );
    } catch (error) {
      throw withPartialResults(error, parts, n);
    }
    options.onProgress?.({ task: spec.attack, done: end, total: n });
  }
  const result = mergeResults(parts);
  const seconds = (performance.now() - started) / 1000;
  const adversarialPredictions = argmaxRows(await model.predict(result.adversarial));
  let robust = 0;
  let cleanCorrect = 0;
  let eligible = 0;
  let succeeded = 0;
  const successful: number[] = [];
  for (let i = 0; i < n; i++) {
    if (adversarialPredictions[i] === y[i]) robust++;
    if (clean[i] === y[i]) cleanCorrect++;
    const isEligible =
      options.targetClass === undefined ? clean[i] === y[i] : y[i] !== options.targetClass;
    if (isEligible) {
      eligible++;
      const ok =
        options.targetClass === undefined
          ? adversarialPredictions[i] !== y[i]
          : adversarialPredictions[i] === options.targetClass;
      if (ok) {
        succeeded++;
        successful.push(i);
      }
    }
  }
  const pick = (norm: Float32Array) => successful.map((i) => norm[i]);
  const queriesTotal = result.queries.reduce((a, b) => a + b, 0);
  return {
    result,
    summary: {
      attack: spec.attack,
      params: spec,
      targeted: options.targetClass !== undefined,
      n,
      cleanAccuracy: n === 0 ? 0 : cleanCorrect / n,
      robustAccuracy: n === 0 ? 0 : robust / n,
      successRate: eligible === 0 ? 0 : succeeded / eligible,
      meanNorms: {
        l0: mean(pick(result.norms.l0)),
        l2: mean(pick(result.norms.l2)),
        linf: mean(pick(result.norms.linf)),
      },
      medianNorms: {
        l0: median(pick(result.norms.l0)),
        l2: median(pick(result.norms.l2)),
        linf: median(pick(result.norms.linf)),
      },
      queries: { total: queriesTotal, meanPerSample: n === 0 ? 0 : queriesTotal / n },
      seconds,
      samplesPerSecond: seconds > 0 ? n / seconds : 0,
    },
  };
}

/**
 * An endpoint that fails mid-run (timeouts, garbage) should not waste the batches already
 * attacked: the error carries their per-sample success flags and queries in `details.partial`.
 */
function withPartialResults(error: unknown, parts: readonly AttackResult[], n: number): unknown {
  if (!(error instanceof MlsecError) || parts.length === 0) return error;
  const done = mergeResults(parts);
  const attacked = done.success.length;
  const succeeded = done.success.reduce((a, b) => a + b, 0);
  return new MlsecError(error.code, error.message, {
    hint: error.hint,
    cause: error,
    details: {
      ...error.details,
      partial: {
        samplesAttacked: attacked,
        samplesTotal: n,
        attackSuccesses: succeeded,
        success: [...done.success],
        queries: [...done.queries],
      },
    },
  });
}

function mergeResults(parts: readonly AttackResult[]): AttackResult {
  const cat = (arrays: readonly Float32Array[]) => {
    const out = new Float32Array(arrays.reduce((a, b) => a + b.length, 0));
    let o = 0;
    for (const a of arrays) {
      out.set(a, o);
      o += a.length;
    }
    return out;
  };
  return {
    adversarial: concatBatches(parts.map((p) => p.adversarial)),
    success: Uint8Array.from(parts.flatMap((p) => [...p.success])),
    norms: {
      l0: cat(parts.map((p) => p.norms.l0)),
      l2: cat(parts.map((p) => p.norms.l2)),
      linf: cat(parts.map((p) => p.norms.linf)),
    },
    queries: Int32Array.from(parts.flatMap((p) => [...p.queries])),
  };
}
