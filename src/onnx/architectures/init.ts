// Kaiming/He uniform initialisation (He et al. 2015, "Delving Deep into Rectifiers", §2.2):
// weights ~ U(-b, b) with b = sqrt(6 / fan_in), which keeps the variance of ReLU activations
// constant from layer to layer. Biases start at zero.

import type { Rng } from "../../core/index.js";
import type { TensorProto } from "../ir.js";
import { floatTensor } from "../tensor-data.js";

/** A weight tensor of the given dims, He-uniform for a layer with `fanIn` inputs per output. */
export function heUniform(
  name: string,
  dims: readonly number[],
  fanIn: number,
  rng: Rng,
): TensorProto {
  const bound = Math.sqrt(6 / fanIn);
  const n = dims.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (2 * rng.next() - 1) * bound;
  return floatTensor(name, dims, values);
}

export function zeros(name: string, dims: readonly number[]): TensorProto {
  return floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));
}
