import { MlsecError } from "./errors.js";

/** A dense float32 tensor in C (row-major) order. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new MlsecError("E_SHAPE_MISMATCH", `invalid dimension ${d} in shape [${shape}]`);
    }
    n *= d;
  }
  return n;
}

export function tensor(shape: readonly number[], data?: Float32Array | readonly number[]): Tensor {
  const n = sizeOf(shape);
  if (data === undefined) return { shape: [...shape], data: new Float32Array(n) };
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  if (array.length !== n) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `tensor of shape [${shape}] needs ${n} values, got ${array.length}`,
    );
  }
  return { shape: [...shape], data: array };
}

/** Per-sample shape: the shape without its leading batch dimension. */
export function sampleShape(t: Tensor): number[] {
  return t.shape.slice(1);
}

export function batchSize(t: Tensor): number {
  if (t.shape.length === 0) {
    throw new MlsecError("E_SHAPE_MISMATCH", "a batch tensor needs at least one dimension");
  }
  return t.shape[0];
}

/** Rows [start, end) of a batch tensor, sharing no memory with the source. */
export function sliceBatch(t: Tensor, start: number, end: number): Tensor {
  const n = batchSize(t);
  const from = Math.max(0, Math.min(start, n));
  const to = Math.max(from, Math.min(end, n));
  const stride = t.data.length / Math.max(n, 1);
  return {
    shape: [to - from, ...t.shape.slice(1)],
    data: t.data.slice(from * stride, to * stride),
  };
}

/** Selects the given rows of a batch tensor, in order. */
export function takeRows(t: Tensor, rows: ArrayLike<number>): Tensor {
  const n = batchSize(t);
  const stride = n === 0 ? 0 : t.data.length / n;
  const out = new Float32Array(rows.length * stride);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new MlsecError("E_INVALID_ARGUMENT", `row index ${r} outside [0, ${n})`);
    }
    out.set(t.data.subarray(r * stride, (r + 1) * stride), i * stride);
  }
  return { shape: [rows.length, ...t.shape.slice(1)], data: out };
}

export function concatBatches(parts: readonly Tensor[]): Tensor {
  if (parts.length === 0) throw new MlsecError("E_INVALID_ARGUMENT", "nothing to concatenate");
  const rest = parts[0].shape.slice(1);
  let rows = 0;
  let length = 0;
  for (const p of parts) {
    if (p.shape.length !== rest.length + 1 || p.shape.slice(1).some((d, i) => d !== rest[i])) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `cannot concatenate [${p.shape}] with [${parts[0].shape}]`,
      );
    }
    rows += p.shape[0];
    length += p.data.length;
  }
  const data = new Float32Array(length);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { shape: [rows, ...rest], data };
}

/** Index of the largest value in each row of a [N, C] tensor. */
export function argmaxRows(t: Tensor): Int32Array {
  if (t.shape.length !== 2) {
    throw new MlsecError("E_SHAPE_MISMATCH", `argmax expects [N, C], got [${t.shape}]`);
  }
  const [n, c] = t.shape;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = t.data[i * c];
    for (let j = 1; j < c; j++) {
      const v = t.data[i * c + j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Index of the first NaN or ±Infinity, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return i;
  }
  return -1;
}
