// Public surface of the explainability layer: Shapley values, gradient attributions, heat-maps.

export { type ClassGradient, classLogProbGradient } from "./class-gradient.js";
export { coalitionValues } from "./coalitions.js";
export { partialDependenceSvg } from "./curve-svg.js";
export { type ExactShapleyOptions, exactShapley, MAX_EXACT_FEATURES } from "./exact-shapley.js";
export { gradientTimesInput } from "./grad-input.js";
export { heatmapSvg, imageSize } from "./heatmap-svg.js";
export {
  type IntegratedGradientsExplanation,
  type IntegratedGradientsOptions,
  integratedGradients,
} from "./integrated-gradients.js";
export { type KernelShapExplanation, type KernelShapOptions, kernelShap } from "./kernel-shap.js";
export { type KMeansOptions, kmeansBackground } from "./kmeans.js";
export {
  gridSegments,
  type LimeImageExplanation,
  type LimeImageOptions,
  limeImage,
} from "./lime-image.js";
export { type LimeExplanation, type LimeTabularOptions, limeTabular } from "./lime-tabular.js";
export {
  type Background,
  classOutput,
  EVAL_CHUNK_ROWS,
  featureCount,
  type OutputKind,
  uniformBackground,
} from "./model-output.js";
export {
  type PartialDependence,
  type PartialDependenceOptions,
  partialDependence,
} from "./partial-dependence.js";
export {
  type ImportanceMetric,
  type PermutationImportance,
  type PermutationImportanceOptions,
  permutationImportance,
} from "./permutation-importance.js";
export {
  type PermutationShapExplanation,
  type PermutationShapOptions,
  permutationShap,
} from "./permutation-shap.js";
export {
  QUADRATURE_RULES,
  type Quadrature,
  type QuadratureRule,
  quadrature,
} from "./quadrature.js";
export { type GradientExplanation, saliency } from "./saliency.js";
export type { ShapleyExplanation } from "./shapley-result.js";
export { type SmoothGradExplanation, type SmoothGradOptions, smoothGrad } from "./smoothgrad.js";
export { solveLinear } from "./solve.js";
