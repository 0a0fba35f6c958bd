// Building ONNX graphs: unique names, typed attributes, constants, inputs and outputs.

import { MlsecError } from "../core/index.js";
import { type Attr, toAttributeProto } from "./attributes.js";
import {
  DataType,
  type Dim,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "./ir.js";
import { floatTensor, int64Tensor } from "./tensor-data.js";

/** The ONNX opset mlsec writes (onnxruntime 1.x runs it; PyTorch exports 13–17). */
export const MLSEC_OPSET = 17;
export const MLSEC_IR_VERSION = 8;

export function valueInfo(
  name: string,
  elemType: number,
  shape: readonly Dim[] | null,
): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        ...(shape === null
          ? {}
          : {
              shape: {
                dim: shape.map((d) =>
                  typeof d === "number" ? { dimValue: d } : d === null ? {} : { dimParam: d },
                ),
              },
            }),
      },
    },
  };
}

export interface NodeOptions {
  /** Number of outputs (default 1) or their exact names. */
  readonly outputs?: number | readonly string[];
  readonly name?: string;
  readonly domain?: string;
}

export class GraphBuilder {
  private readonly nodes: NodeProto[];
  private readonly initializers: TensorProto[];
  private readonly inputs: ValueInfoProto[];
  private readonly outputs: ValueInfoProto[];
  private readonly valueInfos: ValueInfoProto[];
  private readonly used = new Set<string>();
  private counter = 0;
  readonly name: string;

  /** Starts empty, or from a copy of `base` (its nodes, initializers, inputs and outputs). */
  constructor(base?: GraphProto, name = base?.name ?? "graph") {
    this.name = name;
    this.nodes = base ? base.node.map((n) => ({ ...n })) : [];
    this.initializers = base ? [...base.initializer] : [];
    this.inputs = base ? [...base.input] : [];
    this.outputs = base ? [...base.output] : [];
    this.valueInfos = base ? [...base.valueInfo] : [];
    for (const n of this.nodes) {
      if (n.name) this.used.add(n.name);
      for (const v of [...n.input, ...n.output]) this.used.add(v);
    }
    for (const t of this.initializers) this.used.add(t.name ?? "");
    for (const v of this.inputs) this.used.add(v.name ?? "");
  }

  /** A value or node name not used anywhere in the graph yet. */
  fresh(prefix: string): string {
    let name: string;
    do {
      name = `${prefix}__${this.counter++}`;
    } while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** Adds a node and returns its output names. */
  add(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, Attr>> = {},
    options: NodeOptions = {},
  ): string[] {
    const outs = options.outputs ?? 1;
    const outputs =
      typeof outs === "number" ? Array.from({ length: outs }, () => this.fresh(opType)) : [...outs];
    for (const o of outputs) this.used.add(o);
    this.nodes.push({
      name: options.name ?? this.fresh(`${opType}_node`),
      opType,
      domain: options.domain ?? "",
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => toAttributeProto(k, v)),
    });
    return outputs;
  }

  /** Adds a single-output node and returns its output name. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, Attr>> = {},
  ): string {
    return this.add(opType, inputs, attrs)[0];
  }

  initializer(tensor: TensorProto): string {
    const name = tensor.name ?? "";
    if (name === "") throw new MlsecError("E_INVALID_ARGUMENT", "an initializer needs a name");
    this.used.add(name);
    this.initializers.push(tensor);
    return name;
  }

  floatConstant(
    values: Float32Array | readonly number[],
    dims: readonly number[] = [values.length],
    prefix = "const",
  ): string {
    return this.initializer(floatTensor(this.fresh(prefix), dims, values));
  }

  scalar(value: number, prefix = "scalar"): string {
    return this.floatConstant([value], [], prefix);
  }

  int64Constant(
    values: readonly number[],
    dims: readonly number[] = [values.length],
    prefix = "ints",
  ): string {
    return this.initializer(int64Tensor(this.fresh(prefix), dims, values));
  }

  addInput(
    name: string,
    elemType: number = DataType.FLOAT,
    shape: readonly Dim[] | null = null,
  ): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  addOutput(
    name: string,
    elemType: number = DataType.FLOAT,
    shape: readonly Dim[] | null = null,
  ): void {
    this.outputs.push(valueInfo(name, elemType, shape));
  }

  /** Replaces the graph outputs. */
  setOutputs(outputs: readonly ValueInfoProto[]): void {
    this.outputs.length = 0;
    this.outputs.push(...outputs);
  }

  /** Removes initializers (e.g. to turn parameters into inputs); returns the removed tensors. */
  takeInitializers(names: ReadonlySet<string>): TensorProto[] {
    const taken = this.initializers.filter((t) => names.has(t.name ?? ""));
    const kept = this.initializers.filter((t) => !names.has(t.name ?? ""));
    this.initializers.length = 0;
    this.initializers.push(...kept);
    return taken;
  }

  build(): GraphProto {
    return {
      name: this.name,
      node: [...this.nodes],
      initializer: [...this.initializers],
      sparseInitializer: [],
      input: [...this.inputs],
      output: [...this.outputs],
      valueInfo: [...this.valueInfos],
    };
  }
}

export function makeModel(
  graph: GraphProto,
  options: { opset?: number; producerVersion?: string; metadata?: Record<string, string> } = {},
): ModelProto {
  return {
    irVersion: MLSEC_IR_VERSION,
    opsetImport: [{ domain: "", version: options.opset ?? MLSEC_OPSET }],
    producerName: "mlsec",
    producerVersion: options.producerVersion ?? "0.1.0",
    graph,
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    functions: [],
  };
}
