// Test helpers: build tiny forward models, run gradient models in onnxruntime (float32 or
// float64), and compare autodiff gradients with central finite differences.

import ort from "onnxruntime-node";
import { createRng, type LossKind } from "../../../src/core/index.js";
import { buildGradientModel, type GradientModel } from "../../../src/onnx/autodiff/index.js";
import { GraphBuilder, makeModel } from "../../../src/onnx/builder.js";
import { relativeError } from "../../../src/onnx/gradcheck.js";
import { DataType, type ModelProto, type TensorProto } from "../../../src/onnx/ir.js";
import { encodeModel } from "../../../src/onnx/proto/codec.js";
import { decodeTensor } from "../../../src/onnx/tensor-data.js";

export type Real = Float32Array | Float64Array;

export interface Fixture {
  readonly model: ModelProto;
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly dtype: number;
}

/** A constant tensor of the fixture's dtype with random values in [-scale, scale]. */
export function randomTensor(
  name: string,
  dims: readonly number[],
  dtype: number,
  seed: number,
  scale = 1,
  offset = 0,
): TensorProto {
  const rng = createRng(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => (2 * rng.next() - 1) * scale + offset);
  const data = dtype === DataType.DOUBLE ? Float64Array.from(values) : Float32Array.from(values);
  return {
    name,
    dims: [...dims],
    dataType: dtype,
    rawData: new Uint8Array(data.buffer),
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    stringData: [],
    externalData: [],
  };
}

/** A classifier graph: `body` maps the input name to the logits name. */
export function fixture(
  inputShape: readonly number[],
  classes: number,
  body: (b: GraphBuilder, x: string, dtype: number) => string,
  dtype: number = DataType.DOUBLE,
  opset = 17,
): Fixture {
  const b = new GraphBuilder(undefined, "fixture");
  b.addInput("input", dtype, ["batch", ...inputShape.slice(1)]);
  const logits = body(b, "input", dtype);
  const named = b.add("Identity", [logits], {}, { outputs: ["logits"] })[0];
  b.addOutput(named, dtype, ["batch", classes]);
  return { model: makeModel(b.build(), { opset }), inputShape, classes, dtype };
}

export function randomInput(
  shape: readonly number[],
  dtype: number,
  seed: number,
  scale = 1,
  offset = 0,
): Real {
  const t = randomTensor("x", shape, dtype, seed, scale, offset);
  return decodeTensor(t).data as Real;
}

export function randomLabels(n: number, classes: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.int(classes));
}

function ortTensor(data: Real, dims: readonly number[]): ort.Tensor {
  return data instanceof Float64Array
    ? new ort.Tensor("float64", data, [...dims])
    : new ort.Tensor("float32", data, [...dims]);
}

export class GradientRunner {
  private constructor(
    readonly gm: GradientModel,
    private readonly session: ort.InferenceSession,
    readonly params: Map<string, { data: Real; dims: number[] }>,
  ) {}

  static async create(
    model: ModelProto,
    loss: LossKind,
    parameters: readonly string[] = [],
    inputGradient = true,
  ): Promise<GradientRunner> {
    const gm = buildGradientModel(model, { loss, parameters, inputGradient });
    const session = await ort.InferenceSession.create(encodeModel(gm.model), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    const params = new Map<string, { data: Real; dims: number[] }>();
    for (const t of model.graph!.initializer) {
      if (parameters.includes(t.name ?? "")) {
        params.set(t.name ?? "", { data: decodeTensor(t).data as Real, dims: [...t.dims] });
      }
    }
    return new GradientRunner(gm, session, params);
  }

  async run(
    x: Real,
    shape: readonly number[],
    labels: readonly number[],
    overrides: ReadonlyMap<string, Real> = new Map(),
  ): Promise<Record<string, Real>> {
    const feeds: Record<string, ort.Tensor> = {
      [this.gm.inputName]: ortTensor(x, shape),
      [this.gm.labelsName]: new ort.Tensor(
        "int64",
        BigInt64Array.from(labels, (v) => BigInt(v)),
        [labels.length],
      ),
    };
    for (const [name, p] of this.params) {
      feeds[name] = ortTensor(overrides.get(name) ?? p.data, p.dims);
    }
    const out = await this.session.run(feeds);
    const result: Record<string, Real> = {};
    for (const [k, v] of Object.entries(out)) result[k] = v.data as Real;
    return result;
  }
}

export { relativeError };

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

export interface KinkAwareError {
  readonly error: number;
  /** Coordinates left out because the loss is not smooth within ±h there. */
  readonly skipped: number;
  readonly total: number;
}

/**
 * Relative error of the input gradient against central differences. Per-sample losses are
 * independent, so every perturbation of one sample becomes a row of one batch. With
 * `kinkThreshold`, coordinates whose one-sided slopes disagree by more than that fraction of
 * the sample's largest slope (a ReLU or max-pool switch within ±h) are left out.
 */
export async function inputGradientCheck(
  runner: GradientRunner,
  x: Real,
  shape: readonly number[],
  labels: readonly number[],
  h: number,
  kinkThreshold = Number.POSITIVE_INFINITY,
): Promise<KinkAwareError> {
  const out = await runner.run(x, shape, labels);
  const grad = out[runner.gm.inputGradientName!];
  const center = out[runner.gm.lossName];
  const n = shape[0];
  const d = x.length / n;
  const kept: number[] = [];
  const fdKept: number[] = [];
  const Ctor = x instanceof Float64Array ? Float64Array : Float32Array;
  for (let s = 0; s < n; s++) {
    const batch = new Ctor(2 * d * d);
    for (let j = 0; j < d; j++) {
      for (const [k, sign] of [
        [2 * j, 1],
        [2 * j + 1, -1],
      ]) {
        batch.set(x.subarray(s * d, (s + 1) * d), k * d);
        batch[k * d + j] += sign * h;
      }
    }
    const rows = await runner.run(
      batch,
      [2 * d, ...shape.slice(1)],
      new Array(2 * d).fill(labels[s]),
    );
    const loss = rows[runner.gm.lossName];
    const slopes = Array.from({ length: d }, (_, j) => (loss[2 * j] - loss[2 * j + 1]) / (2 * h));
    const scale = Math.max(...slopes.map(Math.abs));
    for (let j = 0; j < d; j++) {
      const jump = Math.abs(loss[2 * j] - 2 * center[s] + loss[2 * j + 1]) / h;
      if (jump > kinkThreshold * scale) continue;
      kept.push(grad[s * d + j]);
      fdKept.push(slopes[j]);
    }
  }
  return { error: relativeError(kept, fdKept), skipped: x.length - kept.length, total: x.length };
}

export async function inputGradientError(
  runner: GradientRunner,
  x: Real,
  shape: readonly number[],
  labels: readonly number[],
  h: number,
): Promise<number> {
  return (await inputGradientCheck(runner, x, shape, labels, h)).error;
}

/** Relative error of one parameter's gradient against central differences of the summed loss. */
export async function parameterGradientError(
  runner: GradientRunner,
  name: string,
  x: Real,
  shape: readonly number[],
  labels: readonly number[],
  h: number,
  maxElements = Number.POSITIVE_INFINITY,
): Promise<number> {
  const out = await runner.run(x, shape, labels);
  const full = out[runner.gm.parameterGradientNames.get(name)!];
  const p = runner.params.get(name)!;
  // A deterministic, evenly spaced subset of the elements for large parameters.
  const step = Math.max(1, Math.ceil(p.data.length / maxElements));
  const picked = Array.from({ length: Math.ceil(p.data.length / step) }, (_, i) => i * step);
  const grad = picked.map((j) => full[j]);
  const fd = new Float64Array(picked.length);
  for (const [k, j] of picked.entries()) {
    const losses: number[] = [];
    for (const sign of [1, -1]) {
      const copy = p.data.slice();
      copy[j] += sign * h;
      const r = await runner.run(x, shape, labels, new Map([[name, copy]]));
      losses.push(sum(r[runner.gm.lossName]));
    }
    fd[k] = (losses[0] - losses[1]) / (2 * h);
  }
  return relativeError(grad, fd);
}

export interface OpCase {
  readonly name: string;
  /** Input shape including the batch dimension. */
  readonly inputShape: readonly number[];
  /** Builds the op(s) under test; returns a value with `outSize` elements per sample. */
  readonly body: (b: GraphBuilder, x: string, dtype: number) => string;
  readonly outSize: number;
  /** Initializers (created by body) whose gradients are checked too. */
  readonly params?: readonly string[];
  readonly dtype?: number;
  readonly h?: number;
  readonly loss?: LossKind;
  readonly inputScale?: number;
  readonly inputOffset?: number;
  /** Replaces the random input (e.g. well-separated values for MaxPool). */
  readonly input?: Real;
  readonly opset?: number;
}

export interface CaseResult {
  readonly input: number;
  readonly params: Record<string, number>;
}

/** Builds op -> Flatten -> MatMul(random [outSize, 3]) and checks every gradient by FD. */
export async function checkCase(c: OpCase): Promise<CaseResult> {
  const dtype = c.dtype ?? DataType.DOUBLE;
  const classes = 3;
  const f = fixture(
    c.inputShape,
    classes,
    (b, x, dt) => {
      const y = c.body(b, x, dt);
      const flat = b.op("Flatten", [y]);
      // Scaled so the logits stay O(1) and float32 round-off stays small against the step.
      const scale = 2 / Math.sqrt(c.outSize);
      const w = b.initializer(randomTensor(b.fresh("head"), [c.outSize, classes], dt, 99, scale));
      return b.op("MatMul", [flat, w]);
    },
    dtype,
    c.opset,
  );
  const runner = await GradientRunner.create(f.model, c.loss ?? "cross-entropy", c.params ?? []);
  const x = c.input ?? randomInput(c.inputShape, dtype, 7, c.inputScale ?? 1, c.inputOffset ?? 0);
  const labels = randomLabels(c.inputShape[0], classes, 8);
  const h = c.h ?? (dtype === DataType.DOUBLE ? 1e-5 : 1e-2);
  const input = await inputGradientError(runner, x, c.inputShape, labels, h);
  const params: Record<string, number> = {};
  for (const p of c.params ?? []) {
    params[p] = await parameterGradientError(runner, p, x, c.inputShape, labels, h);
  }
  if (process.env.GRADCHECK_REPORT) {
    console.log(`GRADCHECK ${JSON.stringify({ name: c.name, input, params })}`);
  }
  return { input, params };
}

export function maxError(r: CaseResult): number {
  return Math.max(r.input, ...Object.values(r.params));
}
