export {
  A,
  type Attr,
  attrFloat,
  attrInt,
  attrInts,
  attrString,
  attrTensor,
  hasAttr,
} from "./attributes.js";
export {
  buildGradientModel,
  DIFFERENTIABLE_OPS,
  type GradientModel,
  type GradientModelOptions,
  unsupportedOps,
} from "./autodiff/index.js";
export { GraphBuilder, MLSEC_IR_VERSION, MLSEC_OPSET, makeModel, valueInfo } from "./builder.js";
export {
  BOUNDS_METADATA_KEY,
  boundsFromMetadata,
  boundsMetadataValue,
  type ClassifierOptions,
  classifierSignature,
  type ModelSignature,
  OnnxClassifier,
} from "./classifier.js";
export { describeModel, type ModelSummary, type ValueSummary } from "./describe.js";
export { crossEntropy, type Evaluation, evaluateClassifier } from "./evaluate.js";
export { type GradcheckOptions, type GradcheckResult, gradcheck } from "./gradcheck.js";
export { type GraphIndex, indexGraph, nodeLabel, opHistogram, topologicalNodes } from "./graph.js";
export {
  ActivationExtractor,
  type Activations,
  layerNames,
  penultimateLayer,
  withExtraOutputs,
} from "./intermediate.js";
export * from "./ir.js";
export { type LoadOptions, loadModel, parseModel, saveModel } from "./model-io.js";
export {
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  decodeModel,
  encodeModel,
} from "./proto/codec.js";
export { feed, floatOutput, OrtSession, type SessionOptions } from "./session.js";
export { inferShapes, type ShapeInfo } from "./shape-inference.js";
export {
  boolTensor,
  type DecodedTensor,
  decodeTensor,
  doubleTensor,
  floatTensor,
  int32Tensor,
  int64Tensor,
  tensorToFloat32,
  tensorToNumbers,
} from "./tensor-data.js";
