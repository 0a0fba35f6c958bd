// Trainable parameters of an ONNX model: read from its initializers, fed as graph inputs while
// training, and written back as initializers so the saved file is an ordinary ONNX model.

import { MlsecError } from "../../core/index.js";
import { GraphBuilder } from "../builder.js";
import { DataType, type ModelProto } from "../ir.js";
import { floatTensor, tensorToFloat32 } from "../tensor-data.js";
import type { Parameter } from "./optimizer.js";

/**
 * Names of the float initializers a trainer should update: all of them except the running
 * mean and variance of BatchNormalization (statistics, not parameters) and Clip's bounds.
 */
export function trainableParameterNames(model: ModelProto): string[] {
  const graph = requireGraph(model);
  const frozen = new Set<string>();
  for (const node of graph.node) {
    if (node.opType === "BatchNormalization") {
      for (const name of node.input.slice(3)) frozen.add(name);
    } else if (node.opType === "Clip") {
      for (const name of node.input.slice(1)) frozen.add(name);
    }
  }
  return graph.initializer
    .filter((t) => t.dataType === DataType.FLOAT && !frozen.has(t.name ?? ""))
    .map((t) => t.name ?? "");
}

/** Copies of the named initializers' values (E_TRAINING if a name is not a float initializer). */
export function readParameters(
  model: ModelProto,
  names: readonly string[],
): Map<string, Parameter> {
  const graph = requireGraph(model);
  const byName = new Map(graph.initializer.map((t) => [t.name ?? "", t]));
  const params = new Map<string, Parameter>();
  for (const name of names) {
    const t = byName.get(name);
    if (t === undefined || t.dataType !== DataType.FLOAT) {
      throw new MlsecError(
        "E_TRAINING",
        `"${name}" is not a float32 initializer of the model, so it cannot be trained`,
        { details: { parameter: name } },
      );
    }
    params.set(name, { dims: [...t.dims], data: Float32Array.from(tensorToFloat32(t)) });
  }
  return params;
}

/** A deep-enough copy of the model whose initializers hold the given parameter values. */
export function writeParameters(
  model: ModelProto,
  params: ReadonlyMap<string, Parameter>,
): ModelProto {
  const graph = requireGraph(model);
  return {
    ...model,
    graph: {
      ...graph,
      initializer: graph.initializer.map((t) => {
        const p = params.get(t.name ?? "");
        return p === undefined ? t : floatTensor(t.name ?? "", p.dims, p.data.slice());
      }),
    },
  };
}

/** The model with the named initializers turned into graph inputs (to feed weights per run). */
export function parametersAsInputs(model: ModelProto, names: readonly string[]): ModelProto {
  const graph = requireGraph(model);
  const builder = new GraphBuilder(graph);
  const taken = builder.takeInitializers(new Set(names));
  const declared = new Set(graph.input.map((v) => v.name ?? ""));
  for (const t of taken) {
    // Models with IR < 4 also list initializers among the inputs; keep one declaration.
    if (!declared.has(t.name ?? "")) builder.addInput(t.name ?? "", DataType.FLOAT, t.dims);
  }
  return { ...model, graph: builder.build() };
}

export function copyParameters(params: ReadonlyMap<string, Parameter>): Map<string, Parameter> {
  return new Map([...params].map(([k, p]) => [k, { dims: p.dims, data: p.data.slice() }]));
}

function requireGraph(model: ModelProto) {
  if (model.graph === undefined) {
    throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no graph");
  }
  return model.graph;
}
