// A white-box classifier over weights that change while it is used: the model's parameters are
// graph inputs, fed from the trainer's current values on every run, so an attack inside the
// training loop sees the model as it is at that step without rebuilding any session.

import type { Differentiable, LossGradient, LossKind, Tensor } from "../../core/index.js";
import { MlsecError } from "../../core/index.js";
import {
  buildGradientModel,
  classifierSignature,
  feed,
  floatOutput,
  type ModelProto,
  OrtSession,
} from "../../onnx/index.js";
import { type ParameterSet, parametersAsInputs } from "../../onnx/trainer/index.js";

/** A feed for OrtSession.run (the session module's FeedValue). */
type FeedValue = ReturnType<typeof feed.float32>;

interface Names {
  readonly input: string;
  readonly logits: string;
}

export class WeightFedClassifier implements Differentiable {
  private weights: ParameterSet = new Map();

  private constructor(
    readonly inputShape: readonly number[],
    readonly numClasses: number,
    readonly bounds: readonly [number, number],
    private readonly forward: OrtSession,
    private readonly names: Names,
    private readonly gradient: ReturnType<typeof buildGradientModel>,
    private readonly gradientSession: OrtSession,
  ) {}

  /** `parameters` are the initializers fed per run; `bounds` are the valid input range. */
  static async create(
    model: ModelProto,
    parameters: readonly string[],
    bounds: readonly [number, number],
    intraOpThreads = 0,
  ): Promise<WeightFedClassifier> {
    const fed = parametersAsInputs(model, parameters);
    const gradient = buildGradientModel(fed, { loss: "cross-entropy", inputGradient: true });
    const signature = classifierSignature(model);
    if (signature.numClasses === undefined || signature.numClasses < 2) {
      throw new MlsecError(
        "E_TRAINING",
        "adversarial training needs a model whose logits have a fixed class count [N, C]",
      );
    }
    const options = { intraOpThreads };
    const [forward, gradientSession] = await Promise.all([
      OrtSession.create(fed, options),
      OrtSession.create(gradient.model, options),
    ]);
    return new WeightFedClassifier(
      signature.inputShape,
      signature.numClasses,
      bounds,
      forward,
      { input: gradient.inputName, logits: gradient.logitsName },
      gradient,
      gradientSession,
    );
  }

  /** Uses these parameter values from now on (kept by reference: the caller owns them). */
  setWeights(weights: ParameterSet): void {
    this.weights = weights;
  }

  private weightFeeds(): Record<string, FeedValue> {
    const feeds: Record<string, FeedValue> = {};
    for (const [name, p] of this.weights) feeds[name] = feed.float32(p.data, p.dims);
    return feeds;
  }

  async predict(x: Tensor): Promise<Tensor> {
    const out = await this.forward.run(
      { ...this.weightFeeds(), [this.names.input]: feed.float32(x.data, x.shape) },
      [this.names.logits],
    );
    const logits = floatOutput(out, this.names.logits);
    return { shape: [...logits.dims], data: logits.data };
  }

  /** Cross-entropy and its input gradient (the only loss adversarial training attacks with). */
  async lossGradient(x: Tensor, labels: Int32Array, loss?: LossKind): Promise<LossGradient> {
    if (loss !== undefined && loss !== "cross-entropy") {
      throw new MlsecError(
        "E_INTERNAL",
        `adversarial training attacks use cross-entropy, not ${loss}`,
      );
    }
    const g = this.gradient;
    const out = await this.gradientSession.run(
      {
        ...this.weightFeeds(),
        [g.inputName]: feed.float32(x.data, x.shape),
        [g.labelsName]: feed.int64(labels),
      },
      [g.lossName, g.logitsName, g.inputGradientName!],
    );
    const logits = floatOutput(out, g.logitsName);
    return {
      loss: floatOutput(out, g.lossName).data,
      gradient: { shape: [...x.shape], data: floatOutput(out, g.inputGradientName!).data },
      logits: { shape: [...logits.dims], data: logits.data },
    };
  }

  async release(): Promise<void> {
    await this.forward.release();
    await this.gradientSession.release();
  }
}
