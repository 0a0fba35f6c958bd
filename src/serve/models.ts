// The models a gateway serves: each ONNX file parsed once for its schema (input name and shape,
// classes, bounds), then handed to onnxruntime on worker threads behind a dynamic batcher.

import { MlsecError, readFileBounded, sizeOf } from "../core/index.js";
import { boundsFromMetadata, classifierSignature, parseModel } from "../onnx/index.js";
import { type InferenceBackend, inProcessBackend, workerPoolBackend } from "./backend.js";
import { Batcher } from "./batcher.js";
import type { ModelConfig } from "./config.js";
import { type HeService, openHeService } from "./he-endpoint.js";
import type { InputSchema } from "./validate.js";

export interface ServedModel {
  readonly config: ModelConfig;
  readonly schema: InputSchema;
  readonly outputName: string;
  readonly numClasses: number;
  readonly batcher: Batcher;
  readonly backend: InferenceBackend;
  /** Encrypted inference, when the model is configured with `he`. */
  readonly he?: HeService;
}

/** The model's bytes, from its file or verified out of the registry (whose version it takes). */
async function modelBytes(
  config: ModelConfig,
): Promise<{ bytes: Uint8Array; config: ModelConfig }> {
  if (config.registry !== undefined) {
    const { modelFromRegistry } = await import("./registry-source.js");
    const found = await modelFromRegistry(config.registry);
    return { bytes: found.bytes, config: { ...config, version: found.version } };
  }
  return { bytes: await readFileBounded(config.path!, 2 ** 31), config };
}

export async function loadServedModel(
  requested: ModelConfig,
  onBatch: (model: string, rows: number, ms: number) => void,
): Promise<ServedModel> {
  const { bytes, config } = await modelBytes(requested);
  const source = config.path ?? `registry ${config.registry?.ref}`;
  let model: ReturnType<typeof parseModel>;
  let signature: ReturnType<typeof classifierSignature>;
  let metadataBounds: readonly [number, number] | undefined;
  try {
    model = parseModel(bytes);
    signature = classifierSignature(model);
    metadataBounds = boundsFromMetadata(model);
  } catch (e) {
    const m = e as MlsecError;
    throw new MlsecError(
      m.code ?? "E_ONNX_PARSE",
      `model ${config.name} (${source}): ${m.message}`,
      {
        cause: e,
      },
    );
  }
  const setup = {
    modelBytes: bytes,
    inputName: signature.inputName,
    outputName: signature.outputName,
    inputShape: signature.inputShape,
  };
  const { workers } = config.batching;
  const backend =
    workers === 0 ? await inProcessBackend(setup) : await workerPoolBackend(setup, workers);
  let numClasses = signature.numClasses;
  if (numClasses === undefined) {
    const probe = await backend.run(new Float32Array(sizeOf(signature.inputShape)), 1);
    numClasses = probe.length;
  }
  let he: HeService | undefined;
  if (config.he !== undefined) {
    try {
      he = await openHeService(config.he, config.name, bytes);
    } catch (e) {
      await backend.close();
      throw e;
    }
  }
  const batcher = new Batcher(backend, {
    ...config.batching,
    inputSize: sizeOf(signature.inputShape),
    outputSize: numClasses,
    onBatch: (rows, ms) => onBatch(config.name, rows, ms),
  });
  return {
    config,
    schema: {
      inputName: signature.inputName,
      inputShape: signature.inputShape,
      bounds: config.bounds ?? metadataBounds ?? [-Infinity, Infinity],
      maxRows: config.maxRowsPerRequest,
    },
    outputName: signature.outputName,
    numClasses,
    batcher,
    backend,
    ...(he === undefined ? {} : { he }),
  };
}
