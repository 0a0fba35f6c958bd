// Public surface of autodiff: gradient models (loss + gradients as one ONNX graph) and the
// differentiability report.

export type { LossKind } from "../../core/index.js";
export { DIFFERENTIABLE_OPS } from "./registry.js";
export {
  buildGradientModel,
  type DifferentiabilityOptions,
  type GradientModel,
  type GradientModelOptions,
  unsupportedOps,
} from "./transform.js";
