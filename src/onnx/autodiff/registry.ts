// The table of gradient rules, one entry per op type (tfjs-style explicit registration).

import type { GradRuleEntry } from "./rule.js";
import { BATCHNORM_RULES } from "./rules-batchnorm.js";
import { CONV_RULES } from "./rules-conv.js";
import { ELEMENTWISE_RULES } from "./rules-elementwise.js";
import { LINEAR_RULES } from "./rules-linear.js";
import { MAXPOOL_RULES } from "./rules-maxpool.js";
import { POOL_RULES } from "./rules-pool.js";
import { REDUCE_RULES } from "./rules-reduce.js";
import { SHAPE_RULES } from "./rules-shape.js";

export const GRADIENT_RULES: ReadonlyMap<string, GradRuleEntry> = new Map(
  Object.entries({
    ...ELEMENTWISE_RULES,
    ...LINEAR_RULES,
    ...REDUCE_RULES,
    ...SHAPE_RULES,
    ...CONV_RULES,
    ...POOL_RULES,
    ...MAXPOOL_RULES,
    ...BATCHNORM_RULES,
  }),
);

/**
 * Ops whose outputs carry no gradient (integer or boolean results, or piecewise-constant
 * functions whose derivative is zero almost everywhere): paths through them are constants.
 */
export const ZERO_GRADIENT_OPS: ReadonlySet<string> = new Set([
  "Shape",
  "Size",
  "ConstantOfShape",
  "Constant",
  "Equal",
  "Less",
  "Greater",
  "LessOrEqual",
  "GreaterOrEqual",
  "Not",
  "And",
  "Or",
  "Xor",
  "ArgMax",
  "ArgMin",
  "NonZero",
  "Floor",
  "Ceil",
  "Round",
  "Sign",
  "IsNaN",
  "IsInf",
  "RandomNormalLike",
  "RandomUniformLike",
]);

/** Op types mlsec can differentiate through, sorted. */
export const DIFFERENTIABLE_OPS: readonly string[] = [...GRADIENT_RULES.keys(), "Constant"].sort();
