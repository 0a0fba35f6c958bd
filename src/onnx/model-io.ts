// Reading and writing .onnx files: bounded reads, external data kept inside the model's
// directory (onnx.proto TensorProto.external_data: location, offset, length), atomic writes.

import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { MlsecError, writeFileAtomic } from "../core/index.js";
import { topologicalNodes } from "./graph.js";
import type { ModelProto, TensorProto } from "./ir.js";
import {
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  decodeModel,
  encodeModel,
} from "./proto/codec.js";

export interface LoadOptions {
  readonly limits?: DecodeLimits;
  /** Largest external data file region a single tensor may read, bytes. */
  readonly maxExternalBytes?: number;
}

export async function loadModel(path: string, options: LoadOptions = {}): Promise<ModelProto> {
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new MlsecError("E_FILE_NOT_FOUND", `${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof MlsecError) throw error;
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read model ${path}`, { cause: error });
  }
  if (size > limits.maxBytes) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `model ${path} is ${size} bytes; the limit is ${limits.maxBytes}`,
    );
  }
  const bytes = await readFile(path);
  const model = decodeModel(bytes, limits);
  resolveExternalData(model, path, options.maxExternalBytes ?? limits.maxBytes);
  topologicalNodes(model.graph!);
  return model;
}

/** Parses model bytes that are already in memory (no external data allowed). */
export function parseModel(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): ModelProto {
  const model = decodeModel(bytes, limits);
  for (const t of model.graph!.initializer) {
    if (t.dataLocation === 1) {
      throw new MlsecError(
        "E_ONNX_EXTERNAL_DATA",
        `tensor "${t.name}" needs external data, but the model was given as bytes`,
      );
    }
  }
  topologicalNodes(model.graph!);
  return model;
}

/** Loads every EXTERNAL initializer's bytes into raw_data, refusing paths that leave the model's directory. */
function resolveExternalData(model: ModelProto, modelPath: string, maxBytes: number): void {
  const external = model.graph!.initializer.filter((t) => t.dataLocation === 1);
  if (external.length === 0) return;
  const baseDir = realpathSync(dirname(resolve(modelPath)));
  for (const tensor of external) loadExternalTensor(tensor, baseDir, maxBytes);
}

function loadExternalTensor(tensor: TensorProto, baseDir: string, maxBytes: number): void {
  const name = tensor.name ?? "";
  const entries = new Map(tensor.externalData.map((e) => [e.key ?? "", e.value ?? ""]));
  const location = entries.get("location");
  if (location === undefined || location === "") {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `tensor "${name}" is external but names no location`,
    );
  }
  // The location is attacker-controlled: it must be a relative path that stays inside baseDir,
  // also after following symlinks.
  if (isAbsolute(location) || location.includes("\0")) {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `tensor "${name}" points outside the model directory: ${location}`,
    );
  }
  let target: string;
  try {
    target = realpathSync(join(baseDir, location));
  } catch (error) {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `external data file "${location}" of tensor "${name}" is missing`,
      {
        cause: error,
      },
    );
  }
  const rel = relative(baseDir, target);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `tensor "${name}" points outside the model directory: ${location}`,
    );
  }
  const fileSize = statSync(target).size;
  const offset = parseNonNegative(entries.get("offset") ?? "0", name, "offset");
  const length = entries.has("length")
    ? parseNonNegative(entries.get("length")!, name, "length")
    : fileSize - offset;
  if (offset + length > fileSize || length < 0) {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `tensor "${name}" reads bytes ${offset}..${offset + length} of "${location}", which has ${fileSize}`,
    );
  }
  if (length > maxBytes) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `tensor "${name}" has ${length} bytes of external data; the limit is ${maxBytes}`,
    );
  }
  const buffer = Buffer.alloc(length);
  const fd = openSync(target, "r");
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  tensor.rawData = buffer;
  tensor.dataLocation = 0;
  tensor.externalData = [];
}

function parseNonNegative(value: string, tensor: string, key: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `tensor "${tensor}" has an invalid external ${key}: ${value}`,
    );
  }
  return n;
}

/** Writes the model to a temporary file beside `path` and renames it into place. */
export async function saveModel(path: string, model: ModelProto): Promise<void> {
  const bytes = encodeModel(model);
  await writeFileAtomic(path, bytes);
}
