// onnxruntime-node sessions over in-memory models, with typed conversion of feeds and results.

import ort from "onnxruntime-node";
import { MlsecError } from "../core/index.js";
import type { ModelProto } from "./ir.js";
import { encodeModel } from "./proto/codec.js";

export interface SessionOptions {
  /** Threads for one operator (0 = onnxruntime's default: one per core). */
  readonly intraOpThreads?: number;
}

export type FeedValue =
  | { readonly type: "float32"; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: "int64"; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly type: "int32"; readonly data: Int32Array; readonly dims: readonly number[] };

export interface OutputValue {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Int32Array | Float64Array | Uint8Array;
}

export const feed = {
  float32: (data: Float32Array, dims: readonly number[]): FeedValue => ({
    type: "float32",
    data,
    dims,
  }),
  int64: (labels: ArrayLike<number>, dims: readonly number[] = [labels.length]): FeedValue => ({
    type: "int64",
    data: BigInt64Array.from(Array.from(labels), (v) => BigInt(v)),
    dims,
  }),
};

/** One loaded model in onnxruntime. */
export class OrtSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {}

  static async create(
    model: ModelProto | Uint8Array,
    options: SessionOptions = {},
  ): Promise<OrtSession> {
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    try {
      const session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.intraOpThreads ?? 0,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        logSeverityLevel: 3,
      });
      return new OrtSession(session, session.inputNames, session.outputNames);
    } catch (error) {
      throw new MlsecError(
        "E_ONNX_RUNTIME",
        `onnxruntime could not load the model: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async run(
    feeds: Readonly<Record<string, FeedValue>>,
    outputs?: readonly string[],
  ): Promise<Record<string, OutputValue>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, value] of Object.entries(feeds)) {
      ortFeeds[name] = new ort.Tensor(value.type, value.data, value.dims as number[]);
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results =
        outputs === undefined
          ? await this.session.run(ortFeeds)
          : await this.session.run(ortFeeds, outputs as string[]);
    } catch (error) {
      throw new MlsecError(
        "E_ONNX_RUNTIME",
        `onnxruntime failed to run the model: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    const out: Record<string, OutputValue> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { type: t.type, dims: t.dims, data: t.data as OutputValue["data"] };
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A float32 output, or E_ONNX_RUNTIME if the model returned another type. */
export function floatOutput(
  results: Record<string, OutputValue>,
  name: string,
): { dims: readonly number[]; data: Float32Array } {
  const v = results[name];
  if (v === undefined)
    throw new MlsecError("E_ONNX_RUNTIME", `the model did not return output "${name}"`);
  if (!(v.data instanceof Float32Array)) {
    throw new MlsecError("E_DTYPE", `output "${name}" is ${v.type}, expected float32`);
  }
  return { dims: v.dims, data: v.data };
}
