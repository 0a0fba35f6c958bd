// The demo convolutional classifier (LeCun et al. 1998 style, as in the Keras MNIST CNN):
// Conv 32 3x3 → ReLU → MaxPool 2 → Conv 64 3x3 → ReLU → MaxPool 2 → Flatten → Gemm 128 → ReLU
// → Gemm classes. Valid (unpadded) convolutions; weights in PyTorch layout (OIHW, Gemm transB).

import { MlsecError, type Rng } from "../../core/index.js";
import { A } from "../attributes.js";
import { GraphBuilder, makeModel } from "../builder.js";
import { BOUNDS_METADATA_KEY, boundsMetadataValue } from "../classifier.js";
import { DataType, type ModelProto } from "../ir.js";
import { heUniform, zeros } from "./init.js";
import { ARCHITECTURE_KEY, IMAGE_BOUNDS } from "./metadata.js";

export interface CnnOptions {
  /** Per-sample input shape [channels, height, width], e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly rng: Rng;
  /** Width of the hidden fully-connected layer (default 128). */
  readonly hidden?: number;
  /** Filters of the two convolutions (default [32, 64]). */
  readonly filters?: readonly [number, number];
  /** Input bounds written to `mlsec.bounds` (default [0, 1]). */
  readonly bounds?: readonly [number, number];
}

export const INPUT_NAME = "input";
export const LOGITS_NAME = "logits";

/** Spatial size after a valid 3x3 convolution and a 2x2 max-pool with stride 2. */
const convPool = (size: number) => Math.floor((size - 2) / 2);

export function buildCnn(options: CnnOptions): ModelProto {
  const { inputShape, numClasses, rng } = options;
  const hidden = options.hidden ?? 128;
  const [f1, f2] = options.filters ?? [32, 64];
  checkPositive({ numClasses, hidden, f1, f2 });
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the cnn needs a per-sample input shape [channels, height, width], got [${inputShape}]`,
    );
  }
  const [c, h, w] = inputShape;
  const outH = convPool(convPool(h));
  const outW = convPool(convPool(w));
  if (outH < 1 || outW < 1) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the cnn needs images of at least 10x10 pixels, got ${h}x${w}`,
    );
  }
  const flat = f2 * outH * outW;

  const g = new GraphBuilder(undefined, "mlsec_cnn");
  g.addInput(INPUT_NAME, DataType.FLOAT, ["batch", c, h, w]);
  const conv = (x: string, name: string, cin: number, cout: number) => {
    const weight = g.initializer(heUniform(`${name}.weight`, [cout, cin, 3, 3], cin * 9, rng));
    const bias = g.initializer(zeros(`${name}.bias`, [cout]));
    const y = g.op("Conv", [x, weight, bias], { kernel_shape: A.ints([3, 3]) });
    const r = g.op("Relu", [y]);
    return g.op("MaxPool", [r], { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) });
  };
  const p1 = conv(INPUT_NAME, "conv1", c, f1);
  const p2 = conv(p1, "conv2", f1, f2);
  const features = g.op("Flatten", [p2], { axis: A.int(1) });
  const fc1w = g.initializer(heUniform("fc1.weight", [hidden, flat], flat, rng));
  const fc1b = g.initializer(zeros("fc1.bias", [hidden]));
  const h1 = g.op("Relu", [g.op("Gemm", [features, fc1w, fc1b], { transB: A.int(1) })]);
  const fc2w = g.initializer(heUniform("fc2.weight", [numClasses, hidden], hidden, rng));
  const fc2b = g.initializer(zeros("fc2.bias", [numClasses]));
  g.add("Gemm", [h1, fc2w, fc2b], { transB: A.int(1) }, { outputs: [LOGITS_NAME] });
  g.addOutput(LOGITS_NAME, DataType.FLOAT, ["batch", numClasses]);
  return makeModel(g.build(), {
    metadata: {
      [BOUNDS_METADATA_KEY]: boundsMetadataValue(options.bounds ?? IMAGE_BOUNDS),
      [ARCHITECTURE_KEY]: JSON.stringify({
        arch: "cnn",
        inputShape,
        numClasses,
        hidden,
        filters: [f1, f2],
      }),
    },
  });
}

export function checkPositive(values: Readonly<Record<string, number>>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new MlsecError("E_INVALID_ARGUMENT", `${name} must be a positive integer, got ${v}`);
    }
  }
}
