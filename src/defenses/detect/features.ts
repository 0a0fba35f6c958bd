// Feature vectors from layer activations: dense outputs as they are, convolutional maps
// [N, C, H, W, ...] averaged over their spatial positions to one value per channel (Lee et al.
// 2018, §2.2: "average pooling on each feature map"), which keeps covariances small and stable.

import type { Tensor } from "../../core/index.js";
import { layerNames, type ModelProto, penultimateLayer } from "../../onnx/index.js";

export interface Features {
  readonly data: Float32Array;
  readonly dim: number;
}

export function featuresOf(t: Tensor): Features {
  const n = t.shape[0];
  if (t.shape.length <= 2) return { data: t.data, dim: t.shape[1] ?? 1 };
  const channels = t.shape[1];
  const positions = t.data.length / Math.max(1, n * channels);
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n * channels; i++) {
    let sum = 0;
    for (let j = 0; j < positions; j++) sum += t.data[i * positions + j];
    out[i] = sum / positions;
  }
  return { data: out, dim: channels };
}

const ACTIVATIONS = new Set([
  "Relu",
  "LeakyRelu",
  "PRelu",
  "Elu",
  "Selu",
  "Gelu",
  "Sigmoid",
  "Tanh",
  "Softplus",
  "HardSigmoid",
]);

/**
 * The layers a feature ensemble uses by default: every activation-function output before the
 * logits, and the penultimate layer.
 */
export function ensembleLayers(model: ModelProto): string[] {
  const penultimate = penultimateLayer(model);
  const outputs = new Set(layerNames(model));
  const chosen = model
    .graph!.node.filter((n) => ACTIVATIONS.has(n.opType ?? ""))
    .map((n) => n.output[0])
    .filter((name) => outputs.has(name) && name !== penultimate);
  return [...chosen, penultimate];
}
