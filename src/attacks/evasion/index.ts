export { type DirectionOptions, unitDirection } from "./direction.js";
export {
  evaluateRobustness,
  type NormStats,
  type RobustnessOptions,
  type RobustnessSummary,
} from "./evaluate.js";
export { type FgsmParams, fgsmBatch } from "./fgsm.js";
export { argmaxRow, isAdversarial } from "./goal.js";
export { perturbationNorms, projectSlice, projectToBallAndBounds, sliceNorm } from "./norms.js";
export { type PgdParams, pgdBatch, validatePgdParams } from "./pgd.js";
export { randomDelta } from "./random-init.js";
export { ATTACK_NAMES, type AttackName, type AttackSpec, attackBatch } from "./registry.js";
export type {
  AttackContext,
  AttackGoal,
  AttackResult,
  NormKind,
  PerturbationNorms,
} from "./types.js";
