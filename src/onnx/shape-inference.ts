// Static shape and type inference for the op set mlsec works with (ONNX operator spec,
// https://onnx.ai/onnx/operators/). Dims are numbers, symbolic names or null (unknown); an
// unknown op yields unknown shapes downstream rather than an error. Small int64 values
// (Shape -> Gather -> Concat -> Reshape chains of PyTorch exports) are propagated too.

import { attrInt, attrInts, attrString, attrTensor } from "./attributes.js";
import { topologicalNodes } from "./graph.js";
import { DataType, type Dim, type GraphProto, type NodeProto, tensorTypeOf } from "./ir.js";
import { tensorToNumbers } from "./tensor-data.js";

export interface ValueType {
  readonly elemType: number;
  /** null when even the rank is unknown. */
  readonly shape: readonly Dim[] | null;
}

export interface ShapeInfo {
  readonly types: ReadonlyMap<string, ValueType>;
  /** Known contents of small integer tensors (shapes, axes, pads); dims may be symbolic. */
  readonly values: ReadonlyMap<string, readonly Dim[]>;
}

const UNARY_SAME = new Set([
  "Relu",
  "LeakyRelu",
  "Sigmoid",
  "Tanh",
  "Exp",
  "Log",
  "Neg",
  "Abs",
  "Sqrt",
  "Reciprocal",
  "Identity",
  "Softmax",
  "LogSoftmax",
  "Clip",
  "Erf",
  "Elu",
  "Selu",
  "Softplus",
  "HardSigmoid",
  "Floor",
  "Ceil",
  "BatchNormalization",
  "LRN",
  "InstanceNormalization",
  "LayerNormalization",
  "Sin",
  "Cos",
  "Tan",
  "Asin",
  "Acos",
  "Atan",
  "Sinh",
  "Cosh",
  "Sign",
  "Round",
  "Not",
  "Softsign",
  "ThresholdedRelu",
  "HardSwish",
  "Mish",
  "Gelu",
  "Shrink",
  "CumSum",
]);
const BROADCAST = new Set([
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Pow",
  "Max",
  "Min",
  "Sum",
  "Mean",
  "Where",
]);
const COMPARE = new Set(["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or"]);
const REDUCE = new Set([
  "ReduceSum",
  "ReduceMean",
  "ReduceMax",
  "ReduceMin",
  "ReduceProd",
  "ReduceLogSumExp",
  "ReduceL2",
]);

/** numpy broadcasting of two static-or-symbolic shapes; null where it cannot be decided. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
    const y = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (typeof x === "number" && typeof y !== "number") out.push(x);
    else if (typeof y === "number" && typeof x !== "number") out.push(y);
    else out.push(null);
  }
  return out;
}

/** Product of dims, or null when any is not a number. */
export function staticSize(dims: readonly Dim[]): number | null {
  let n = 1;
  for (const d of dims) {
    if (typeof d !== "number") return null;
    n *= d;
  }
  return n;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** The per-spatial-axis explicit pads (begin..., end...) of a Conv or pool node. */
export function explicitPads(
  node: NodeProto,
  inSpatial: readonly Dim[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): number[] | null {
  const r = kernel.length;
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  if (autoPad === "NOTSET") return attrInts(node, "pads") ?? new Array(2 * r).fill(0);
  if (autoPad === "VALID") return new Array(2 * r).fill(0);
  const pads = new Array(2 * r).fill(0);
  for (let i = 0; i < r; i++) {
    const size = inSpatial[i];
    if (typeof size !== "number") return null;
    const out = Math.ceil(size / strides[i]);
    const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size, 0);
    const small = Math.floor(total / 2);
    pads[i] = autoPad === "SAME_LOWER" ? total - small : small;
    pads[i + r] = total - pads[i];
  }
  return pads;
}

function windowOutput(
  node: NodeProto,
  x: readonly Dim[],
  kernel: readonly number[],
  channels: Dim,
): Dim[] | null {
  const r = kernel.length;
  const strides = attrInts(node, "strides") ?? new Array(r).fill(1);
  const dilations = attrInts(node, "dilations") ?? new Array(r).fill(1);
  const pads = explicitPads(node, x.slice(2), kernel, strides, dilations);
  const ceil = attrInt(node, "ceil_mode", 0) === 1;
  const out: Dim[] = [x[0], channels];
  for (let i = 0; i < r; i++) {
    const size = x[2 + i];
    if (typeof size !== "number" || pads === null) {
      out.push(null);
      continue;
    }
    const span = size + pads[i] + pads[i + r] - dilations[i] * (kernel[i] - 1) - 1;
    let o = (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
    // With ceil_mode the last window must start inside the input or left padding.
    if (ceil && (o - 1) * strides[i] >= size + pads[i]) o -= 1;
    out.push(o);
  }
  return out;
}

function constInts(values: ReadonlyMap<string, readonly Dim[]>, name: string): number[] | null {
  const v = values.get(name);
  if (v === undefined || v.some((d) => typeof d !== "number")) return null;
  return v as number[];
}

function reshapeTarget(input: readonly Dim[], target: readonly Dim[], allowZero: boolean): Dim[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? (input[i] ?? null) : d));
  const minus = out.indexOf(-1);
  if (minus < 0) return out;
  // Solve -1 from the numeric and symbolic factors of both sides.
  let num = 1;
  const symbols: string[] = [];
  for (const d of input) {
    if (typeof d === "number") num *= d;
    else if (typeof d === "string") symbols.push(d);
    else return out.map((d2) => (d2 === -1 ? null : d2));
  }
  let tnum = 1;
  for (const [i, d] of out.entries()) {
    if (i === minus) continue;
    if (typeof d === "number") tnum *= d;
    else if (typeof d === "string") {
      const k = symbols.indexOf(d);
      if (k < 0) return out.map((d2) => (d2 === -1 ? null : d2));
      symbols.splice(k, 1);
    } else return out.map((d2) => (d2 === -1 ? null : d2));
  }
  let solved: Dim = null;
  if (symbols.length === 0 && tnum !== 0) solved = num / tnum;
  else if (symbols.length === 1 && num === tnum) solved = symbols[0];
  out[minus] = solved;
  return out;
}

/** Infers the type and shape of every value of `graph` it can. */
export function inferShapes(graph: GraphProto): ShapeInfo {
  const types = new Map<string, ValueType>();
  const values = new Map<string, readonly Dim[]>();
  for (const t of graph.initializer) {
    const name = t.name ?? "";
    types.set(name, { elemType: t.dataType ?? DataType.UNDEFINED, shape: [...t.dims] });
    const isInt = t.dataType === DataType.INT64 || t.dataType === DataType.INT32;
    if (isInt && t.dims.length <= 1 && (t.dims[0] ?? 1) <= 64) values.set(name, tensorToNumbers(t));
  }
  for (const v of graph.input) {
    const info = tensorTypeOf(v);
    if (info !== null && !types.has(info.name)) {
      types.set(info.name, { elemType: info.elemType, shape: info.shape });
    }
  }
  for (const node of topologicalNodes(graph)) {
    inferNode(node, types, values);
  }
  return { types, values };
}

function inferNode(
  node: NodeProto,
  types: Map<string, ValueType>,
  values: Map<string, readonly Dim[]>,
): void {
  const op = node.opType ?? "";
  const inT = node.input.map((n) => (n === "" ? undefined : types.get(n)));
  const x = inT[0];
  const xs = x?.shape ?? null;
  const elem = x?.elemType ?? DataType.UNDEFINED;
  const set = (i: number, elemType: number, shape: readonly Dim[] | null) => {
    const name = node.output[i];
    if (name !== undefined && name !== "") types.set(name, { elemType, shape });
  };
  const rank = xs?.length ?? 0;
  switch (true) {
    case op === "Constant": {
      const t = attrTensor(node, "value");
      if (t !== undefined) {
        set(0, t.dataType ?? DataType.FLOAT, [...t.dims]);
        const isInt = t.dataType === DataType.INT64 || t.dataType === DataType.INT32;
        if (isInt && t.dims.length <= 1) values.set(node.output[0], tensorToNumbers(t));
      }
      return;
    }
    case UNARY_SAME.has(op):
      set(0, elem, xs);
      return;
    case op === "Dropout":
      set(0, elem, xs);
      set(1, DataType.BOOL, xs);
      return;
    case BROADCAST.has(op) || COMPARE.has(op): {
      const shapes = (op === "Where" ? inT.slice(0) : inT).map((t) => t?.shape ?? null);
      const out = shapes.some((s) => s === null)
        ? null
        : shapes.reduce<Dim[]>((acc, s) => broadcastShapes(acc, s as Dim[]), []);
      const type = COMPARE.has(op)
        ? DataType.BOOL
        : op === "Where"
          ? (inT[1]?.elemType ?? 0)
          : elem;
      set(0, type, out);
      return;
    }
    case op === "Cast":
      set(0, attrInt(node, "to", DataType.FLOAT), xs);
      if (values.has(node.input[0])) values.set(node.output[0], values.get(node.input[0])!);
      return;
    case op === "Gemm": {
      const b = inT[1]?.shape ?? null;
      if (xs === null || b === null) {
        set(0, elem, null);
        return;
      }
      const m = attrInt(node, "transA", 0) ? xs[1] : xs[0];
      const n = attrInt(node, "transB", 0) ? b[0] : b[1];
      set(0, elem, [m, n]);
      return;
    }
    case op === "MatMul": {
      const b = inT[1]?.shape ?? null;
      if (xs === null || b === null) {
        set(0, elem, null);
        return;
      }
      const a2 = xs.length === 1 ? [1, xs[0]] : xs;
      const b2 = b.length === 1 ? [b[0], 1] : b;
      const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2));
      const out = [...batch, ...(xs.length === 1 ? [] : [a2[a2.length - 2]])];
      if (b.length !== 1) out.push(b2[b2.length - 1]);
      set(0, elem, out);
      return;
    }
    case op === "Conv" || op === "MaxPool" || op === "AveragePool": {
      if (xs === null) {
        set(0, elem, null);
        return;
      }
      let kernel = attrInts(node, "kernel_shape");
      const w = inT[1]?.shape;
      if (kernel === undefined && op === "Conv" && w) {
        const k = w.slice(2);
        kernel = k.every((d) => typeof d === "number") ? (k as number[]) : undefined;
      }
      if (kernel === undefined) {
        set(
          0,
          elem,
          xs.map(() => null),
        );
        return;
      }
      const channels = op === "Conv" ? (w?.[0] ?? null) : xs[1];
      const out = windowOutput(node, xs, kernel, channels);
      set(0, elem, out);
      if (op === "MaxPool") set(1, DataType.INT64, out);
      return;
    }
    case op === "GlobalAveragePool" || op === "GlobalMaxPool":
      set(0, elem, xs === null ? null : [...xs.slice(0, 2), ...xs.slice(2).map(() => 1)]);
      return;
    case op === "Flatten": {
      if (xs === null) {
        set(0, elem, [null, null]);
        return;
      }
      const axis = normalizeAxis(attrInt(node, "axis", 1), rank);
      const left = staticSize(xs.slice(0, axis));
      const right = staticSize(xs.slice(axis));
      const leftDim = left ?? (axis === 1 ? xs[0] : null);
      set(0, elem, [leftDim, right]);
      return;
    }
    case op === "Reshape": {
      const target = values.get(node.input[1]);
      if (target === undefined || xs === null) {
        const len = inT[1]?.shape?.[0];
        set(0, elem, typeof len === "number" ? new Array(len).fill(null) : null);
        return;
      }
      set(0, elem, reshapeTarget(xs, target, attrInt(node, "allowzero", 0) === 1));
      return;
    }
    case op === "Transpose": {
      if (xs === null) {
        set(0, elem, null);
        return;
      }
      const perm = attrInts(node, "perm") ?? xs.map((_, i) => rank - 1 - i);
      set(
        0,
        elem,
        perm.map((p) => xs[p]),
      );
      return;
    }
    case op === "Squeeze" || op === "Unsqueeze": {
      const axesRaw =
        attrInts(node, "axes") ?? (node.input[1] ? constInts(values, node.input[1]) : undefined);
      if (xs === null || axesRaw === null) {
        set(0, elem, null);
        return;
      }
      const input = values.get(node.input[0]);
      if (op === "Squeeze") {
        const axes =
          axesRaw === undefined
            ? xs.flatMap((d, i) => (d === 1 ? [i] : []))
            : axesRaw.map((a) => normalizeAxis(a, rank));
        set(
          0,
          elem,
          xs.filter((_, i) => !axes.includes(i)),
        );
        if (input !== undefined && rank === 1 && axes.length === 1)
          values.set(node.output[0], input);
        return;
      }
      const outRank = rank + (axesRaw?.length ?? 0);
      const axes = (axesRaw ?? []).map((a) => normalizeAxis(a, outRank));
      const out: Dim[] = [];
      let k = 0;
      for (let i = 0; i < outRank; i++) out.push(axes.includes(i) ? 1 : xs[k++]);
      set(0, elem, out);
      if (input !== undefined && rank === 0) values.set(node.output[0], input);
      return;
    }
    case op === "Concat": {
      const shapes = inT.map((t) => t?.shape ?? null);
      const known = shapes.find((sh) => sh !== null);
      if (known == null) {
        set(0, elem, null);
        return;
      }
      const r = known.length;
      const axis = normalizeAxis(attrInt(node, "axis", 0), r);
      const out = known.map((_, i) =>
        i === axis
          ? null
          : (shapes.map((sh) => sh?.[i]).find((d) => d !== null && d !== undefined) ?? null),
      );
      let total: Dim = 0;
      for (const sh of shapes) {
        const d = sh?.[axis];
        total = typeof total === "number" && typeof d === "number" ? total + d : null;
      }
      out[axis] = total;
      set(0, x?.elemType ?? inT.find((t) => t)?.elemType ?? elem, out);
      const parts = node.input.map((n) => values.get(n));
      if (parts.every((p) => p !== undefined)) values.set(node.output[0], parts.flat() as Dim[]);
      return;
    }
    case op === "Pad": {
      const pads = node.input[1] ? constInts(values, node.input[1]) : attrInts(node, "pads");
      if (xs === null || pads == null) {
        set(0, elem, xs === null ? null : xs.map(() => null));
        return;
      }
      set(
        0,
        elem,
        xs.map((d, i) =>
          pads[i] === 0 && pads[i + rank] === 0
            ? d
            : typeof d === "number"
              ? d + pads[i] + pads[i + rank]
              : null,
        ),
      );
      return;
    }
    case REDUCE.has(op) || op === "ArgMax" || op === "ArgMin": {
      const type = op.startsWith("Arg") ? DataType.INT64 : elem;
      if (xs === null) {
        set(0, type, null);
        return;
      }
      const keep = attrInt(node, "keepdims", 1) === 1;
      let axes: number[] | null | undefined = op.startsWith("Arg")
        ? [attrInt(node, "axis", 0)]
        : attrInts(node, "axes");
      if (axes === undefined && node.input[1]) axes = constInts(values, node.input[1]);
      if (axes === null) {
        set(0, type, null);
        return;
      }
      if (axes === undefined || axes.length === 0) {
        const noop = attrInt(node, "noop_with_empty_axes", 0) === 1;
        axes = noop ? [] : xs.map((_, i) => i);
      }
      const norm = axes.map((a) => normalizeAxis(a, rank));
      const out = keep
        ? xs.map((d, i) => (norm.includes(i) ? 1 : d))
        : xs.filter((_, i) => !norm.includes(i));
      set(0, type, out);
      return;
    }
    case op === "Shape": {
      if (xs === null) {
        set(0, DataType.INT64, [null]);
        return;
      }
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
      const start = clamp(attrInt(node, "start", 0));
      const end = clamp(attrInt(node, "end", rank));
      const dims = xs.slice(start, Math.max(start, end));
      set(0, DataType.INT64, [dims.length]);
      values.set(node.output[0], dims);
      return;
    }
    case op === "Size":
      set(0, DataType.INT64, []);
      return;
    case op === "Gather": {
      const idx = inT[1]?.shape ?? null;
      const axis = normalizeAxis(attrInt(node, "axis", 0), rank);
      if (xs === null || idx === null) {
        set(0, elem, null);
        return;
      }
      set(0, elem, [...xs.slice(0, axis), ...idx, ...xs.slice(axis + 1)]);
      const data = values.get(node.input[0]);
      const at = constInts(values, node.input[1]);
      if (data !== undefined && at !== null && rank === 1) {
        values.set(
          node.output[0],
          at.map((i) => data[normalizeAxis(i, data.length)] ?? null),
        );
      }
      return;
    }
    case op === "Expand": {
      const target = values.get(node.input[1]);
      set(0, elem, xs === null || target === undefined ? null : broadcastShapes(xs, target));
      return;
    }
    case op === "Slice": {
      const starts = constInts(values, node.input[1] ?? "");
      const ends = constInts(values, node.input[2] ?? "");
      const axesIn = node.input[3] ? constInts(values, node.input[3]) : undefined;
      const steps = node.input[4] ? constInts(values, node.input[4]) : undefined;
      if (xs === null || starts === null || ends === null || axesIn === null || steps === null) {
        set(0, elem, xs === null ? null : xs.map(() => null));
        return;
      }
      const out = [...xs];
      const axes = axesIn ?? starts.map((_, i) => i);
      axes.forEach((a, i) => {
        const axis = normalizeAxis(a, rank);
        const dim = xs[axis];
        const step = steps?.[i] ?? 1;
        if (typeof dim !== "number" || step === 0) {
          out[axis] = null;
          return;
        }
        const clamp = (v: number, lo: number, hi: number) =>
          Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
        const begin = step > 0 ? clamp(starts[i], 0, dim) : clamp(starts[i], -1, dim - 1);
        const end = step > 0 ? clamp(ends[i], 0, dim) : clamp(ends[i], -1, dim - 1);
        out[axis] = Math.max(0, Math.ceil((end - begin) / step));
      });
      set(0, elem, out);
      return;
    }
    case op === "ConstantOfShape": {
      const target = values.get(node.input[0]);
      const t = attrTensor(node, "value");
      set(0, t?.dataType ?? DataType.FLOAT, target === undefined ? null : [...target]);
      return;
    }
    default:
      return;
  }
}
