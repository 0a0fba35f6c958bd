// Public surface of DP-SGD: the training loop, its clipped-gradient engines and sampling.

export {
  type ClippedBatchGradient,
  type ClippedGradientEngine,
  createClippedGradientEngine,
  GRADIENT_METHODS,
  type GradientMethod,
} from "./clipped-gradient.js";
export {
  type DpEpochStats,
  type DpSgdOptions,
  type DpSgdResult,
  dpSgdEpsilon,
  trainDpSgd,
} from "./dp-sgd.js";
export {
  buildClippedGradientModel,
  type ClippedGradientModel,
  planLayers,
} from "./per-example-graph.js";
export { poissonSample } from "./poisson.js";
