// A summary of a model for `mlsec model info`: signature, opset, parameters, op histogram.

import { indexGraph, opHistogram } from "./graph.js";
import { type Dim, dataTypeName, type ModelProto, onnxOpsetVersion, tensorTypeOf } from "./ir.js";

export interface ValueSummary {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly Dim[] | null;
}

export interface ModelSummary {
  readonly irVersion: number;
  readonly opset: number | null;
  readonly producer: string;
  readonly inputs: readonly ValueSummary[];
  readonly outputs: readonly ValueSummary[];
  readonly parameterCount: number;
  readonly initializerCount: number;
  readonly nodeCount: number;
  readonly opHistogram: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, string>>;
}

export function describeModel(model: ModelProto): ModelSummary {
  const graph = model.graph!;
  const { feedInputs } = indexGraph(graph);
  const summarize = (name: string): ValueSummary => {
    const info = [...graph.input, ...graph.output].find((v) => v.name === name);
    const t = info === undefined ? null : tensorTypeOf(info);
    return {
      name,
      dtype: t === null ? "non-tensor" : dataTypeName(t.elemType),
      shape: t?.shape ?? null,
    };
  };
  let parameterCount = 0;
  for (const t of graph.initializer) parameterCount += t.dims.reduce((a, b) => a * b, 1);
  const histogram = opHistogram(graph);
  return {
    irVersion: model.irVersion ?? 0,
    opset: onnxOpsetVersion(model) ?? null,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" "),
    inputs: feedInputs.map(summarize),
    outputs: graph.output.map((o) => summarize(o.name ?? "")),
    parameterCount,
    initializerCount: graph.initializer.length,
    nodeCount: Object.values(histogram).reduce((a, b) => a + b, 0),
    opHistogram: Object.fromEntries(
      Object.entries(histogram).sort(([a], [b]) => a.localeCompare(b)),
    ),
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? "", p.value ?? ""])),
  };
}
