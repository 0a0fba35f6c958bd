// Per-example gradient clipping inside one ONNX graph, for DP-SGD (Abadi et al. 2016, "Deep
// Learning with Differential Privacy", Alg. 1). The autodiff graph exposes, for every trainable
// layer, the gradient dL/dY at its output; since the loss is a sum over examples, row n of dY is
// example n's own gradient. From it and the layer input X:
// - Gemm: example n's weight gradient is the outer product dY_n X_n^T, whose Frobenius norm is
//   |dY_n| |X_n| (Goodfellow 2015, "Efficient per-example gradient computations"), and the clipped
//   sum sum_n c_n dY_n X_n^T is one matrix product (c ⊙ dY)^T X.
// - Conv: X is unfolded (im2col) by a depthwise Conv with a one-hot kernel, and example n's kernel
//   gradient is dY_n U_n^T, a batched MatMul (the unfold method of Opacus; Yousefpour et al.
//   2021, "Opacus: user-friendly differential privacy library in PyTorch").
// Per-example norms over all parameters give the clip factors c_n = min(1, C / (|g_n| + 1e-6)).

import { MlsecError } from "../../core/index.js";
import {
  A,
  type Attr,
  attrFloat,
  attrInt,
  attrInts,
  attrString,
  buildGradientModel,
  DataType,
  GraphBuilder,
  type GraphProto,
  hasAttr,
  type ModelProto,
  type NodeProto,
  valueInfo,
} from "../../onnx/index.js";

/** Trainable layers whose per-example gradients the graph computes. */
interface GemmLayer {
  readonly kind: "gemm";
  readonly node: NodeProto;
  readonly weight?: string;
  readonly bias?: string;
}
interface ConvLayer {
  readonly kind: "conv";
  readonly node: NodeProto;
  readonly weight?: string;
  readonly bias?: string;
}
type Layer = GemmLayer | ConvLayer;

export interface ClippedGradientModel {
  readonly model: ModelProto;
  readonly inputName: string;
  readonly labelsName: string;
  /** Scalar float input: the clipping norm C. */
  readonly clipName: string;
  /** Per-example losses [N] and logits [N, classes]. */
  readonly lossName: string;
  readonly logitsName: string;
  /** Per-example gradient norms before clipping [N]. */
  readonly normsName: string;
  /** Sum over the batch of the clipped per-example gradients, by parameter name. */
  readonly clippedSumNames: ReadonlyMap<string, string>;
}

/** Why a model's parameters cannot all be handled in-graph (undefined when they can). */
export type LayerPlan = { readonly layers: readonly Layer[] } | { readonly reason: string };

function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === undefined || node.domain === "" || node.domain === "ai.onnx";
}

/** Maps each trainable parameter to the one Gemm or Conv layer that uses it, or says why not. */
export function planLayers(model: ModelProto, parameters: readonly string[]): LayerPlan {
  const graph = model.graph;
  if (graph === undefined) throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no graph");
  const uses = new Map<string, { node: NodeProto; slot: number }[]>();
  for (const node of graph.node) {
    node.input.forEach((v, slot) => {
      if (v === "") return;
      const list = uses.get(v) ?? [];
      list.push({ node, slot });
      uses.set(v, list);
    });
  }
  const byNode = new Map<NodeProto, { weight?: string; bias?: string }>();
  for (const p of parameters) {
    const u = uses.get(p) ?? [];
    if (u.length !== 1) {
      return { reason: `parameter "${p}" is used by ${u.length} nodes (in-graph needs exactly 1)` };
    }
    const { node, slot } = u[0];
    const op = node.opType ?? "";
    if (!isDefaultDomain(node) || (op !== "Gemm" && op !== "Conv") || slot === 0) {
      return {
        reason: `parameter "${p}" feeds ${op} input ${slot}, not a Gemm/Conv weight or bias`,
      };
    }
    if (op === "Gemm" && attrInt(node, "transA", 0) !== 0) {
      return { reason: `Gemm "${node.name ?? ""}" has transA=1` };
    }
    if (op === "Conv" && attrInt(node, "group", 1) !== 1) {
      return { reason: `Conv "${node.name ?? ""}" is grouped` };
    }
    const entry = byNode.get(node) ?? {};
    byNode.set(node, slot === 1 ? { ...entry, weight: p } : { ...entry, bias: p });
  }
  const dims = new Map(graph.initializer.map((t) => [t.name ?? "", t.dims]));
  const layers: Layer[] = [];
  for (const [node, { weight, bias }] of byNode) {
    const kind = node.opType === "Gemm" ? "gemm" : "conv";
    const w = dims.get(node.input[1]);
    if (w === undefined || (kind === "conv" && w.length < 3)) {
      return { reason: `${node.opType} "${node.name ?? ""}" has no static weight` };
    }
    if (bias !== undefined) {
      const outputs = kind === "gemm" ? gemmOutputs(node, w) : w[0];
      const size = (dims.get(bias) ?? []).reduce((a, b) => a * b, 1);
      if (size !== outputs) {
        return { reason: `bias "${bias}" is broadcast over outputs (${size} vs ${outputs})` };
      }
    }
    layers.push({ kind, node, weight, bias });
  }
  return { layers };
}

function gemmOutputs(node: NodeProto, w: readonly number[]): number {
  return attrInt(node, "transB", 0) === 1 ? w[0] : w[1];
}

/**
 * The cross-entropy gradient model of `model` extended with per-example clipping: given a batch
 * and C it returns each parameter's sum of clipped per-example gradients and the norms.
 */
export function buildClippedGradientModel(
  model: ModelProto,
  parameters: readonly string[],
): ClippedGradientModel {
  const plan = planLayers(model, parameters);
  if ("reason" in plan) throw new MlsecError("E_UNSUPPORTED_OP", plan.reason);
  const outputsOf = plan.layers.map((l) => l.node.output[0]);
  const grad = buildGradientModel(model, {
    loss: "cross-entropy",
    inputGradient: false,
    parameters,
    values: outputsOf,
  });
  const base = grad.model.graph!;
  const b = new GraphBuilder(base);
  const dims = new Map(model.graph!.initializer.map((t) => [t.name ?? "", t.dims]));
  const ints = (v: readonly number[]) => b.int64Constant(v);
  const sq = (x: string) => b.op("Mul", [x, x]);
  const sumAxes = (x: string, axes: readonly number[], keep: boolean) =>
    b.op("ReduceSum", [x, ints(axes)], { keepdims: A.int(keep ? 1 : 0) });

  const clipName = b.addInput(b.fresh("clip_norm"), DataType.FLOAT, []);
  const norm2: string[] = [];
  // Per layer: closures that build the clipped sums once the clip factors exist.
  const finish: ((c: string) => [string, string][])[] = [];
  for (const layer of plan.layers) {
    const { node, weight, bias } = layer;
    const x = node.input[0];
    const dy = grad.valueGradientNames.get(node.output[0])!;
    if (layer.kind === "gemm") {
      const alpha = attrFloat(node, "alpha", 1);
      const beta = attrFloat(node, "beta", 1);
      const dy2 = sumAxes(sq(dy), [1], false);
      if (weight !== undefined) {
        const x2 = sumAxes(sq(x), [1], false);
        norm2.push(b.op("Mul", [b.op("Mul", [x2, dy2]), b.scalar(alpha * alpha)]));
      }
      if (bias !== undefined) norm2.push(b.op("Mul", [dy2, b.scalar(beta * beta)]));
      finish.push((c) => {
        const cdy = b.op("Mul", [dy, b.op("Unsqueeze", [c, ints([1])])]);
        const out: [string, string][] = [];
        if (weight !== undefined) {
          const transB = attrInt(node, "transB", 0) === 1;
          const attrs = { transA: A.int(1), alpha: A.float(alpha) };
          out.push([weight, b.op("Gemm", transB ? [cdy, x] : [x, cdy], attrs)]);
        }
        if (bias !== undefined) {
          const summed = b.op("Mul", [sumAxes(cdy, [0], false), b.scalar(beta)]);
          out.push([bias, b.op("Reshape", [summed, ints(dims.get(bias)!)])]);
        }
        return out;
      });
    } else {
      const w = dims.get(node.input[1])!;
      const [cout, cin] = w;
      const kernel = w.slice(2);
      const spatial = kernel.length;
      const spatialAxes = Array.from({ length: spatial }, (_, i) => i + 2);
      const perExampleBias = bias === undefined ? undefined : sumAxes(dy, spatialAxes, false);
      if (perExampleBias !== undefined) norm2.push(sumAxes(sq(perExampleBias), [1], false));
      let perExampleKernel: string | undefined;
      if (weight !== undefined) {
        const unfolded = b.op("Conv", [x, unfoldKernel(b, cin, kernel)], {
          ...copyWindow(node),
          kernel_shape: A.ints(kernel),
          group: A.int(cin),
        });
        const patches = cin * kernel.reduce((a, k) => a * k, 1);
        const u = b.op("Reshape", [unfolded, ints([0, patches, -1])]);
        const d = b.op("Reshape", [dy, ints([0, cout, -1])]);
        perExampleKernel = b.op("MatMul", [d, b.op("Transpose", [u], { perm: A.ints([0, 2, 1]) })]);
        norm2.push(sumAxes(sq(perExampleKernel), [1, 2], false));
      }
      finish.push((c) => {
        const out: [string, string][] = [];
        if (weight !== undefined && perExampleKernel !== undefined) {
          const scaled = b.op("Mul", [perExampleKernel, b.op("Unsqueeze", [c, ints([1, 2])])]);
          out.push([weight, b.op("Reshape", [sumAxes(scaled, [0], false), ints(w)])]);
        }
        if (bias !== undefined && perExampleBias !== undefined) {
          const scaled = b.op("Mul", [perExampleBias, b.op("Unsqueeze", [c, ints([1])])]);
          out.push([bias, b.op("Reshape", [sumAxes(scaled, [0], false), ints(dims.get(bias)!)])]);
        }
        return out;
      });
    }
  }
  const total = norm2.length === 1 ? norm2[0] : b.op("Sum", norm2);
  const norms = b.op("Sqrt", [total]);
  const factor = b.op("Min", [
    b.op("Div", [clipName, b.op("Add", [norms, b.scalar(1e-6)])]),
    b.scalar(1),
  ]);
  const clippedSumNames = new Map<string, string>();
  const outputs = [...base.output.slice(0, 2)];
  const normsName = b.fresh("per_example_norms");
  b.add("Identity", [norms], {}, { outputs: [normsName] });
  outputs.push(valueInfo(normsName, DataType.FLOAT, ["batch"]));
  for (const build of finish) {
    for (const [param, sum] of build(factor)) {
      const name = b.fresh(`${param}_clipped_sum`);
      b.add("Identity", [sum], {}, { outputs: [name] });
      outputs.push(valueInfo(name, DataType.FLOAT, dims.get(param)!));
      clippedSumNames.set(param, name);
    }
  }
  b.setOutputs(outputs);
  return {
    model: { ...grad.model, graph: pruneDeadNodes(b.build()) },
    inputName: grad.inputName,
    labelsName: grad.labelsName,
    clipName,
    lossName: grad.lossName,
    logitsName: grad.logitsName,
    normsName,
    clippedSumNames,
  };
}

/** The one-hot kernel [Cin*prod(K), 1, ...K] whose depthwise Conv is im2col. */
function unfoldKernel(b: GraphBuilder, cin: number, kernel: readonly number[]): string {
  const k = kernel.reduce((a, v) => a * v, 1);
  const values = new Float32Array(cin * k * k);
  for (let c = 0; c < cin; c++) for (let i = 0; i < k; i++) values[(c * k + i) * k + i] = 1;
  return b.floatConstant(values, [cin * k, 1, ...kernel], "unfold_kernel");
}

function copyWindow(node: NodeProto): Record<string, Attr> {
  const attrs: Record<string, Attr> = {};
  for (const name of ["strides", "dilations", "pads"]) {
    const v = attrInts(node, name);
    if (v !== undefined) attrs[name] = A.ints(v);
  }
  if (hasAttr(node, "auto_pad")) attrs.auto_pad = A.string(attrString(node, "auto_pad", "NOTSET"));
  return attrs;
}

/** Drops nodes no graph output depends on (the unclipped parameter gradients). */
function pruneDeadNodes(graph: GraphProto): GraphProto {
  const needed = new Set(graph.output.map((o) => o.name ?? ""));
  const kept: NodeProto[] = [];
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i];
    if (!node.output.some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const v of node.input) needed.add(v);
  }
  kept.reverse();
  return {
    ...graph,
    node: kept,
    initializer: graph.initializer.filter((t) => needed.has(t.name ?? "")),
    input: graph.input.filter((v) => needed.has(v.name ?? "")),
  };
}
