// The demo CNN rebuilt in TF.js (wasm backend) from the same ONNX weights, for the baselines of
// bench/gradient.mjs and bench/train.mjs. TF.js is NHWC: kernels OIHW → HWIO, and the first
// fully-connected layer's columns are permuted from ONNX's C·H·W flatten order to H·W·C.

import * as tf from "@tensorflow/tfjs-core";
// tfjs-layers registers the gradient of every op (tfjs-core alone registers none).
import "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-wasm";
import { tensorToFloat32 } from "../dist/onnx/index.js";

export { tf };

export async function useWasm() {
  await tf.setBackend("wasm");
  await tf.ready();
  return {
    backend: tf.getBackend(),
    simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT"),
    threads: tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT"),
  };
}

function initializer(model, name) {
  const t = model.graph.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`the model has no initializer ${name}; is it the mlsec cnn?`);
  return { dims: t.dims, data: tensorToFloat32(t) };
}

/** ONNX NCHW batch data → NHWC. */
export function toNhwc(data, [n, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          out[((i * h + y) * w + x) * c + ch] = data[((i * c + ch) * h + y) * w + x];
  return out;
}

/** TF.js variables holding the ONNX cnn's weights, in TF.js layouts. */
export function cnnVariables(model) {
  const kernel = (name) => {
    const { dims, data } = initializer(model, name);
    return tf.transpose(tf.tensor4d(data, dims), [2, 3, 1, 0]); // OIHW → HWIO
  };
  const bias = (name) => {
    const { data } = initializer(model, name);
    return tf.tensor1d(data);
  };
  const fc1 = initializer(model, "fc1.weight");
  const [hidden, flat] = fc1.dims;
  const channels = initializer(model, "conv2.weight").dims[0];
  const side = Math.round(Math.sqrt(flat / channels));
  const permuted = new Float32Array(flat * hidden);
  for (let o = 0; o < hidden; o++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < side * side; p++)
        permuted[(p * channels + c) * hidden + o] = fc1.data[o * flat + c * side * side + p];
  const fc2 = initializer(model, "fc2.weight");
  return {
    conv1w: tf.variable(kernel("conv1.weight")),
    conv1b: tf.variable(bias("conv1.bias")),
    conv2w: tf.variable(kernel("conv2.weight")),
    conv2b: tf.variable(bias("conv2.bias")),
    fc1w: tf.variable(tf.tensor2d(permuted, [flat, hidden])),
    fc1b: tf.variable(bias("fc1.bias")),
    fc2w: tf.variable(tf.transpose(tf.tensor2d(fc2.data, fc2.dims))),
    fc2b: tf.variable(bias("fc2.bias")),
  };
}

/**
 * A valid, stride-1 conv2d whose filter gradient the wasm backend can compute: TF.js 4.22's wasm
 * backend has no Conv2DBackpropFilter kernel, so dW[kh,kw,ci,co] = Σ_{n,h,w} x[n,h+kh,w+kw,ci] ·
 * dy[n,h,w,co] is computed as a forward conv2d of x as [ci,H,W,n] with dy as [h,w,n,co] filters.
 */
const trainableConv2d = tf.customGrad((x, w, save) => {
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, "valid"),
    gradFunc: (dy, [xs, ws]) => [
      tf.conv2dTranspose(dy, ws, xs.shape, 1, "valid"),
      tf.transpose(
        tf.conv2d(tf.transpose(xs, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, "valid"),
        [1, 2, 0, 3],
      ),
    ],
  };
});

/**
 * Logits of an NHWC batch: conv → relu → pool → conv → relu → pool → fc → relu → fc. With
 * `trainable`, the convolutions can also be differentiated with respect to their filters.
 */
export function cnnLogits(v, x, { trainable = false } = {}) {
  const conv = trainable ? trainableConv2d : (input, w) => tf.conv2d(input, w, 1, "valid");
  const block = (input, w, b) => tf.maxPool(tf.relu(tf.add(conv(input, w), b)), 2, 2, "valid");
  const features = block(block(x, v.conv1w, v.conv1b), v.conv2w, v.conv2b);
  const flat = tf.reshape(features, [x.shape[0], -1]);
  const hidden = tf.relu(tf.add(tf.matMul(flat, v.fc1w), v.fc1b));
  return tf.add(tf.matMul(hidden, v.fc2w), v.fc2b);
}

/** Sum over the batch of the cross-entropy from logits (the loss mlsec differentiates). */
export function summedCrossEntropy(logits, oneHot) {
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))));
}
