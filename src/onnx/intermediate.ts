// Intermediate activations of an ONNX classifier: the same graph with chosen inner values added
// as extra outputs (ONNX IR: any node output may be a graph output), run in one onnxruntime
// session that returns the logits and the activations with their own shapes [N, ...].

import { MlsecError, sliceBatch, type Tensor } from "../core/index.js";
import { valueInfo } from "./builder.js";
import { classifierSignature } from "./classifier.js";
import { indexGraph } from "./graph.js";
import { DataType, type ModelProto } from "./ir.js";
import { feed, floatOutput, OrtSession, type SessionOptions } from "./session.js";

/** Ops that form a linear classification head: the penultimate layer is their data input. */
const HEAD_OPS = new Set(["Gemm", "MatMul"]);
/** Ops between the head and the logits output that change nothing about the features. */
const PASS_THROUGH_OPS = new Set(["Identity", "Add", "Reshape", "Flatten", "Squeeze"]);

/** Values a caller may ask for: every float node output of the graph, in node order. */
export function layerNames(model: ModelProto): string[] {
  const graph = model.graph!;
  return graph.node.flatMap((n) => n.output.filter((o) => o !== ""));
}

/**
 * The input of the last linear layer (Gemm or MatMul) before the logits output: the
 * penultimate-layer features that Mahalanobis, LID and kernel-density detectors use.
 */
export function penultimateLayer(model: ModelProto): string {
  const graph = model.graph!;
  const { producer, initializers } = indexGraph(graph);
  let value = classifierSignature(model).outputName;
  for (let hops = 0; hops < graph.node.length; hops++) {
    const at = producer.get(value);
    if (at === undefined) break;
    const node = graph.node[at];
    const dataInputs = node.input.filter((i) => i !== "" && !initializers.has(i));
    if (HEAD_OPS.has(node.opType ?? "") && dataInputs.length === 1) return dataInputs[0];
    if (!PASS_THROUGH_OPS.has(node.opType ?? "") || dataInputs.length !== 1) break;
    value = dataInputs[0];
  }
  throw new MlsecError(
    "E_ONNX_INVALID_GRAPH",
    "cannot find the penultimate layer: the logits do not come from a Gemm or MatMul with constant weights",
    { hint: "Name the layer to use with --layer (see the node outputs in `mlsec model info`)." },
  );
}

/** A copy of the model whose graph also outputs the given inner values (as float tensors). */
export function withExtraOutputs(model: ModelProto, names: readonly string[]): ModelProto {
  const graph = model.graph!;
  const known = new Set(layerNames(model));
  const outputs = new Set(graph.output.map((o) => o.name ?? ""));
  for (const name of names) {
    if (!known.has(name)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `the model has no node output named "${name}"`, {
        hint: "Pick a node output of the graph (see `mlsec model info`), or leave the layer unset for the penultimate one.",
      });
    }
  }
  const extra = names.filter((n) => !outputs.has(n));
  return {
    ...model,
    graph: {
      ...graph,
      output: [...graph.output, ...extra.map((n) => valueInfo(n, DataType.FLOAT, null))],
    },
  };
}

export interface Activations {
  /** The classifier's logits, [N, C]. */
  readonly logits: Tensor;
  /** One tensor [N, ...] per requested layer, in the order asked for. */
  readonly layers: readonly Tensor[];
}

/** Runs a classifier and returns its logits with chosen inner activations, in batches. */
export class ActivationExtractor {
  private constructor(
    private readonly session: OrtSession,
    private readonly inputName: string,
    private readonly logitsName: string,
    readonly layers: readonly string[],
    readonly inputShape: readonly number[],
    private readonly batchSize: number,
  ) {}

  static async create(
    model: ModelProto,
    layers: readonly string[],
    options: SessionOptions & { batchSize?: number } = {},
  ): Promise<ActivationExtractor> {
    const signature = classifierSignature(model);
    const session = await OrtSession.create(withExtraOutputs(model, layers), options);
    return new ActivationExtractor(
      session,
      signature.inputName,
      signature.outputName,
      [...layers],
      signature.inputShape,
      options.batchSize ?? 256,
    );
  }

  async run(x: Tensor): Promise<Activations> {
    const expected = [x.shape[0], ...this.inputShape];
    if (x.shape.length !== expected.length || x.shape.some((d, i) => d !== expected[i])) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `input has shape [${x.shape}], the model expects [N, ${this.inputShape.join(", ")}]`,
      );
    }
    const n = x.shape[0];
    const names = [this.logitsName, ...this.layers];
    const chunks: Float32Array[][] = names.map(() => []);
    const dims: (readonly number[])[] = names.map(() => []);
    for (let start = 0; start < n; start += this.batchSize) {
      const batch = sliceBatch(x, start, start + this.batchSize);
      const results = await this.session.run(
        { [this.inputName]: feed.float32(batch.data, batch.shape) },
        names,
      );
      names.forEach((name, k) => {
        const out = floatOutput(results, name);
        dims[k] = out.dims.slice(1);
        chunks[k].push(out.data);
      });
    }
    const [logits, ...layers] = chunks.map((parts, k) => {
      const data = new Float32Array(n * dims[k].reduce((a, b) => a * b, 1));
      let offset = 0;
      for (const part of parts) {
        data.set(part, offset);
        offset += part.length;
      }
      return { shape: [n, ...dims[k]], data };
    });
    return { logits, layers };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
