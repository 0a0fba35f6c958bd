// A classifier behind an input preprocessor, with the gradient an adaptive attacker uses:
// BPDA with the identity as the backward pass (the preprocessor counts as g(x) ≈ x, so
// ∇x f(g(x)) ≈ ∇f at g(x)), averaged over random draws (EOT) when the preprocessor is
// randomized. Athalye, Carlini & Wagner, "Obfuscated Gradients Give a False Sense of
// Security" (ICML 2018), §4.1 and §4.3.

import {
  type Classifier,
  type Differentiable,
  isDifferentiable,
  type LossGradient,
  type LossKind,
  MlsecError,
  type Rng,
  type Tensor,
} from "../../core/index.js";
import type { Preprocessor } from "./types.js";

export interface PreprocessedOptions {
  readonly rng: Rng;
  /** Random draws averaged per gradient for randomized preprocessors (EOT); default 10. */
  readonly eotSamples?: number;
}

/** The model with `preprocessor` applied to every input; white-box (BPDA/EOT) when the model is. */
export function withPreprocessor(
  model: Classifier,
  preprocessor: Preprocessor,
  options: PreprocessedOptions,
): Classifier | Differentiable {
  const eot = preprocessor.randomized ? (options.eotSamples ?? 10) : 1;
  if (!Number.isInteger(eot) || eot < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `EOT samples must be an integer >= 1, got ${eot}`);
  }
  const transform = (x: Tensor) => preprocessor.apply(x, model.bounds, options.rng);
  const wrapped: Classifier = {
    inputShape: model.inputShape,
    numClasses: model.numClasses,
    bounds: model.bounds,
    predict: (x) => model.predict(transform(x)),
  };
  if (!isDifferentiable(model)) return wrapped;
  const lossGradient = async (
    x: Tensor,
    labels: Int32Array,
    loss?: LossKind,
  ): Promise<LossGradient> => {
    const n = x.shape[0];
    const lossSum = new Float32Array(n);
    const gradSum = new Float32Array(x.data.length);
    const logitSum = new Float32Array(n * model.numClasses);
    for (let draw = 0; draw < eot; draw++) {
      const r = await model.lossGradient(transform(x), labels, loss);
      for (let i = 0; i < n; i++) lossSum[i] += r.loss[i] / eot;
      for (let i = 0; i < gradSum.length; i++) gradSum[i] += r.gradient.data[i] / eot;
      const logits = r.logits ?? (await model.predict(transform(x)));
      for (let i = 0; i < logitSum.length; i++) logitSum[i] += logits.data[i] / eot;
    }
    return {
      loss: lossSum,
      gradient: { shape: [...x.shape], data: gradSum },
      logits: { shape: [n, model.numClasses], data: logitSum },
    };
  };
  return { ...wrapped, lossGradient } satisfies Differentiable;
}
