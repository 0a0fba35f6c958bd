// OnnxClassifier: a Classifier backed by an ONNX model in onnxruntime, with input validation
// and batching. White-box methods (lossGradient) build the autodiff graph once, on first use.

import {
  concatBatches,
  type Differentiable,
  firstNonFinite,
  type LossGradient,
  type LossKind,
  MlsecError,
  sizeOf,
  sliceBatch,
  type Tensor,
} from "../core/index.js";
import { buildGradientModel, type GradientModel } from "./autodiff/index.js";
import { indexGraph } from "./graph.js";
import { DataType, type ModelProto, tensorTypeOf } from "./ir.js";
import { feed, floatOutput, OrtSession, type SessionOptions } from "./session.js";

export interface ClassifierOptions extends SessionOptions {
  /** Input bounds; default: the model's `mlsec.bounds` metadata, else unbounded. */
  readonly bounds?: readonly [number, number];
  /** Largest batch sent to onnxruntime at once. */
  readonly batchSize?: number;
}

export const BOUNDS_METADATA_KEY = "mlsec.bounds";

/** Reads `mlsec.bounds` ("[lo, hi]" JSON, null for an infinite end) from model metadata. */
export function boundsFromMetadata(model: ModelProto): readonly [number, number] | undefined {
  const entry = model.metadataProps.find((p) => p.key === BOUNDS_METADATA_KEY);
  if (entry?.value === undefined) return undefined;
  try {
    const parsed = JSON.parse(entry.value) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2) {
      const lo = parsed[0] === null ? -Infinity : Number(parsed[0]);
      const hi = parsed[1] === null ? Infinity : Number(parsed[1]);
      if (!Number.isNaN(lo) && !Number.isNaN(hi) && lo < hi) return [lo, hi];
    }
  } catch {
    // fall through to the error below
  }
  throw new MlsecError(
    "E_ONNX_INVALID_GRAPH",
    `metadata ${BOUNDS_METADATA_KEY} is not "[lo, hi]": ${entry.value}`,
  );
}

export function boundsMetadataValue(bounds: readonly [number, number]): string {
  const end = (v: number) => (Number.isFinite(v) ? v : null);
  return JSON.stringify([end(bounds[0]), end(bounds[1])]);
}

export interface ModelSignature {
  readonly inputName: string;
  readonly outputName: string;
  /** Per-sample input shape (without the batch dimension). */
  readonly inputShape: readonly number[];
  /** Classes, when the output shape says so statically. */
  readonly numClasses: number | undefined;
}

/** The classifier view of a model: one float input [N, ...] and a first output [N, C]. */
export function classifierSignature(model: ModelProto): ModelSignature {
  const graph = model.graph!;
  const { feedInputs } = indexGraph(graph);
  if (feedInputs.length !== 1) {
    throw new MlsecError(
      "E_ONNX_INVALID_GRAPH",
      `a classifier needs exactly one data input; this model has ${feedInputs.length} (${feedInputs.join(", ")})`,
    );
  }
  const inputInfo = graph.input.find((v) => v.name === feedInputs[0])!;
  const input = tensorTypeOf(inputInfo);
  if (input === null || input.elemType !== DataType.FLOAT) {
    throw new MlsecError("E_DTYPE", `input "${feedInputs[0]}" must be a float32 tensor`);
  }
  if (input.shape === null || input.shape.length < 2) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `input "${input.name}" needs a batch dimension and a known rank`,
    );
  }
  const perSample = input.shape.slice(1);
  if (perSample.some((d) => typeof d !== "number")) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `input "${input.name}" has symbolic per-sample dimensions [${input.shape.slice(1)}]; mlsec needs them fixed`,
    );
  }
  if (graph.output.length === 0)
    throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no outputs");
  const output = tensorTypeOf(graph.output[0]);
  const last = output?.shape?.[output.shape.length - 1];
  return {
    inputName: input.name,
    outputName: graph.output[0].name ?? "",
    inputShape: perSample as number[],
    numClasses: output?.shape?.length === 2 && typeof last === "number" ? last : undefined,
  };
}

interface GradientSession {
  readonly gradient: GradientModel;
  readonly session: OrtSession;
}

/**
 * An ONNX classifier. It is white-box (`lossGradient`) when its graph is differentiable; the
 * gradient graph is built and loaded on first use, once per loss kind.
 */
export class OnnxClassifier implements Differentiable {
  readonly inputShape: readonly number[];
  readonly bounds: readonly [number, number];
  readonly numClasses: number;
  readonly batchSize: number;

  private constructor(
    readonly model: ModelProto,
    readonly signature: ModelSignature,
    private readonly session: OrtSession,
    private readonly sessionOptions: SessionOptions,
    numClasses: number,
    options: ClassifierOptions,
  ) {
    this.inputShape = signature.inputShape;
    this.numClasses = numClasses;
    this.bounds = options.bounds ?? boundsFromMetadata(model) ?? [-Infinity, Infinity];
    this.batchSize = options.batchSize ?? 256;
    if (!(this.bounds[0] < this.bounds[1])) {
      throw new MlsecError("E_INVALID_ARGUMENT", `bounds [${this.bounds}] must satisfy lo < hi`);
    }
  }

  static async create(model: ModelProto, options: ClassifierOptions = {}): Promise<OnnxClassifier> {
    const signature = classifierSignature(model);
    const session = await OrtSession.create(model, options);
    let numClasses = signature.numClasses;
    if (numClasses === undefined) {
      // The output shape is symbolic: ask the model once.
      const probe = new Float32Array(sizeOf(signature.inputShape));
      const out = floatOutput(
        await session.run({
          [signature.inputName]: feed.float32(probe, [1, ...signature.inputShape]),
        }),
        signature.outputName,
      );
      if (out.dims.length !== 2) {
        throw new MlsecError(
          "E_SHAPE_MISMATCH",
          `the model's output has shape [${out.dims}]; a classifier returns [N, C]`,
        );
      }
      numClasses = out.dims[1];
    }
    return new OnnxClassifier(model, signature, session, options, numClasses, options);
  }

  /** Checks shape, finiteness and bounds of a batch; throws a typed error naming the problem. */
  validateInput(x: Tensor): void {
    const expected = [x.shape[0], ...this.inputShape];
    if (x.shape.length !== expected.length || x.shape.some((d, i) => d !== expected[i])) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `input has shape [${x.shape}], the model expects [N, ${this.inputShape.join(", ")}]`,
        { details: { got: [...x.shape], expected: ["N", ...this.inputShape] } },
      );
    }
    const bad = firstNonFinite(x.data);
    if (bad >= 0) {
      throw new MlsecError(
        "E_NON_FINITE",
        `input value ${bad} (sample ${Math.floor(bad / (x.data.length / x.shape[0]))}) is ${x.data[bad]}`,
      );
    }
    const [lo, hi] = this.bounds;
    if (Number.isFinite(lo) || Number.isFinite(hi)) {
      // A little slack for float rounding in data pipelines.
      const tol = 1e-6 * Math.max(1, Math.abs(lo), Math.abs(hi));
      for (let i = 0; i < x.data.length; i++) {
        const v = x.data[i];
        if (v < lo - tol || v > hi + tol) {
          throw new MlsecError(
            "E_OUT_OF_BOUNDS",
            `input value ${i} is ${v}, outside the model's bounds [${lo}, ${hi}]`,
          );
        }
      }
    }
  }

  async predict(x: Tensor): Promise<Tensor> {
    this.validateInput(x);
    return this.predictUnchecked(x);
  }

  /** Predicts without validation (for callers that produced x themselves within bounds). */
  async predictUnchecked(x: Tensor): Promise<Tensor> {
    const n = x.shape[0];
    if (n === 0) return { shape: [0, this.numClasses], data: new Float32Array(0) };
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const batch = n <= this.batchSize ? x : sliceBatch(x, start, start + this.batchSize);
      const out = floatOutput(
        await this.session.run(
          { [this.signature.inputName]: feed.float32(batch.data, batch.shape) },
          [this.signature.outputName],
        ),
        this.signature.outputName,
      );
      parts.push({ shape: [...out.dims], data: out.data });
    }
    return parts.length === 1 ? parts[0] : concatBatches(parts);
  }

  private readonly gradientSessions = new Map<LossKind, Promise<GradientSession>>();

  private gradientSession(loss: LossKind): Promise<GradientSession> {
    let pending = this.gradientSessions.get(loss);
    if (pending === undefined) {
      pending = (async () => {
        const gradient = buildGradientModel(this.model, { loss, inputGradient: true });
        return { gradient, session: await OrtSession.create(gradient.model, this.sessionOptions) };
      })();
      // A failed build (E_UNSUPPORTED_OP) is reported every time, not cached as a rejection.
      pending.catch(() => this.gradientSessions.delete(loss));
      this.gradientSessions.set(loss, pending);
    }
    return pending;
  }

  /** Per-sample loss and d loss_i / d x_i, computed by the autodiff graph in onnxruntime. */
  async lossGradient(
    x: Tensor,
    labels: Int32Array,
    loss: LossKind = "cross-entropy",
  ): Promise<LossGradient> {
    this.validateInput(x);
    return this.lossGradientUnchecked(x, labels, loss);
  }

  /** lossGradient without input validation, for attacks that keep x inside the bounds themselves. */
  async lossGradientUnchecked(
    x: Tensor,
    labels: Int32Array,
    loss: LossKind = "cross-entropy",
  ): Promise<LossGradient> {
    const n = x.shape[0];
    if (labels.length !== n) {
      throw new MlsecError("E_SHAPE_MISMATCH", `${n} samples but ${labels.length} labels`);
    }
    for (let i = 0; i < n; i++) {
      if (!(labels[i] >= 0 && labels[i] < this.numClasses)) {
        throw new MlsecError(
          "E_INVALID_ARGUMENT",
          `label ${labels[i]} is outside the model's ${this.numClasses} classes`,
        );
      }
    }
    const { gradient, session } = await this.gradientSession(loss);
    const lossValues = new Float32Array(n);
    const grad = new Float32Array(x.data.length);
    const logits = new Float32Array(n * this.numClasses);
    const stride = n === 0 ? 0 : x.data.length / n;
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(n, start + this.batchSize);
      const batch = n <= this.batchSize ? x : sliceBatch(x, start, end);
      const results = await session.run(
        {
          [gradient.inputName]: feed.float32(batch.data, batch.shape),
          [gradient.labelsName]: feed.int64(labels.subarray(start, end)),
        },
        [gradient.lossName, gradient.inputGradientName!, gradient.logitsName],
      );
      logits.set(floatOutput(results, gradient.logitsName).data, start * this.numClasses);
      lossValues.set(floatOutput(results, gradient.lossName).data, start);
      grad.set(floatOutput(results, gradient.inputGradientName!).data, start * stride);
    }
    return {
      loss: lossValues,
      gradient: { shape: [...x.shape], data: grad },
      logits: { shape: [n, this.numClasses], data: logits },
    };
  }

  async release(): Promise<void> {
    await this.session.release();
    for (const pending of this.gradientSessions.values()) {
      await (await pending.catch(() => undefined))?.session.release();
    }
    this.gradientSessions.clear();
  }
}
