// Structural checks and indexes over a GraphProto: producers, consumers, topological order.

import { MlsecError } from "../core/index.js";
import type { GraphProto, NodeProto, TensorProto } from "./ir.js";

export interface GraphIndex {
  /** Value name -> index of the node producing it. */
  readonly producer: ReadonlyMap<string, number>;
  /** Value name -> indexes of nodes consuming it. */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  readonly initializers: ReadonlyMap<string, TensorProto>;
  /** Graph inputs that are not initializers: what a caller must feed. */
  readonly feedInputs: readonly string[];
}

export function nodeLabel(node: NodeProto, index: number): string {
  return node.name ? `"${node.name}" (${node.opType})` : `#${index} (${node.opType})`;
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  graph.node.forEach((node, i) => {
    for (const out of node.output) {
      if (out === "") continue;
      if (producer.has(out)) {
        throw new MlsecError(
          "E_ONNX_INVALID_GRAPH",
          `value "${out}" is produced twice (by node ${nodeLabel(graph.node[producer.get(out)!], producer.get(out)!)} and ${nodeLabel(node, i)})`,
        );
      }
      producer.set(out, i);
    }
    for (const input of node.input) {
      if (input === "") continue;
      const list = consumers.get(input);
      if (list === undefined) consumers.set(input, [i]);
      else list.push(i);
    }
  });
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer) initializers.set(t.name ?? "", t);
  const feedInputs = graph.input.map((v) => v.name ?? "").filter((name) => !initializers.has(name));
  return { producer, consumers, initializers, feedInputs };
}

/**
 * Checks that every node input is defined (graph input, initializer or an earlier node's output),
 * and returns the nodes in a topological order. Cycles and undefined values are
 * E_ONNX_INVALID_GRAPH. `outerScope` lists names visible from an enclosing graph.
 */
export function topologicalNodes(
  graph: GraphProto,
  outerScope: ReadonlySet<string> = new Set(),
): NodeProto[] {
  const index = indexGraph(graph);
  const available = new Set<string>(outerScope);
  for (const v of graph.input) available.add(v.name ?? "");
  for (const name of index.initializers.keys()) available.add(name);
  for (const [i, node] of graph.node.entries()) {
    for (const input of node.input) {
      if (input !== "" && !available.has(input) && !index.producer.has(input)) {
        throw new MlsecError(
          "E_ONNX_INVALID_GRAPH",
          `node ${nodeLabel(node, i)} reads "${input}", which no node, input or initializer defines (a missing initializer?)`,
          { details: { node: node.name, value: input } },
        );
      }
    }
  }
  // Kahn's algorithm, keeping the file's order among ready nodes.
  const pending = graph.node.map(
    (node) =>
      node.input.filter((v) => v !== "" && !available.has(v) && index.producer.has(v)).length,
  );
  const ready: number[] = [];
  pending.forEach((count, i) => {
    if (count === 0) ready.push(i);
  });
  const order: NodeProto[] = [];
  const done = new Set<string>();
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    const node = graph.node[i];
    order.push(node);
    for (const out of node.output) {
      if (out === "" || done.has(out)) continue;
      done.add(out);
      for (const c of index.consumers.get(out) ?? []) {
        // A node may read the same value twice; count each occurrence.
        const uses = graph.node[c].input.filter((v) => v === out).length;
        pending[c] -= uses;
        if (pending[c] === 0) ready.push(c);
      }
    }
  }
  if (order.length !== graph.node.length) {
    const stuck = graph.node.findIndex((_, i) => pending[i] > 0);
    throw new MlsecError(
      "E_ONNX_INVALID_GRAPH",
      `the graph has a cycle (node ${nodeLabel(graph.node[stuck], stuck)} depends on its own output)`,
    );
  }
  for (const out of graph.output) {
    const name = out.name ?? "";
    if (!available.has(name) && !index.producer.has(name)) {
      throw new MlsecError("E_ONNX_INVALID_GRAPH", `graph output "${name}" is never produced`);
    }
  }
  return order;
}

/** The histogram of op types (domain-qualified for non-ONNX domains), including subgraphs. */
export function opHistogram(graph: GraphProto): Record<string, number> {
  const counts: Record<string, number> = {};
  const visit = (g: GraphProto) => {
    for (const node of g.node) {
      const key =
        node.domain && node.domain !== "ai.onnx"
          ? `${node.domain}.${node.opType}`
          : (node.opType ?? "");
      counts[key] = (counts[key] ?? 0) + 1;
      for (const a of node.attribute) {
        if (a.g) visit(a.g);
        for (const sub of a.graphs) visit(sub);
      }
    }
  };
  visit(graph);
  return counts;
}
