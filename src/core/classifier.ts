import type { Tensor } from "./tensor.js";

/** Losses whose input gradient a Differentiable model can compute. */
export type LossKind = "cross-entropy" | "cw-margin" | "mse";

/** Anything that predicts class scores. */
export interface Classifier {
  /** Per-sample input shape, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** Valid range of every input feature, e.g. [0, 1] for images. */
  readonly bounds: readonly [number, number];
  /** Logits, shape [N, numClasses]. */
  predict(x: Tensor): Promise<Tensor>;
}

export interface LossGradient {
  /** Per-sample loss, length N. */
  readonly loss: Float32Array;
  /** d loss_i / d x_i for every sample, same shape as x. */
  readonly gradient: Tensor;
  /** The logits at x, when the implementation gets them for free (it usually does). */
  readonly logits?: Tensor;
}

/** A classifier that can also return the gradient of a loss with respect to its input. */
export interface Differentiable extends Classifier {
  lossGradient(x: Tensor, labels: Int32Array, loss?: LossKind): Promise<LossGradient>;
}

export function isDifferentiable(model: Classifier): model is Differentiable {
  return typeof (model as Partial<Differentiable>).lossGradient === "function";
}
