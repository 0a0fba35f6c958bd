// The clipped-gradient engines of DP-SGD: each returns, for a batch, the sum over examples of
// the per-example gradients clipped to norm C (Abadi et al. 2016, Alg. 1 lines 4-6). "in-graph"
// computes them inside one ONNX graph (per-example-graph.ts); "per-example-loop" runs the
// gradient graph on one example at a time, for models whose layers the in-graph method does
// not cover (shared weights, grouped Conv, MatMul weights, ...). Both clip the same quantity.

import { MlsecError, type Tensor, takeRows } from "../../core/index.js";
import {
  buildGradientModel,
  feed,
  floatOutput,
  type ModelProto,
  OrtSession,
} from "../../onnx/index.js";
import { crossEntropyRows, type ParameterSet } from "../../onnx/trainer/index.js";
import { buildClippedGradientModel, planLayers } from "./per-example-graph.js";

export const GRADIENT_METHODS = ["auto", "in-graph", "per-example-loop"] as const;
export type GradientMethod = (typeof GRADIENT_METHODS)[number];

export interface ClippedBatchGradient {
  /** Sum over the batch of the clipped per-example gradients, by parameter name. */
  readonly sums: ReadonlyMap<string, Float32Array>;
  /** Per-example gradient norms before clipping. */
  readonly norms: Float32Array;
  readonly lossSum: number;
  readonly correct: number;
}

export interface ClippedGradientEngine {
  readonly method: "in-graph" | "per-example-loop";
  /** Why the in-graph method could not be used (per-example-loop chosen by "auto"). */
  readonly fallbackReason?: string;
  compute(
    x: Tensor,
    labels: Int32Array,
    params: ParameterSet,
    clipNorm: number,
  ): Promise<ClippedBatchGradient>;
  release(): Promise<void>;
}

function paramFeeds(params: ParameterSet) {
  return Object.fromEntries([...params].map(([k, p]) => [k, feed.float32(p.data, p.dims)]));
}

class InGraphEngine implements ClippedGradientEngine {
  readonly method = "in-graph";
  private constructor(
    private readonly graph: ReturnType<typeof buildClippedGradientModel>,
    private readonly session: OrtSession,
  ) {}

  static async create(model: ModelProto, parameters: readonly string[], threads: number) {
    const graph = buildClippedGradientModel(model, parameters);
    return new InGraphEngine(
      graph,
      await OrtSession.create(graph.model, { intraOpThreads: threads }),
    );
  }

  async compute(x: Tensor, labels: Int32Array, params: ParameterSet, clipNorm: number) {
    const g = this.graph;
    const sumNames = [...g.clippedSumNames.values()];
    const out = await this.session.run(
      {
        ...paramFeeds(params),
        [g.inputName]: feed.float32(x.data, x.shape),
        [g.labelsName]: feed.int64(labels),
        [g.clipName]: feed.float32(Float32Array.of(clipNorm), []),
      },
      [g.lossName, g.logitsName, g.normsName, ...sumNames],
    );
    let lossSum = 0;
    for (const l of floatOutput(out, g.lossName).data) lossSum += l;
    const logits = floatOutput(out, g.logitsName);
    const { correct } = crossEntropyRows(logits.data, labels, logits.dims[1]);
    const sums = new Map<string, Float32Array>();
    for (const [param, name] of g.clippedSumNames) sums.set(param, floatOutput(out, name).data);
    return { sums, norms: floatOutput(out, g.normsName).data, lossSum, correct };
  }

  release() {
    return this.session.release();
  }
}

class PerExampleLoopEngine implements ClippedGradientEngine {
  readonly method = "per-example-loop";
  private constructor(
    private readonly graph: ReturnType<typeof buildGradientModel>,
    private readonly session: OrtSession,
    private readonly parameters: readonly string[],
    readonly fallbackReason?: string,
  ) {}

  static async create(
    model: ModelProto,
    parameters: readonly string[],
    threads: number,
    reason?: string,
  ) {
    const graph = buildGradientModel(model, {
      loss: "cross-entropy",
      inputGradient: false,
      parameters,
    });
    const session = await OrtSession.create(graph.model, { intraOpThreads: threads });
    return new PerExampleLoopEngine(graph, session, parameters, reason);
  }

  async compute(x: Tensor, labels: Int32Array, params: ParameterSet, clipNorm: number) {
    const g = this.graph;
    const sums = new Map<string, Float32Array>();
    for (const name of this.parameters) {
      sums.set(name, new Float32Array(params.get(name)!.data.length));
    }
    const norms = new Float32Array(labels.length);
    const feeds = paramFeeds(params);
    const gradNames = this.parameters.map((p) => g.parameterGradientNames.get(p)!);
    let lossSum = 0;
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      const xi = takeRows(x, [i]);
      const yi = labels.subarray(i, i + 1);
      const out = await this.session.run(
        {
          ...feeds,
          [g.inputName]: feed.float32(xi.data, xi.shape),
          [g.labelsName]: feed.int64(yi),
        },
        [g.lossName, g.logitsName, ...gradNames],
      );
      lossSum += floatOutput(out, g.lossName).data[0];
      const logits = floatOutput(out, g.logitsName);
      correct += crossEntropyRows(logits.data, yi, logits.dims[1]).correct;
      const grads = gradNames.map((n) => floatOutput(out, n).data);
      let sq = 0;
      for (const gr of grads) for (const v of gr) sq += v * v;
      norms[i] = Math.sqrt(sq);
      const factor = Math.min(1, clipNorm / (norms[i] + 1e-6));
      this.parameters.forEach((name, k) => {
        const sum = sums.get(name)!;
        const gr = grads[k];
        for (let j = 0; j < gr.length; j++) sum[j] += factor * gr[j];
      });
    }
    return { sums, norms, lossSum, correct };
  }

  release() {
    return this.session.release();
  }
}

/** The engine for `method`; "auto" prefers in-graph and falls back to the loop, saying why. */
export async function createClippedGradientEngine(
  model: ModelProto,
  parameters: readonly string[],
  method: GradientMethod = "auto",
  intraOpThreads = 0,
): Promise<ClippedGradientEngine> {
  if (method === "per-example-loop") {
    return PerExampleLoopEngine.create(model, parameters, intraOpThreads);
  }
  const plan = planLayers(model, parameters);
  if ("reason" in plan) {
    if (method === "in-graph") {
      throw new MlsecError(
        "E_UNSUPPORTED_OP",
        `in-graph per-example gradients are not possible: ${plan.reason}`,
        { hint: "Use the per-example-loop gradient method (slower, any differentiable model)." },
      );
    }
    return PerExampleLoopEngine.create(model, parameters, intraOpThreads, plan.reason);
  }
  return InGraphEngine.create(model, parameters, intraOpThreads);
}
