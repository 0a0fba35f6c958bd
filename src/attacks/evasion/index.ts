export { type ApgdParams, apgdBatch, apgdCheckpoints } from "./apgd.js";
export { AUTO_ATTACK_MEMBERS, type AutoAttackParams, autoAttackBatch } from "./auto-attack.js";
export { type CarliniWagnerParams, carliniWagnerBatch } from "./carlini-wagner.js";
export { type CleverOptions, type CleverScore, cleverScore } from "./clever.js";
export {
  type CurveOptions,
  type CurvePoint,
  empiricalRobustness,
  type RobustnessCurve,
  robustnessCurve,
} from "./curve.js";
export { type DeepFoolParams, deepFoolBatch } from "./deepfool.js";
export { type DirectionOptions, unitDirection } from "./direction.js";
export { type EstimatedPgdParams, estimatedPgdBatch } from "./estimated-pgd.js";
export {
  evaluateRobustness,
  type NormStats,
  type RobustnessOptions,
  type RobustnessSummary,
} from "./evaluate.js";
export { type FabParams, fabBatch } from "./fab.js";
export { type FgsmParams, fgsmBatch } from "./fgsm.js";
export { argmaxRow, isAdversarial } from "./goal.js";
export { type HopSkipJumpParams, hopSkipJumpBatch } from "./hop-skip-jump.js";
export { type HyperplaneNorm, projectOntoHyperplaneInBox } from "./hyperplane-projection.js";
export {
  type LogitCombination,
  logitCombinationGradients,
  rankedClasses,
} from "./logit-gradients.js";
export { goalMargin, predictRows } from "./margin.js";
export { perturbationNorms, projectSlice, projectToBallAndBounds, sliceNorm } from "./norms.js";
export { type PgdParams, pgdBatch, validatePgdParams } from "./pgd.js";
export { randomDelta } from "./random-init.js";
export {
  ATTACK_NAMES,
  type AttackName,
  type AttackSpec,
  attackBatch,
  BLACK_BOX_ATTACKS,
  checkAttackable,
} from "./registry.js";
export { fitReverseWeibull, type ReverseWeibullFit } from "./reverse-weibull.js";
export { imageGeometry, type SquareParams, squareBatch, squareP } from "./square.js";
export type {
  AttackContext,
  AttackGoal,
  AttackResult,
  NormKind,
  PerturbationNorms,
} from "./types.js";
