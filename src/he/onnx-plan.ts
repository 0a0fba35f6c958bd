// ONNX model -> HE plan: folds a sequential classifier into dense layers (Gemm, MatMul + Add,
// Conv lowered to its Toeplitz matrix, Flatten/Reshape as no-ops on row-major data) and
// elementwise polynomials (Mul/Add/Sub/Div/Neg/Pow chains with scalar constants, folded
// symbolically). ReLU/sigmoid/GELU/tanh become least-squares polynomials only when asked, and
// a trailing Softmax/LogSoftmax is dropped (argmax is unchanged; the plan returns logits).

import { MlsecError } from "../core/index.js";
import {
  attrFloat,
  attrInt,
  attrInts,
  attrTensor,
  decodeTensor,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  tensorTypeOf,
  topologicalNodes,
} from "../onnx/index.js";
import { foldQuadratics, type HeLayer, type HePlan, type LinearLayer } from "./plan.js";
import {
  ACTIVATIONS,
  type ActivationName,
  approximateActivation,
  polyAdd,
  polyMul,
  polyScale,
  polyTrim,
} from "./polynomial.js";

export interface PlanOptions {
  /** Replace these activations by least-squares polynomials (otherwise they are refused). */
  readonly approximate?: { readonly degree: number; readonly interval: number };
}

interface Constant {
  readonly kind: "const";
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

/** poly(value after the first `stage` layers), with the per-sample shape of that value. */
interface Signal {
  readonly kind: "signal";
  readonly stage: number;
  readonly poly: readonly number[];
  readonly shape: readonly number[];
}

type Value = Constant | Signal;

const IDENTITY = [0, 1] as const;
const isIdentity = (p: readonly number[]) => p.length === 2 && p[0] === 0 && p[1] === 1;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function unsupported(node: NodeProto, why: string): MlsecError {
  return new MlsecError("E_HE_UNSUPPORTED", `${node.opType} node "${node.name ?? ""}": ${why}`, {
    details: { node: node.name, op: node.opType },
  });
}

function constant(t: TensorProto): Constant {
  const { data, dims } = decodeTensor(t);
  return {
    kind: "const",
    dims,
    data: Float64Array.from(data as ArrayLike<number | bigint>, (v) => Number(v)),
  };
}

/** Dense matrix of a 2-D convolution on a [C, H, W] input, rows in NCHW output order. */
function lowerConv(
  node: NodeProto,
  input: readonly number[],
  kernel: Constant,
  bias: Constant | undefined,
): { layer: Omit<LinearLayer, "name">; shape: number[] } {
  if (input.length !== 3 || kernel.dims.length !== 4) {
    throw unsupported(node, "only 2-D convolutions on [C, H, W] inputs are lowered");
  }
  if (attrInt(node, "group", 1) !== 1) throw unsupported(node, "grouped convolutions");
  const autoPad = node.attribute.find((a) => a.name === "auto_pad")?.s;
  const autoPadText = autoPad ? new TextDecoder().decode(autoPad) : "NOTSET";
  if (autoPadText !== "NOTSET" && autoPadText !== "VALID") {
    throw unsupported(node, `auto_pad ${autoPadText}; give explicit pads`);
  }
  const [c, h, w] = input;
  const [cout, cin, kh, kw] = kernel.dims;
  if (cin !== c) throw unsupported(node, `kernel expects ${cin} channels, input has ${c}`);
  const [sh, sw] = attrInts(node, "strides") ?? [1, 1];
  const [dh, dw] = attrInts(node, "dilations") ?? [1, 1];
  const [pt, pl, pb, pr] = attrInts(node, "pads") ?? [0, 0, 0, 0];
  const ho = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const wo = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  if (!(ho > 0 && wo > 0)) throw unsupported(node, "the convolution's output is empty");
  const rows = cout * ho * wo;
  const cols = c * h * w;
  const weight = new Float64Array(rows * cols);
  const b = new Float64Array(rows);
  for (let o = 0; o < cout; o++) {
    for (let y = 0; y < ho; y++) {
      for (let x = 0; x < wo; x++) {
        const row = (o * ho + y) * wo + x;
        b[row] = bias?.data[o] ?? 0;
        for (let i = 0; i < c; i++) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = y * sh - pt + ky * dh;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x * sw - pl + kx * dw;
              if (ix < 0 || ix >= w) continue;
              weight[row * cols + (i * h + iy) * w + ix] +=
                kernel.data[((o * cin + i) * kh + ky) * kw + kx];
            }
          }
        }
      }
    }
  }
  return { layer: { kind: "linear", rows, cols, weight, bias: b }, shape: [cout, ho, wo] };
}

/** Converts a sequential ONNX classifier into an HE plan (see the header for what folds). */
export function planFromOnnx(model: ModelProto, options: PlanOptions = {}): HePlan {
  const graph = model.graph;
  if (graph === undefined) throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no graph");
  const values = new Map<string, Value>();
  for (const t of graph.initializer) values.set(t.name ?? "", constant(t));
  const inputs = graph.input.filter((v) => !values.has(v.name ?? ""));
  if (inputs.length !== 1) {
    throw new MlsecError(
      "E_HE_UNSUPPORTED",
      `HE plans take one input, the model has ${inputs.length}`,
    );
  }
  const inputShape = (tensorTypeOf(inputs[0])?.shape ?? []).slice(1);
  if (inputShape.length === 0 || inputShape.some((d) => typeof d !== "number" || d < 1)) {
    throw new MlsecError(
      "E_HE_UNSUPPORTED",
      `the model input needs a fixed per-sample shape, got [${inputShape.map((d) => d ?? "?")}]`,
    );
  }
  values.set(inputs[0].name ?? "", {
    kind: "signal",
    stage: 0,
    poly: IDENTITY,
    shape: inputShape as number[],
  });

  const layers: HeLayer[] = [];
  const notes: string[] = [];
  const counters = { linear: 0, poly: 0 };

  const get = (node: NodeProto, i: number): Value => {
    const v = values.get(node.input[i] ?? "");
    if (v === undefined)
      throw unsupported(node, `input ${i} ("${node.input[i]}") is not available`);
    return v;
  };
  const signalOf = (node: NodeProto, v: Value): Signal => {
    if (v.kind !== "signal") throw unsupported(node, "computes on constants only");
    if (v.stage !== layers.length) {
      throw unsupported(
        node,
        "the model is not a single chain (a value is reused after a later layer)",
      );
    }
    return v;
  };
  /** Emits the pending polynomial of a signal as a layer so a linear layer can follow. */
  const materialize = (node: NodeProto, v: Value): Signal => {
    const s = signalOf(node, v);
    if (isIdentity(s.poly)) return s;
    counters.poly++;
    layers.push({ kind: "poly", name: `act${counters.poly}`, coefficients: s.poly });
    return { ...s, stage: layers.length, poly: IDENTITY };
  };
  const pushLinear = (layer: Omit<LinearLayer, "name">, shape: readonly number[]): Signal => {
    counters.linear++;
    layers.push({ ...layer, name: `fc${counters.linear}` });
    return { kind: "signal", stage: layers.length, poly: IDENTITY, shape };
  };
  const scalarOf = (node: NodeProto, c: Constant): number => {
    if (c.data.length !== 1) throw unsupported(node, "elementwise constants must be scalars");
    return c.data[0];
  };
  /** Adds a per-feature vector to the output of the last dense layer (a bias). */
  const addBias = (node: NodeProto, s: Signal, c: Constant): Signal => {
    const last = layers[layers.length - 1];
    if (!isIdentity(s.poly) || last?.kind !== "linear" || c.data.length !== last.rows) {
      throw unsupported(node, "per-feature constants must be the bias of a dense layer");
    }
    layers[layers.length - 1] = { ...last, bias: last.bias.map((b, i) => b + c.data[i]) };
    return s;
  };

  const order = topologicalNodes(graph);
  for (const [index, node] of order.entries()) {
    const op = node.opType ?? "";
    const out = node.output[0] ?? "";
    const isLast = index === order.length - 1;
    switch (op) {
      case "Constant": {
        const t = attrTensor(node, "value");
        if (t === undefined) throw unsupported(node, "only tensor-valued Constants");
        values.set(out, constant(t));
        break;
      }
      case "Identity":
      case "Dropout":
        values.set(out, get(node, 0));
        break;
      case "Flatten":
      case "Reshape": {
        const v = get(node, 0);
        if (v.kind !== "signal") throw unsupported(node, "reshapes of constants");
        values.set(out, { ...v, shape: [size(v.shape)] });
        break;
      }
      case "Gemm": {
        if (attrInt(node, "transA", 0) !== 0) throw unsupported(node, "transA");
        const s = materialize(node, get(node, 0));
        const w = get(node, 1);
        if (w.kind !== "const" || w.dims.length !== 2)
          throw unsupported(node, "B must be a constant matrix");
        const transB = attrInt(node, "transB", 0) === 1;
        const [rows, cols] = transB ? w.dims : [w.dims[1], w.dims[0]];
        if (cols !== size(s.shape)) {
          throw unsupported(node, `weights take ${cols} features, the input has ${size(s.shape)}`);
        }
        const alpha = attrFloat(node, "alpha", 1);
        const beta = attrFloat(node, "beta", 1);
        const weight = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            weight[r * cols + c] = alpha * w.data[transB ? r * cols + c : c * rows + r];
          }
        }
        const bias = new Float64Array(rows);
        if (node.input[2]) {
          const b = get(node, 2);
          if (b.kind !== "const" || (b.data.length !== rows && b.data.length !== 1)) {
            throw unsupported(node, "C must be a constant vector of the output width");
          }
          for (let r = 0; r < rows; r++) bias[r] = beta * b.data[b.data.length === 1 ? 0 : r];
        }
        values.set(out, pushLinear({ kind: "linear", rows, cols, weight, bias }, [rows]));
        break;
      }
      case "MatMul": {
        const s = materialize(node, get(node, 0));
        const w = get(node, 1);
        if (w.kind !== "const" || w.dims.length !== 2)
          throw unsupported(node, "B must be a constant matrix");
        const [cols, rows] = w.dims;
        if (cols !== size(s.shape)) {
          throw unsupported(node, `weights take ${cols} features, the input has ${size(s.shape)}`);
        }
        const weight = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) weight[r * cols + c] = w.data[c * rows + r];
        values.set(
          out,
          pushLinear({ kind: "linear", rows, cols, weight, bias: new Float64Array(rows) }, [rows]),
        );
        break;
      }
      case "Conv": {
        const s = materialize(node, get(node, 0));
        const k = get(node, 1);
        const b = node.input[2] ? get(node, 2) : undefined;
        if (k.kind !== "const" || (b !== undefined && b.kind !== "const")) {
          throw unsupported(node, "kernel and bias must be constants");
        }
        const lowered = lowerConv(node, s.shape, k, b);
        values.set(out, pushLinear(lowered.layer, lowered.shape));
        notes.push(
          `${node.name ?? "Conv"} lowered to a ${lowered.layer.rows}x${lowered.layer.cols} matrix`,
        );
        break;
      }
      case "Add":
      case "Sub":
      case "Mul":
      case "Div": {
        const a = get(node, 0);
        const b = get(node, 1);
        values.set(out, elementwise(node, op, a, b));
        break;
      }
      case "Neg": {
        const a = get(node, 0);
        if (a.kind !== "signal") throw unsupported(node, "computes on constants only");
        values.set(out, { ...a, poly: polyScale(a.poly, -1) });
        break;
      }
      case "Pow": {
        const a = get(node, 0);
        const e = get(node, 1);
        if (a.kind !== "signal" || e.kind !== "const")
          throw unsupported(node, "needs signal ^ constant");
        const n = scalarOf(node, e);
        if (!Number.isInteger(n) || n < 1 || n > 8)
          throw unsupported(node, `exponent ${n} (need 1..8)`);
        let p: number[] = [1];
        for (let i = 0; i < n; i++) p = polyMul(p, a.poly);
        values.set(out, { ...a, poly: p });
        break;
      }
      case "Relu":
      case "Sigmoid":
      case "Gelu":
      case "Tanh": {
        const a = get(node, 0);
        if (a.kind !== "signal") throw unsupported(node, "computes on constants only");
        const name = op.toLowerCase() as ActivationName;
        if (options.approximate === undefined || !ACTIVATIONS.includes(name)) {
          throw unsupported(node, "CKKS evaluates polynomials only");
        }
        const fit = approximateActivation(
          name,
          options.approximate.degree,
          options.approximate.interval,
        );
        // p(q(x)) for the pending polynomial q: compose by Horner in polynomial arithmetic.
        let composed: number[] = [0];
        for (let j = fit.coefficients.length - 1; j >= 0; j--) {
          composed = polyAdd(polyMul(composed, a.poly), [fit.coefficients[j]]);
        }
        values.set(out, { ...a, poly: polyTrim(composed) });
        notes.push(
          `${op} approximated by a degree-${fit.degree} least-squares polynomial on [-${fit.interval}, ${fit.interval}] (max error ${fit.maxError.toPrecision(3)})`,
        );
        break;
      }
      case "Softmax":
      case "LogSoftmax": {
        if (!isLast) throw unsupported(node, "only a final Softmax can be dropped");
        values.set(out, get(node, 0));
        notes.push(`final ${op} dropped: the plan returns logits (same argmax)`);
        break;
      }
      default:
        throw unsupported(node, "operator not supported in HE plans");
    }
  }

  const outputName = graph.output[0]?.name ?? "";
  const result = values.get(outputName);
  if (result === undefined || result.kind !== "signal") {
    throw new MlsecError(
      "E_HE_UNSUPPORTED",
      `the model output "${outputName}" is not computed from its input`,
    );
  }
  const final = signalOf(
    { opType: "output", name: outputName, input: [], output: [], attribute: [] },
    result,
  );
  if (!isIdentity(final.poly)) {
    counters.poly++;
    layers.push({ kind: "poly", name: `act${counters.poly}`, coefficients: final.poly });
  }
  if (!layers.some((l) => l.kind === "linear")) {
    throw new MlsecError("E_HE_UNSUPPORTED", "the model has no dense layer to evaluate");
  }
  return foldQuadratics({
    inputSize: size(inputShape as number[]),
    outputSize: size(final.shape),
    layers,
    notes,
  });

  function elementwise(node: NodeProto, op: string, a: Value, b: Value): Value {
    if (a.kind === "const" && b.kind === "const") {
      throw unsupported(node, "constant folding is not done here; fold constants before export");
    }
    if (a.kind === "signal" && b.kind === "signal") {
      if (a.stage !== b.stage) throw unsupported(node, "combines values from different layers");
      if (op === "Mul") return { ...a, poly: polyMul(a.poly, b.poly) };
      if (op === "Add") return { ...a, poly: polyAdd(a.poly, b.poly) };
      if (op === "Sub") return { ...a, poly: polyAdd(a.poly, polyScale(b.poly, -1)) };
      throw unsupported(node, "division by an encrypted value");
    }
    const s = (a.kind === "signal" ? a : b) as Signal;
    const c = (a.kind === "const" ? a : b) as Constant;
    if ((op === "Add" || (op === "Sub" && s === a)) && c.data.length > 1) {
      return addBias(node, s, op === "Sub" ? { ...c, data: c.data.map((v) => -v) } : c);
    }
    const k = scalarOf(node, c);
    switch (op) {
      case "Mul":
        return { ...s, poly: polyScale(s.poly, k) };
      case "Add":
        return { ...s, poly: polyAdd(s.poly, [k]) };
      case "Sub":
        return s === a
          ? { ...s, poly: polyAdd(s.poly, [-k]) }
          : { ...s, poly: polyAdd(polyScale(s.poly, -1), [k]) };
      default:
        if (s !== a) throw unsupported(node, "division by an encrypted value");
        return { ...s, poly: polyScale(s.poly, 1 / k) };
    }
  }
}
