// Robust accuracy with and without a preprocessor, three ways, so that a report cannot credit
// gradient masking: the plain model under attack; the same adversarial examples sent through
// the preprocessor (an attacker oblivious of it); and an adaptive attack run on the defended
// model through BPDA, with EOT for randomized preprocessors (Athalye et al. 2018). The
// preprocessor is only as good as the adaptive figure.

import { type AttackSpec, evaluateRobustness } from "../../attacks/index.js";
import {
  argmaxRows,
  type Differentiable,
  type ProgressListener,
  type Rng,
  type Tensor,
} from "../../core/index.js";
import { withPreprocessor } from "./preprocessed-classifier.js";
import type { Preprocessor } from "./types.js";

export interface PreprocessEvalOptions {
  readonly batchSize: number;
  readonly rng: Rng;
  readonly eotSamples?: number;
  readonly onProgress?: ProgressListener;
}

export interface PreprocessEvaluation {
  readonly preprocessor: string;
  readonly randomized: boolean;
  /** Gradient draws per step of the adaptive attack (1 for deterministic preprocessors). */
  readonly eotSamples: number;
  readonly attack: AttackSpec;
  readonly n: number;
  readonly cleanAccuracy: { readonly undefended: number; readonly defended: number };
  readonly robustAccuracy: {
    /** The plain model under the attack. */
    readonly undefended: number;
    /** The defended model on the plain model's adversarial examples. */
    readonly oblivious: number;
    /** The defended model under BPDA (+EOT) attack: the figure to report. */
    readonly adaptive: number;
  };
}

function accuracy(logits: Tensor, y: Int32Array): number {
  const predicted = argmaxRows(logits);
  let correct = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
  return y.length === 0 ? 0 : correct / y.length;
}

export async function evaluatePreprocessor(
  model: Differentiable,
  preprocessor: Preprocessor,
  x: Tensor,
  y: Int32Array,
  spec: AttackSpec,
  options: PreprocessEvalOptions,
): Promise<PreprocessEvaluation> {
  const eotSamples = preprocessor.randomized ? (options.eotSamples ?? 10) : 1;
  const defended = withPreprocessor(model, preprocessor, { rng: options.rng, eotSamples });
  const run = (target: typeof model | typeof defended, task: string) =>
    evaluateRobustness(target, x, y, spec, {
      batchSize: options.batchSize,
      rng: options.rng,
      onProgress: options.onProgress && ((e) => options.onProgress?.({ ...e, task })),
    });
  const plain = await run(model, `${spec.attack} on the model`);
  const adaptive = await run(defended, `${spec.attack} (BPDA${eotSamples > 1 ? "+EOT" : ""})`);
  return {
    preprocessor: preprocessor.name,
    randomized: preprocessor.randomized,
    eotSamples,
    attack: spec,
    n: y.length,
    cleanAccuracy: {
      undefended: plain.summary.cleanAccuracy,
      defended: accuracy(await defended.predict(x), y),
    },
    robustAccuracy: {
      undefended: plain.summary.robustAccuracy,
      oblivious: accuracy(await defended.predict(plain.result.adversarial), y),
      adaptive: adaptive.summary.robustAccuracy,
    },
  };
}
