// One training run's engine: the autodiff gradient graph of the cross-entropy with respect to
// the parameters in one cached onnxruntime session, the current weights (fed as graph inputs at
// every step) and the optimiser state. `train()` drives it epoch by epoch; callers that need
// step-level control (adversarial training, interleaved benchmarks) drive it themselves.

import { MlsecError, type Tensor } from "../../core/index.js";
import { buildGradientModel } from "../autodiff/index.js";
import type { ModelProto } from "../ir.js";
import { type FeedValue, feed, floatOutput, OrtSession } from "../session.js";
import { createOptimizer } from "./create-optimizer.js";
import type { Optimizer, OptimizerConfig, Parameter } from "./optimizer.js";
import {
  copyParameters,
  parametersAsInputs,
  readParameters,
  trainableParameterNames,
  writeParameters,
} from "./parameters.js";
import { crossEntropyRows, type LossAccuracy, scoreBatches } from "./validation.js";

export interface TrainingSessionOptions {
  readonly optimizer: OptimizerConfig;
  /** Initializers to train (default: every float initializer but BatchNorm statistics). */
  readonly parameters?: readonly string[];
  /** onnxruntime threads per operator (0 = one per core). */
  readonly intraOpThreads?: number;
}

export interface StepResult {
  /** Sum of the per-sample losses of the batch (before the update). */
  readonly lossSum: number;
  /** Samples of the batch whose arg-max logit was the label (before the update). */
  readonly correct: number;
}

function nonFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return true;
  return false;
}

export class TrainingSession {
  private params: Map<string, Parameter>;
  private evalSession: OrtSession | undefined;
  private steps = 0;

  private constructor(
    private readonly model: ModelProto,
    readonly parameterNames: readonly string[],
    private readonly gradient: ReturnType<typeof buildGradientModel>,
    private readonly gradNames: readonly string[],
    private readonly session: OrtSession,
    private readonly optimizer: Optimizer,
    private readonly intraOpThreads: number,
  ) {
    this.params = readParameters(model, parameterNames);
  }

  static async create(
    model: ModelProto,
    options: TrainingSessionOptions,
  ): Promise<TrainingSession> {
    const names = options.parameters ?? trainableParameterNames(model);
    if (names.length === 0) {
      throw new MlsecError("E_TRAINING", "the model has no float parameters to train");
    }
    readParameters(model, names); // E_TRAINING early for names that are not float initializers
    const optimizer = createOptimizer(options.optimizer);
    const gradient = buildGradientModel(model, {
      loss: "cross-entropy",
      inputGradient: false,
      parameters: names,
    });
    const gradNames = names.map((n) => {
      const g = gradient.parameterGradientNames.get(n);
      if (g === undefined) {
        throw new MlsecError("E_TRAINING", `the gradient graph has no gradient for "${n}"`);
      }
      return g;
    });
    const threads = options.intraOpThreads ?? 0;
    const session = await OrtSession.create(gradient.model, { intraOpThreads: threads });
    return new TrainingSession(model, names, gradient, gradNames, session, optimizer, threads);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  private parameterFeeds(): Record<string, FeedValue> {
    const feeds: Record<string, FeedValue> = {};
    for (const [name, p] of this.params) feeds[name] = feed.float32(p.data, p.dims);
    return feeds;
  }

  /**
   * One optimiser step on a mini-batch at learning rate `lr`, with the gradient of the mean
   * cross-entropy. A NaN or infinite loss, gradient or weight is E_TRAINING.
   */
  async step(x: Tensor, labels: Int32Array, lr: number): Promise<StepResult> {
    const g = this.gradient;
    const out = await this.session.run(
      {
        ...this.parameterFeeds(),
        [g.inputName]: feed.float32(x.data, x.shape),
        [g.labelsName]: feed.int64(labels),
      },
      [g.lossName, g.logitsName, ...this.gradNames],
    );
    this.steps += 1;
    let lossSum = 0;
    for (const l of floatOutput(out, g.lossName).data) lossSum += l;
    if (!Number.isFinite(lossSum)) throw this.diverged("the loss");
    const logits = floatOutput(out, g.logitsName);
    const { correct } = crossEntropyRows(logits.data, labels, logits.dims[1]);
    // The graph gives gradients of the SUM of per-sample losses; the optimiser wants the mean.
    const scale = 1 / labels.length;
    const grads = new Map<string, Float32Array>();
    this.parameterNames.forEach((name, i) => {
      const grad = floatOutput(out, this.gradNames[i]).data;
      for (let j = 0; j < grad.length; j++) grad[j] *= scale;
      if (nonFinite(grad)) throw this.diverged(`the gradient of "${name}"`);
      grads.set(name, grad);
    });
    this.optimizer.step(this.params, grads, lr);
    for (const [name, p] of this.params) {
      if (nonFinite(p.data)) throw this.diverged(`parameter "${name}"`);
    }
    return { lossSum, correct };
  }

  /** Mean cross-entropy and accuracy of the current weights on (x, y), in batches. */
  async evaluate(x: Tensor, y: Int32Array, batchSize = 512): Promise<LossAccuracy> {
    this.evalSession ??= await OrtSession.create(
      parametersAsInputs(this.model, this.parameterNames),
      { intraOpThreads: this.intraOpThreads },
    );
    return scoreBatches(
      this.evalSession,
      { input: this.gradient.inputName, logits: this.gradient.logitsName },
      this.params,
      x,
      y,
      batchSize,
    );
  }

  /** A copy of the current weights. */
  snapshot(): Map<string, Parameter> {
    return copyParameters(this.params);
  }

  /** Puts back weights from `snapshot()`. */
  restore(params: ReadonlyMap<string, Parameter>): void {
    this.params = copyParameters(params);
  }

  /** The model with the current weights as initializers: an ordinary ONNX model. */
  toModel(): ModelProto {
    return writeParameters(this.model, this.params);
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.evalSession?.release();
    this.evalSession = undefined;
  }

  private diverged(what: string): MlsecError {
    return new MlsecError(
      "E_TRAINING",
      `training diverged: ${what} became NaN or infinite at step ${this.steps}`,
      {
        hint: "Lower the learning rate (or use a schedule with warm-up), and check the data for extreme values.",
        details: { step: this.steps },
      },
    );
  }
}
