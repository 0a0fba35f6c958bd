import type { Differentiable, LossGradient, LossKind, Tensor } from "../../../src/core/index.js";
import { linearClassifier } from "../../helpers/linear-classifier.js";

/**
 * The analytic linear classifier with the cw-margin loss too: for z = W x + b the margin
 * z_y − max_{j≠y} z_j has gradient W_y − W_{j*} (first arg-max j*, as the ONNX loss does).
 */
export function multiLossLinear(
  W: number[][],
  b: number[],
  bounds: readonly [number, number] = [0, 1],
): Differentiable & { calls: number } {
  const model = linearClassifier(W, b, bounds);
  const crossEntropy = model.lossGradient.bind(model);
  const classes = W.length;
  const features = W[0].length;
  model.lossGradient = async (
    x: Tensor,
    labels: Int32Array,
    loss: LossKind = "cross-entropy",
  ): Promise<LossGradient> => {
    if (loss === "cross-entropy") return crossEntropy(x, labels);
    if (loss !== "cw-margin") throw new Error(`unsupported loss ${loss}`);
    const { data: z } = await model.predict(x);
    const n = x.shape[0];
    const margin = new Float32Array(n);
    const grad = new Float32Array(n * features);
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      let best = -1;
      for (let k = 0; k < classes; k++) {
        if (k !== y && (best < 0 || z[i * classes + k] > z[i * classes + best])) best = k;
      }
      margin[i] = z[i * classes + y] - z[i * classes + best];
      for (let j = 0; j < features; j++) grad[i * features + j] = W[y][j] - W[best][j];
    }
    return {
      loss: margin,
      gradient: { shape: [...x.shape], data: grad },
      logits: { shape: [n, classes], data: z },
    };
  };
  return model;
}

/** Loads a demo digits model (default digits-cnn) and the first `n` test digits (examples/). */
export async function digits(n: number, modelPath = "examples/models/digits-cnn.onnx") {
  const { loadModel, OnnxClassifier } = await import("../../../src/onnx/index.js");
  const { loadDataset } = await import("../../../src/data/index.js");
  const { sliceBatch } = await import("../../../src/core/index.js");
  const model = await OnnxClassifier.create(await loadModel(modelPath), {
    intraOpThreads: 1,
  });
  const data = await loadDataset("examples/data/digits-test.npz");
  return { model, x: sliceBatch(data.x, 0, n), y: data.y.slice(0, n) };
}
