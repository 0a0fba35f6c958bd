// Request bodies checked against the model's schema before anything else sees them: KServe v2
// tensors ({name, shape, datatype, data}) or the simple {"inputs": [...]} form; dtype, shape,
// row count, NaN/Infinity and the model's input bounds. Bodies are untrusted: shapes are checked
// before any allocation, and nesting is only followed as deep as the model's rank.

import { MlsecError, sizeOf } from "../core/index.js";

export interface InputSchema {
  readonly inputName: string;
  /** Per-sample shape, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  readonly bounds: readonly [number, number];
  readonly maxRows: number;
}

export interface ValidInput {
  readonly data: Float32Array;
  readonly rows: number;
}

const invalid = (message: string) => new MlsecError("E_INVALID_ARGUMENT", message);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function checkRows(rows: number, schema: InputSchema): void {
  if (rows < 1) throw new MlsecError("E_SHAPE_MISMATCH", "the request holds no samples");
  if (rows > schema.maxRows) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `the request holds ${rows} samples; at most ${schema.maxRows} per request`,
    );
  }
}

/** Copies nested arrays of exactly `shape` (or a flat array of its size) into `out`. */
function fill(value: unknown, shape: readonly number[], out: Float32Array, offset: number): void {
  if (!Array.isArray(value)) throw new MlsecError("E_SHAPE_MISMATCH", "expected an array");
  const size = sizeOf(shape);
  if (value.length === size && (shape.length <= 1 || typeof value[0] !== "object")) {
    for (let i = 0; i < size; i++) out[offset + i] = number(value[i], offset + i);
    return;
  }
  if (shape.length <= 1 || value.length !== shape[0]) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `an array has ${value.length} entries where [${shape}] (${size} values) was expected`,
    );
  }
  const inner = shape.slice(1);
  const stride = sizeOf(inner);
  for (let i = 0; i < shape[0]; i++) fill(value[i], inner, out, offset + i * stride);
}

function number(v: unknown, index: number): number {
  if (typeof v !== "number") {
    throw new MlsecError(
      "E_DTYPE",
      `value ${index} is ${JSON.stringify(v)?.slice(0, 20)}, not a number`,
    );
  }
  return v;
}

/** Finiteness (JSON numbers like 1e999 parse to Infinity) and the model's bounds. */
function checkValues(data: Float32Array, schema: InputSchema): void {
  const [lo, hi] = schema.bounds;
  const tol =
    1e-6 *
    Math.max(1, Math.abs(Number.isFinite(lo) ? lo : 0), Math.abs(Number.isFinite(hi) ? hi : 0));
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new MlsecError("E_NON_FINITE", `value ${i} is ${v}`);
    if (v < lo - tol || v > hi + tol) {
      throw new MlsecError(
        "E_OUT_OF_BOUNDS",
        `value ${i} is ${v}, outside the model's bounds [${lo}, ${hi}]`,
      );
    }
  }
}

/** The simple form: {"inputs": [sample, ...]}, each sample nested or flat. */
export function parseSimpleRequest(body: unknown, schema: InputSchema): ValidInput {
  if (!isObject(body) || !Array.isArray(body.inputs)) {
    throw invalid('the body must be a JSON object {"inputs": [sample, ...]}');
  }
  const rows = body.inputs.length;
  checkRows(rows, schema);
  const size = sizeOf(schema.inputShape);
  const data = new Float32Array(rows * size);
  for (let r = 0; r < rows; r++) fill(body.inputs[r], schema.inputShape, data, r * size);
  checkValues(data, schema);
  return { data, rows };
}

/** KServe v2 / Open Inference Protocol: {"inputs": [{name, shape, datatype, data}]}. */
export function parseV2Request(body: unknown, schema: InputSchema): ValidInput {
  if (!isObject(body) || !Array.isArray(body.inputs) || body.inputs.length !== 1) {
    throw invalid(
      'the body must be {"inputs": [{"name", "shape", "datatype", "data"}]} with one input',
    );
  }
  const input = body.inputs[0];
  if (!isObject(input)) throw invalid("inputs[0] must be an object");
  if (input.name !== undefined && input.name !== schema.inputName) {
    throw invalid(
      `inputs[0].name is ${JSON.stringify(input.name)}; the model's input is "${schema.inputName}"`,
    );
  }
  if (input.datatype !== "FP32") {
    throw new MlsecError(
      "E_DTYPE",
      `inputs[0].datatype is ${JSON.stringify(input.datatype)}; the model takes FP32`,
    );
  }
  const shape = input.shape;
  const expected = schema.inputShape;
  if (
    !Array.isArray(shape) ||
    shape.length !== expected.length + 1 ||
    !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `inputs[0].shape is ${JSON.stringify(shape)?.slice(0, 80)}; expected [N, ${expected.join(", ")}]`,
    );
  }
  if (shape.slice(1).some((d, i) => d !== expected[i])) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `inputs[0].shape is [${shape}]; expected [N, ${expected.join(", ")}]`,
    );
  }
  const rows = shape[0] as number;
  checkRows(rows, schema);
  const data = new Float32Array(rows * sizeOf(expected));
  fill(input.data, [rows, ...expected], data, 0);
  checkValues(data, schema);
  return { data, rows };
}
