// Vector-Jacobian products of a classifier's logits, as ONNX gradient graphs. TRADES needs
// gradients of a loss that mixes the logits of two inputs (a KL term), which none of the
// autodiff's per-sample losses is; but any such gradient is Σ_ik G_ik ∂z_ik/∂θ for the
// cotangent G = ∂loss/∂z, computed in TypeScript. So the model is wrapped to output
// [s, 0] with s_i = Σ_k G_ik z_ik (G fed as an input), and the autodiff's Carlini-Wagner margin
// loss with label 0 — exactly s_i − 0, linear in s — turns that into the product we need.

import type { Tensor } from "../../core/index.js";
import {
  A,
  buildGradientModel,
  DataType,
  feed,
  floatOutput,
  type GradientModel,
  GraphBuilder,
  type ModelProto,
  OrtSession,
  valueInfo,
} from "../../onnx/index.js";
import { type ParameterSet, parametersAsInputs } from "../../onnx/trainer/index.js";

/** A feed for OrtSession.run (the session module's FeedValue). */
type FeedValue = ReturnType<typeof feed.float32>;

const COTANGENT = "mlsec_cotangent";
const PRODUCT = "mlsec_vjp";

/** The model with a second input G [N, C] and one output [N, 2] = [Σ_k G_ik z_ik, 0]. */
function wrapWithCotangent(model: ModelProto, classes: number): ModelProto {
  const graph = model.graph!;
  const b = new GraphBuilder(graph);
  const logits = graph.output[0].name ?? "";
  b.addInput(COTANGENT, DataType.FLOAT, ["batch", classes]);
  const weighted = b.op("Mul", [logits, COTANGENT]);
  const s = b.op("ReduceSum", [weighted, b.int64Constant([1])], { keepdims: A.int(1) });
  const zero = b.op("Mul", [s, b.scalar(0)]);
  b.add("Concat", [s, zero], { axis: A.int(1) }, { outputs: [PRODUCT] });
  b.setOutputs([valueInfo(PRODUCT, DataType.FLOAT, ["batch", 2])]);
  return { ...model, graph: b.build() };
}

/** Products with respect to the input (weights fed) or to the weights, one session each. */
export class VjpSessions {
  private constructor(
    private readonly inputGraph: GradientModel,
    private readonly inputSession: OrtSession,
    private readonly paramGraph: GradientModel,
    private readonly paramSession: OrtSession,
  ) {}

  static async create(
    model: ModelProto,
    classes: number,
    parameters: readonly string[],
    intraOpThreads: number,
  ): Promise<VjpSessions> {
    const wrapped = wrapWithCotangent(model, classes);
    const inputGraph = buildGradientModel(parametersAsInputs(wrapped, parameters), {
      loss: "cw-margin",
      inputGradient: true,
    });
    const paramGraph = buildGradientModel(wrapped, {
      loss: "cw-margin",
      inputGradient: false,
      parameters,
    });
    const options = { intraOpThreads };
    const [inputSession, paramSession] = await Promise.all([
      OrtSession.create(inputGraph.model, options),
      OrtSession.create(paramGraph.model, options),
    ]);
    return new VjpSessions(inputGraph, inputSession, paramGraph, paramSession);
  }

  private feeds(
    g: GradientModel,
    weights: ParameterSet,
    x: Tensor,
    cotangent: Float32Array,
  ): Record<string, FeedValue> {
    const n = x.shape[0];
    const feeds: Record<string, FeedValue> = {
      [g.inputName]: feed.float32(x.data, x.shape),
      [COTANGENT]: feed.float32(cotangent, [n, cotangent.length / n]),
      [g.labelsName]: feed.int64(new Int32Array(n)),
    };
    for (const [name, p] of weights) feeds[name] = feed.float32(p.data, p.dims);
    return feeds;
  }

  /** Σ_ik G_ik ∂z_ik/∂x: the input gradient, same shape as x. */
  async inputProduct(weights: ParameterSet, x: Tensor, cotangent: Float32Array): Promise<Tensor> {
    const g = this.inputGraph;
    const name = g.inputGradientName!;
    const out = await this.inputSession.run(this.feeds(g, weights, x, cotangent), [name]);
    return { shape: [...x.shape], data: floatOutput(out, name).data };
  }

  /** Σ_ik G_ik ∂z_ik/∂θ for every parameter θ. */
  async parameterProduct(
    weights: ParameterSet,
    x: Tensor,
    cotangent: Float32Array,
  ): Promise<Map<string, Float32Array>> {
    const g = this.paramGraph;
    const names = [...g.parameterGradientNames];
    const out = await this.paramSession.run(
      this.feeds(g, weights, x, cotangent),
      names.map(([, grad]) => grad),
    );
    return new Map(names.map(([param, grad]) => [param, floatOutput(out, grad).data]));
  }

  async release(): Promise<void> {
    await this.inputSession.release();
    await this.paramSession.release();
  }
}
