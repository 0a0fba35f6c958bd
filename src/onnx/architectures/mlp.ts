// A multi-layer perceptron classifier (Rumelhart, Hinton & Williams 1986): Flatten → (Gemm →
// ReLU) per hidden layer → Gemm classes. Weights in PyTorch layout ([out, in], Gemm transB).

import { MlsecError, type Rng } from "../../core/index.js";
import { A } from "../attributes.js";
import { GraphBuilder, makeModel } from "../builder.js";
import { BOUNDS_METADATA_KEY, boundsMetadataValue } from "../classifier.js";
import { DataType, type ModelProto } from "../ir.js";
import { checkPositive, INPUT_NAME, LOGITS_NAME } from "./cnn.js";
import { heUniform, zeros } from "./init.js";
import { ARCHITECTURE_KEY, UNBOUNDED } from "./metadata.js";

export interface MlpOptions {
  /** Per-sample input shape, e.g. [30] for tabular rows or [1, 28, 28] for images. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly rng: Rng;
  /** Widths of the hidden layers (default [128]); empty for a linear (softmax) model. */
  readonly hidden?: readonly number[];
  /** Input bounds written to `mlsec.bounds` (default unbounded). */
  readonly bounds?: readonly [number, number];
}

export function buildMlp(options: MlpOptions): ModelProto {
  const { inputShape, numClasses, rng } = options;
  const hidden = options.hidden ?? [128];
  checkPositive({ numClasses });
  hidden.forEach((width, i) => {
    checkPositive({ [`hidden layer ${i + 1}`]: width });
  });
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the mlp needs a non-empty per-sample input shape, got [${inputShape}]`,
    );
  }
  const features = inputShape.reduce((a, b) => a * b, 1);

  const g = new GraphBuilder(undefined, "mlsec_mlp");
  g.addInput(INPUT_NAME, DataType.FLOAT, ["batch", ...inputShape]);
  let x = g.op("Flatten", [INPUT_NAME], { axis: A.int(1) });
  let width = features;
  hidden.forEach((out, i) => {
    const w = g.initializer(heUniform(`fc${i + 1}.weight`, [out, width], width, rng));
    const b = g.initializer(zeros(`fc${i + 1}.bias`, [out]));
    x = g.op("Relu", [g.op("Gemm", [x, w, b], { transB: A.int(1) })]);
    width = out;
  });
  const last = hidden.length + 1;
  const w = g.initializer(heUniform(`fc${last}.weight`, [numClasses, width], width, rng));
  const b = g.initializer(zeros(`fc${last}.bias`, [numClasses]));
  g.add("Gemm", [x, w, b], { transB: A.int(1) }, { outputs: [LOGITS_NAME] });
  g.addOutput(LOGITS_NAME, DataType.FLOAT, ["batch", numClasses]);
  return makeModel(g.build(), {
    metadata: {
      [BOUNDS_METADATA_KEY]: boundsMetadataValue(options.bounds ?? UNBOUNDED),
      [ARCHITECTURE_KEY]: JSON.stringify({ arch: "mlp", inputShape, numClasses, hidden }),
    },
  });
}
