// Reverse-mode automatic differentiation as a graph transformation (Griewank & Walther,
// "Evaluating Derivatives", 2nd ed., ch. 3): the forward graph is kept, a loss is appended, and
// for every node between the sources and the logits, in reverse topological order, its gradient
// rule emits ONNX ops that map output gradients to input gradients; fan-out gradients are summed.

import { type LossKind, MlsecError } from "../../core/index.js";
import { GraphBuilder, MLSEC_IR_VERSION, MLSEC_OPSET, valueInfo } from "../builder.js";
import { indexGraph, topologicalNodes } from "../graph.js";
import {
  DataType,
  type Dim,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  onnxOpsetVersion,
  tensorTypeOf,
} from "../ir.js";
import { inferShapes, type ShapeInfo } from "../shape-inference.js";
import { Emitter } from "./emitter.js";
import { emitLoss } from "./losses.js";
import { upgradeGraphTo13 } from "./opset-upgrade.js";
import { GRADIENT_RULES, ZERO_GRADIENT_OPS } from "./registry.js";
import { type GradContext, type GradRuleEntry, unsupported } from "./rule.js";

export interface GradientModelOptions {
  readonly loss: LossKind;
  /** Differentiate w.r.t. the model input (white-box attacks, saliency). Default true. */
  readonly inputGradient?: boolean;
  /** Initializer names to differentiate w.r.t. (training); they become graph inputs. */
  readonly parameters?: readonly string[];
  /**
   * Intermediate values whose loss gradient is exposed too (DP-SGD's per-example gradients are
   * built from a layer's input and the gradient at its output). Each must lie on a gradient path.
   */
  readonly values?: readonly string[];
}

export interface GradientModel {
  readonly model: ModelProto;
  readonly inputName: string;
  readonly labelsName: string;
  readonly lossName: string;
  readonly logitsName: string;
  readonly inputGradientName?: string;
  readonly parameterGradientNames: ReadonlyMap<string, string>;
  /** Output names of the gradients of `values`, by value name. */
  readonly valueGradientNames: ReadonlyMap<string, string>;
}

/** The oldest opset whose op semantics (axes as inputs, single-axis Softmax) the rules assume. */
const MIN_OPSET = 13;
const FLOAT_TYPES: ReadonlySet<number> = new Set([
  DataType.FLOAT,
  DataType.DOUBLE,
  DataType.FLOAT16,
  DataType.BFLOAT16,
]);

function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === undefined || node.domain === "" || node.domain === "ai.onnx";
}

/** Nodes (in topological order) that the first output depends on. */
function neededNodes(graph: GraphProto, target: string): NodeProto[] {
  const order = topologicalNodes(graph);
  const producer = new Map<string, NodeProto>();
  for (const n of order) for (const o of n.output) producer.set(o, n);
  const needed = new Set<NodeProto>();
  const stack = [target];
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!);
    if (node === undefined || needed.has(node)) continue;
    needed.add(node);
    stack.push(...node.input.filter((v) => v !== ""));
  }
  return order.filter((n) => needed.has(n));
}

interface Analysis {
  /** Values that depend differentiably on a source. */
  readonly active: ReadonlySet<string>;
  /** Nodes on a gradient path that have no gradient rule. */
  readonly unsupportedNodes: readonly NodeProto[];
}

function carriesGradient(entry: GradRuleEntry | undefined, i: number): boolean {
  return (entry?.outputs ?? [0]).includes(i);
}

function analyse(
  nodes: readonly NodeProto[],
  sources: Iterable<string>,
  info: ShapeInfo,
): Analysis {
  const active = new Set(sources);
  const unsupportedNodes: NodeProto[] = [];
  for (const node of nodes) {
    const op = node.opType ?? "";
    if (!node.input.some((v) => v !== "" && active.has(v))) continue;
    if (isDefaultDomain(node) && ZERO_GRADIENT_OPS.has(op)) continue;
    const entry = isDefaultDomain(node) ? GRADIENT_RULES.get(op) : undefined;
    if (entry === undefined) {
      unsupportedNodes.push(node);
      // Keep going as if it were differentiable, to report every blocking node at once.
      for (const o of node.output) if (o !== "") active.add(o);
      continue;
    }
    const flows = node.input.some(
      (v, i) => v !== "" && active.has(v) && (entry.inputs === "all" || entry.inputs.includes(i)),
    );
    if (!flows) continue;
    node.output.forEach((o, i) => {
      const elem = info.types.get(o)?.elemType ?? DataType.FLOAT;
      if (o !== "" && carriesGradient(entry, i) && FLOAT_TYPES.has(elem)) active.add(o);
    });
  }
  return { active, unsupportedNodes };
}

function describeNode(node: NodeProto): { opType: string; node: string } {
  const op = node.opType ?? "";
  return { opType: isDefaultDomain(node) ? op : `${node.domain}.${op}`, node: node.name ?? "" };
}

/**
 * ReLU nodes whose only use is a rule that absorbs their mask (MaxPool), and those consumers.
 */
function foldedRelus(
  nodes: readonly NodeProto[],
  graph: GraphProto,
): { relus: ReadonlySet<NodeProto>; consumers: ReadonlySet<NodeProto> } {
  const uses = new Map<string, number>();
  for (const n of nodes) for (const v of n.input) uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const o of graph.output) uses.set(o.name ?? "", (uses.get(o.name ?? "") ?? 0) + 1);
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output) producer.set(o, n);
  const relus = new Set<NodeProto>();
  const consumers = new Set<NodeProto>();
  for (const n of nodes) {
    if (!isDefaultDomain(n) || !GRADIENT_RULES.get(n.opType ?? "")?.foldsRelu) continue;
    const relu = producer.get(n.input[0]);
    if (relu?.opType !== "Relu" || !isDefaultDomain(relu) || uses.get(n.input[0]) !== 1) continue;
    relus.add(relu);
    consumers.add(n);
  }
  return { relus, consumers };
}

function requireGraph(model: ModelProto): GraphProto {
  if (model.graph === undefined)
    throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no graph");
  return model.graph;
}

/** The model at opset >= 13 (opsets 11-12 lifted when every op allows it), or why not. */
function atOpset13(model: ModelProto): ModelProto | string {
  const opset = onnxOpsetVersion(model) ?? 0;
  if (opset >= MIN_OPSET) return model;
  const graph = opset >= 11 ? upgradeGraphTo13(requireGraph(model)) : null;
  if (graph === null) {
    return `the model imports ONNX opset ${opset}; autodiff needs opset >= ${MIN_OPSET} (re-export it, e.g. torch.onnx.export(..., opset_version=17))`;
  }
  const opsetImport = model.opsetImport.map((o) =>
    o.domain === undefined || o.domain === "" || o.domain === "ai.onnx"
      ? { ...o, version: MIN_OPSET }
      : o,
  );
  return { ...model, graph, opsetImport };
}

export interface DifferentiabilityOptions {
  /** Check the path from the data input (default true). */
  readonly inputGradient?: boolean;
  /** Initializers whose paths are checked too (default none). */
  readonly parameters?: readonly string[];
}

/**
 * Which ops of the model cannot be differentiated (empty = differentiable): by default w.r.t.
 * the data input, as white-box attacks need; pass `parameters` to check training paths too.
 */
export function unsupportedOps(
  original: ModelProto,
  options: DifferentiabilityOptions = {},
): { opType: string; node: string }[] {
  requireGraph(original);
  const model = atOpset13(original);
  if (typeof model === "string") {
    return [{ opType: `opset ${onnxOpsetVersion(original) ?? 0}`, node: "" }];
  }
  const graph = requireGraph(model);
  const index = indexGraph(graph);
  const logits = graph.output[0]?.name ?? "";
  const sources = [
    ...((options.inputGradient ?? true) ? index.feedInputs.slice(0, 1) : []),
    ...(options.parameters ?? []),
  ];
  return analyse(neededNodes(graph, logits), sources, inferShapes(graph)).unsupportedNodes.map(
    describeNode,
  );
}

export function buildGradientModel(
  original: ModelProto,
  options: GradientModelOptions,
): GradientModel {
  requireGraph(original);
  const model = atOpset13(original);
  if (typeof model === "string") throw new MlsecError("E_UNSUPPORTED_OP", model);
  const graph = requireGraph(model);
  const index = indexGraph(graph);
  const inputName = index.feedInputs[0];
  const logits = graph.output[0]?.name;
  if (inputName === undefined || logits === undefined) {
    throw new MlsecError("E_ONNX_INVALID_GRAPH", "a classifier needs a data input and an output");
  }
  const parameters = [...new Set(options.parameters ?? [])];
  for (const p of parameters) {
    const t = index.initializers.get(p);
    if (t === undefined || !FLOAT_TYPES.has(t.dataType ?? 0)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `parameter "${p}" is not a float initializer of the model`,
      );
    }
  }
  const wantInput = options.inputGradient ?? true;
  const info = inferShapes(graph);
  const nodes = neededNodes(graph, logits);
  const sources = [...(wantInput ? [inputName] : []), ...parameters];
  const { active, unsupportedNodes } = analyse(nodes, sources, info);
  if (unsupportedNodes.length > 0) {
    const others = unsupportedNodes.slice(1).map((n) => `${n.opType} at "${n.name ?? ""}"`);
    throw unsupported(
      unsupportedNodes[0],
      `no gradient rule for this op${others.length > 0 ? ` (also: ${others.join(", ")})` : ""}`,
    );
  }
  const logitsType = info.types.get(logits);
  if (
    logitsType !== undefined &&
    (!FLOAT_TYPES.has(logitsType.elemType) || (logitsType.shape?.length ?? 2) !== 2)
  ) {
    throw new MlsecError(
      "E_UNSUPPORTED_OP",
      `the first output "${logits}" must be float logits [N, classes] for a loss`,
      { details: { output: logits } },
    );
  }

  // Forward nodes, with extra outputs where a rule needs them (MaxPool indices).
  const taken = new Set<string>([
    ...index.producer.keys(),
    ...index.initializers.keys(),
    ...graph.input.map((v) => v.name ?? ""),
  ]);
  const unique = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const forward = nodes.map((n) => {
    const entry = active.has(n.output[0]) ? GRADIENT_RULES.get(n.opType ?? "") : undefined;
    const want = entry?.forwardOutputs?.(n, info) ?? 0;
    if (n.output.length >= want) return n;
    const extra = Array.from({ length: want - n.output.length }, (_, i) =>
      unique(`${n.output[0]}__out${n.output.length + i}`),
    );
    return { ...n, output: [...n.output, ...extra] };
  });

  const b = new GraphBuilder({ ...graph, node: forward, valueInfo: [] });
  const opset = Math.max(onnxOpsetVersion(model) ?? MLSEC_OPSET, MLSEC_OPSET);
  const e = new Emitter(b, info, opset);
  const batch: Dim = info.types.get(logits)?.shape?.[0] ?? "batch";
  const labelsName = b.addInput(unique("labels"), DataType.INT64, [batch]);
  const lossGraph = emitLoss(e, options.loss, logits, labelsName);

  const contributions = new Map<string, string[]>();
  const totals = new Map<string, string>();
  const push = (name: string, grad: string) => {
    const list = contributions.get(name);
    if (list === undefined) contributions.set(name, [grad]);
    else list.push(grad);
  };
  const total = (name: string): string | undefined => {
    const cached = totals.get(name);
    if (cached !== undefined) return cached;
    const list = contributions.get(name);
    if (list === undefined) return undefined;
    const sum = list.length === 1 ? list[0] : e.op("Sum", list);
    totals.set(name, sum);
    return sum;
  };
  push(logits, lossGraph.dLogits);

  const folded = foldedRelus(forward, graph);
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    const entry = GRADIENT_RULES.get(node.opType ?? "");
    if (entry === undefined || !node.output.some((o) => active.has(o))) continue;
    const dy = node.output.map((o, i) =>
      carriesGradient(entry, i) && active.has(o) ? total(o) : undefined,
    );
    if (dy[0] === undefined) continue;
    if (folded.relus.has(node)) {
      // Its consumer already applied the mask.
      if (active.has(node.input[0])) push(node.input[0], dy[0]);
      continue;
    }
    const needs = (i: number) => {
      const v = node.input[i];
      return (
        v !== undefined &&
        v !== "" &&
        active.has(v) &&
        (entry.inputs === "all" || entry.inputs.includes(i))
      );
    };
    const ctx: GradContext = {
      e,
      node,
      dy,
      needs,
      reluFolded: folded.consumers.has(node),
      fail: (reason) => {
        throw unsupported(node, reason);
      },
    };
    let grads: readonly (string | undefined)[];
    try {
      grads = entry.rule(ctx);
    } catch (error) {
      // Name the node in errors raised by shared helpers (unknown rank, ...).
      if (error instanceof MlsecError && error.details.node === undefined) {
        throw unsupported(node, error.message);
      }
      throw error;
    }
    grads.forEach((g, i) => {
      if (g !== undefined && needs(i)) push(node.input[i], g);
    });
  }

  const gradientOf = (source: string): string =>
    total(source) ?? e.op("Expand", [e.scalar(0, source), e.shapeOf(source)]);
  const outputs = [];
  const lossName = unique("loss");
  b.add("Identity", [lossGraph.loss], {}, { outputs: [lossName] });
  const logitsInfo = graph.output[0];
  const elem = e.elemType(logits);
  outputs.push(valueInfo(lossName, elem, [batch]), logitsInfo);
  let inputGradientName: string | undefined;
  if (wantInput) {
    inputGradientName = unique("input_gradient");
    b.add("Identity", [gradientOf(inputName)], {}, { outputs: [inputGradientName] });
    const t = tensorTypeOf(graph.input.find((v) => v.name === inputName)!);
    outputs.push(valueInfo(inputGradientName, t?.elemType ?? elem, t?.shape ?? null));
  }
  const parameterGradientNames = new Map<string, string>();
  const params = b.takeInitializers(new Set(parameters));
  for (const t of params) {
    const p = t.name ?? "";
    if (!graph.input.some((v) => v.name === p)) b.addInput(p, t.dataType ?? DataType.FLOAT, t.dims);
    const name = unique(`${p}_grad`);
    b.add("Identity", [gradientOf(p)], {}, { outputs: [name] });
    outputs.push(valueInfo(name, t.dataType ?? DataType.FLOAT, t.dims));
    parameterGradientNames.set(p, name);
  }
  const valueGradientNames = new Map<string, string>();
  for (const v of new Set(options.values ?? [])) {
    const grad = total(v);
    if (grad === undefined) {
      throw new MlsecError("E_INVALID_ARGUMENT", `value "${v}" is not on a gradient path`);
    }
    const name = unique(`${v}_grad`);
    b.add("Identity", [grad], {}, { outputs: [name] });
    const t = info.types.get(v);
    outputs.push(valueInfo(name, t?.elemType ?? elem, t?.shape ?? null));
    valueGradientNames.set(v, name);
  }
  b.setOutputs(outputs);

  const opsetImport = model.opsetImport.map((o) =>
    o.domain === undefined || o.domain === "" || o.domain === "ai.onnx"
      ? { ...o, version: opset }
      : o,
  );
  return {
    model: {
      ...model,
      irVersion: Math.max(model.irVersion ?? 0, MLSEC_IR_VERSION),
      opsetImport,
      graph: b.build(),
    },
    inputName,
    labelsName,
    lossName,
    logitsName: logits,
    ...(inputGradientName === undefined ? {} : { inputGradientName }),
    parameterGradientNames,
    valueGradientNames,
  };
}
