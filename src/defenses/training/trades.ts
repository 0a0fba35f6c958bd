// TRADES, Zhang et al. 2019, "Theoretically Principled Trade-off between Robustness and
// Accuracy" (eq. 5, Alg. 1): minimise CE(f(x), y) + β·KL(f(x) ‖ f(x')) where x' maximises the
// same KL inside the L∞ ball, found by PGD on the sign of its gradient from x + 0.001·N(0, I).
// Both KL gradients (to the attack input and, through both outputs, to the weights) are
// vector-Jacobian products with cotangents computed here from the two softmaxes (vjp-model.ts).

import { argmaxRow } from "../../attacks/evasion/index.js";
import type { Rng, Tensor } from "../../core/index.js";
import { MlsecError } from "../../core/index.js";
import type { ModelProto } from "../../onnx/index.js";
import {
  copyParameters,
  createOptimizer,
  type Optimizer,
  type OptimizerConfig,
  type Parameter,
  type ParameterSet,
  readParameters,
  type StepResult,
  writeParameters,
} from "../../onnx/trainer/index.js";
import { VjpSessions } from "./vjp-model.js";
import type { WeightFedClassifier } from "./weight-fed-classifier.js";

export interface TradesSessionOptions {
  readonly optimizer: OptimizerConfig;
  readonly parameters: readonly string[];
  readonly intraOpThreads: number;
  /** Weight of the KL (robustness) term. */
  readonly beta: number;
}

export interface TradesAttack {
  /** The same model on the same weights, for forward passes. */
  readonly model: WeightFedClassifier;
  readonly eps: number;
  readonly stepSize: number;
  readonly steps: number;
  readonly rng: Rng;
}

/** Row-wise log-softmax of logits [N, C], in float64. */
export function logSoftmaxRows(logits: Float32Array, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let off = 0; off < logits.length; off += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[off + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[off + k] - max);
    const lse = max + Math.log(sum);
    for (let k = 0; k < classes; k++) out[off + k] = logits[off + k] - lse;
  }
  return out;
}

/**
 * Per-sample TRADES losses and the cotangents ∂(mean loss)/∂z for the clean logits (rows 0..N-1)
 * and the adversarial ones (rows N..2N-1):
 *   ∂/∂z  = p − onehot(y) + β·p ⊙ (log p − log q − KL),   ∂/∂z' = β·(q − p).
 */
export function tradesCotangent(
  clean: Float32Array,
  adversarial: Float32Array,
  labels: Int32Array,
  classes: number,
  beta: number,
): { losses: Float64Array; cotangent: Float32Array } {
  const n = labels.length;
  const logP = logSoftmaxRows(clean, classes);
  const logQ = logSoftmaxRows(adversarial, classes);
  const cotangent = new Float32Array(2 * n * classes);
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const off = i * classes;
    let kl = 0;
    for (let k = 0; k < classes; k++)
      kl += Math.exp(logP[off + k]) * (logP[off + k] - logQ[off + k]);
    losses[i] = -logP[off + labels[i]] + beta * kl;
    for (let k = 0; k < classes; k++) {
      const p = Math.exp(logP[off + k]);
      const q = Math.exp(logQ[off + k]);
      const onehot = k === labels[i] ? 1 : 0;
      const dClean = p - onehot + beta * p * (logP[off + k] - logQ[off + k] - kl);
      cotangent[off + k] = dClean / n;
      cotangent[n * classes + off + k] = (beta * (q - p)) / n;
    }
  }
  return { losses, cotangent };
}

/** softmax(z') − p per row: the gradient of Σ_i KL(p_i ‖ softmax(z'_i)) in z'. */
function klCotangent(p: Float64Array, adversarial: Float32Array, classes: number): Float32Array {
  const logQ = logSoftmaxRows(adversarial, classes);
  const g = new Float32Array(p.length);
  for (let j = 0; j < p.length; j++) g[j] = Math.exp(logQ[j]) - p[j];
  return g;
}

function concatRows(a: Tensor, b: Tensor): Tensor {
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { shape: [a.shape[0] + b.shape[0], ...a.shape.slice(1)], data };
}

export class TradesSession {
  private constructor(
    private readonly model: ModelProto,
    private readonly params: Map<string, Parameter>,
    private readonly vjp: VjpSessions,
    private readonly optimizer: Optimizer,
    private readonly classes: number,
    private readonly beta: number,
  ) {}

  static async create(
    model: ModelProto,
    classes: number,
    options: TradesSessionOptions,
  ): Promise<TradesSession> {
    const params = readParameters(model, options.parameters);
    const optimizer = createOptimizer(options.optimizer);
    const vjp = await VjpSessions.create(
      model,
      classes,
      options.parameters,
      options.intraOpThreads,
    );
    return new TradesSession(model, params, vjp, optimizer, classes, options.beta);
  }

  /** The current weights (live: updated in place by every step). */
  weights(): ParameterSet {
    return this.params;
  }

  /** Puts back weights from a copy of `weights()`. */
  restore(weights: ParameterSet): void {
    for (const [name, p] of copyParameters(weights)) this.params.set(name, p);
  }

  /** Finds x' for the batch, then takes one optimiser step on the TRADES loss. */
  async step(x: Tensor, labels: Int32Array, lr: number, attack: TradesAttack): Promise<StepResult> {
    const adversarial = await this.maximiseKl(x, attack);
    const pair = concatRows(x, adversarial);
    const both = await attack.model.predict(pair);
    const n = labels.length;
    const split = n * this.classes;
    const { losses, cotangent } = tradesCotangent(
      both.data.subarray(0, split),
      both.data.subarray(split),
      labels,
      this.classes,
      this.beta,
    );
    let lossSum = 0;
    for (const l of losses) lossSum += l;
    if (!Number.isFinite(lossSum)) throw diverged("the loss");
    const grads = await this.vjp.parameterProduct(this.params, pair, cotangent);
    for (const [name, g] of grads) {
      if (g.some((v) => !Number.isFinite(v))) throw diverged(`the gradient of "${name}"`);
    }
    this.optimizer.step(this.params, grads, lr);
    const adversarialLogits = both.data.subarray(split);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      if (argmaxRow(adversarialLogits, i, this.classes) === labels[i]) correct += 1;
    }
    return { lossSum, correct };
  }

  private async maximiseKl(x: Tensor, a: TradesAttack): Promise<Tensor> {
    const [lo, hi] = a.model.bounds;
    const clean = await a.model.predict(x);
    const logP = logSoftmaxRows(clean.data, this.classes);
    const p = logP.map(Math.exp);
    const current = x.data.map((v) => Math.min(hi, Math.max(lo, v + 0.001 * a.rng.normal())));
    for (let s = 0; s < a.steps; s++) {
      const point = { shape: x.shape, data: current };
      const logits = await a.model.predict(point);
      const g = await this.vjp.inputProduct(
        this.params,
        point,
        klCotangent(p, logits.data, this.classes),
      );
      for (let j = 0; j < current.length; j++) {
        const moved = current[j] + a.stepSize * Math.sign(g.data[j]);
        const delta = Math.min(a.eps, Math.max(-a.eps, moved - x.data[j]));
        current[j] = Math.min(hi, Math.max(lo, x.data[j] + delta));
      }
    }
    return { shape: [...x.shape], data: current };
  }

  /** The model with the current weights as initializers: an ordinary ONNX model. */
  toModel(): ModelProto {
    return writeParameters(this.model, this.params);
  }

  async release(): Promise<void> {
    await this.vjp.release();
  }
}

function diverged(what: string): MlsecError {
  return new MlsecError("E_TRAINING", `TRADES training diverged: ${what} became NaN or infinite`, {
    hint: "Lower the learning rate or beta.",
  });
}
