// Bayesian uncertainty by Monte-Carlo dropout: Feinman, Curtin, Shintre & Gardner, "Detecting
// Adversarial Samples from Artifacts" (2017), §4.2, after Gal & Ghahramani (2016): T forward
// passes with dropout left on, U(x) = (1/T) Σ_t ŷ_tᵀŷ_t − ȳᵀȳ over the softmax outputs ŷ_t.
// Dropout stays on by feeding its training_mode input a constant true (ONNX Dropout, opset ≥ 12).

import { MlsecError, type Tensor } from "../../core/index.js";
import {
  boolTensor,
  DataType,
  type ModelProto,
  OnnxClassifier,
  onnxOpsetVersion,
  type SessionOptions,
  valueInfo,
} from "../../onnx/index.js";
import { softmaxRows } from "./squeeze.js";

const TRAINING_MODE = "mlsec_mc_dropout_training_mode";
const maskName = (node: number) => `mlsec_mc_dropout_mask_${node}`;

export function hasDropout(model: ModelProto): boolean {
  return model.graph!.node.some((n) => n.opType === "Dropout");
}

/** A copy of the model whose Dropout nodes drop at inference too. */
export function withDropoutActive(model: ModelProto): ModelProto {
  const opset = onnxOpsetVersion(model) ?? 0;
  if (opset < 12) {
    throw new MlsecError(
      "E_UNSUPPORTED_OP",
      `MC dropout needs Dropout's training_mode input (opset 12 or later); the model uses opset ${opset}`,
    );
  }
  const graph = model.graph!;
  const flag = boolTensor(TRAINING_MODE, [], [true]);
  return {
    ...model,
    graph: {
      ...graph,
      initializer: [...graph.initializer, flag],
      node: graph.node.map((n, i) =>
        n.opType === "Dropout"
          ? {
              ...n,
              input: [n.input[0], n.input[1] ?? "", TRAINING_MODE],
              output: [n.output[0], n.output[1] || maskName(i)],
            }
          : n,
      ),
      // onnxruntime's optimizer removes a Dropout whose mask nobody reads; a graph output reads it.
      output: [
        ...graph.output,
        ...graph.node.flatMap((n, i) =>
          n.opType === "Dropout"
            ? [valueInfo(n.output[1] || maskName(i), DataType.BOOL, null)]
            : [],
        ),
      ],
    },
  };
}

/** The model with dropout on, sampled `passes` times per input. */
export class McDropout {
  private constructor(
    private readonly classifier: OnnxClassifier,
    readonly passes: number,
  ) {}

  static async create(
    model: ModelProto,
    passes: number,
    options: SessionOptions & { batchSize?: number } = {},
  ): Promise<McDropout> {
    if (!Number.isInteger(passes) || passes < 2) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `MC dropout needs at least 2 passes, got ${passes}`,
      );
    }
    return new McDropout(await OnnxClassifier.create(withDropoutActive(model), options), passes);
  }

  /** U(x) per sample: the mean squared norm of the sampled softmax minus that of their mean. */
  async uncertainty(x: Tensor): Promise<Float32Array> {
    const n = x.shape[0];
    const c = this.classifier.numClasses;
    const sumSquares = new Float64Array(n);
    const mean = new Float64Array(n * c);
    for (let t = 0; t < this.passes; t++) {
      const p = softmaxRows(await this.classifier.predictUnchecked(x));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < c; j++) {
          const v = p[i * c + j];
          sumSquares[i] += (v * v) / this.passes;
          mean[i * c + j] += v / this.passes;
        }
      }
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let meanSquare = 0;
      for (let j = 0; j < c; j++) meanSquare += mean[i * c + j] ** 2;
      out[i] = Math.max(0, sumSquares[i] - meanSquare);
    }
    return out;
  }

  release(): Promise<void> {
    return this.classifier.release();
  }
}
