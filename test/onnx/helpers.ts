import { A, GraphBuilder, type ModelProto, makeModel } from "../../src/onnx/index.js";

/** A tiny classifier: x [N, 3] -> MatMul W [3, 2] -> + b -> logits [N, 2]. */
export function tinyLinearModel(options: { bounds?: string } = {}): ModelProto {
  const b = new GraphBuilder(undefined, "tiny");
  b.addInput("x", 1, ["N", 3]);
  const w = b.floatConstant([1, -1, 0.5, 2, -0.25, 0], [3, 2], "W");
  const bias = b.floatConstant([0.1, -0.1], [2], "b");
  const z = b.op("Add", [b.op("MatMul", ["x", w]), bias]);
  const logits = b.op("Identity", [z]);
  b.addOutput(logits, 1, ["N", 2]);
  return makeModel(b.build(), {
    metadata: options.bounds ? { "mlsec.bounds": options.bounds } : {},
  });
}

/** y = Relu(x) through a Softmax, with an explicit axis attribute. */
export function softmaxModel(): ModelProto {
  const b = new GraphBuilder(undefined, "softmax");
  b.addInput("x", 1, ["N", 4]);
  const y = b.op("Softmax", [b.op("Relu", ["x"])], { axis: A.int(1) });
  b.addOutput(y, 1, ["N", 4]);
  return makeModel(b.build());
}
