// Attack specifications as plain data, and the table that runs them on one batch.

import {
  type Classifier,
  type Differentiable,
  isDifferentiable,
  MlsecError,
  type Tensor,
} from "../../core/index.js";
import { apgdBatch } from "./apgd.js";
import { autoAttackBatch } from "./auto-attack.js";
import { carliniWagnerBatch } from "./carlini-wagner.js";
import { deepFoolBatch } from "./deepfool.js";
import { estimatedPgdBatch } from "./estimated-pgd.js";
import { fabBatch } from "./fab.js";
import { fgsmBatch } from "./fgsm.js";
import { hopSkipJumpBatch } from "./hop-skip-jump.js";
import { ATTACK_NAMES, type AttackName } from "./names.js";
import { pgdBatch } from "./pgd.js";
import { squareBatch } from "./square.js";
import type { AttackContext, AttackGoal, AttackResult, NormKind } from "./types.js";

export { ATTACK_NAMES, type AttackName };

export type AttackSpec =
  | { readonly attack: "fgsm"; readonly eps: number; readonly norm: NormKind }
  | {
      readonly attack: "bim" | "pgd";
      readonly eps: number;
      readonly epsStep: number;
      readonly steps: number;
      readonly norm: NormKind;
      readonly randomInit: number;
      readonly earlyStop: boolean;
    }
  | {
      readonly attack: "apgd-ce" | "apgd-dlr";
      readonly eps: number;
      readonly norm: "inf" | "2";
      readonly steps: number;
      readonly restarts: number;
    }
  | {
      readonly attack: "autoattack";
      readonly eps: number;
      readonly norm: "inf" | "2";
      readonly steps: number;
      readonly targetClasses: number;
      readonly maxQueries: number;
    }
  | {
      readonly attack: "fab";
      readonly eps: number;
      readonly norm: "inf" | "2";
      readonly steps: number;
      readonly restarts: number;
      readonly earlyStop: boolean;
    }
  | {
      readonly attack: "cw";
      readonly eps: number;
      readonly steps: number;
      readonly binarySteps: number;
      readonly initialConst: number;
      readonly confidence: number;
    }
  | {
      readonly attack: "deepfool";
      readonly eps: number;
      readonly norm: "inf" | "2";
      readonly steps: number;
      readonly candidates: number;
      readonly overshoot: number;
    }
  | {
      readonly attack: "square";
      readonly eps: number;
      readonly norm: "inf" | "2";
      readonly maxQueries: number;
      readonly pInit?: number;
    }
  | {
      readonly attack: "hopskipjump";
      readonly eps: number;
      readonly norm: "inf" | "2";
      readonly maxQueries: number;
      readonly iterations: number;
    }
  | {
      readonly attack: "nes" | "spsa";
      readonly eps: number;
      readonly epsStep: number;
      readonly norm: NormKind;
      readonly maxQueries: number;
      readonly samples: number;
    };

// The CLI lists the attacks from ./names.js without loading them; the names must be the specs'.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type NamesMatchSpecs = Holds<Same<AttackSpec["attack"], AttackName>>;
/** Attacks that need only predictions (they work on endpoints and non-differentiable models). */
export const BLACK_BOX_ATTACKS: ReadonlySet<AttackName> = new Set([
  "square",
  "hopskipjump",
  "nes",
  "spsa",
]);
const WHITE_BOX: ReadonlySet<AttackName> = new Set(
  ATTACK_NAMES.filter((a) => !BLACK_BOX_ATTACKS.has(a)),
);

/** L2 and L∞ only, for the attacks defined for those two norms. */
function twoNorms(attack: string, norm: NormKind): "inf" | "2" {
  if (norm === "1") {
    throw new MlsecError("E_INVALID_ARGUMENT", `${attack} supports the L∞ and L2 norms, not L1`);
  }
  return norm;
}

function requireGradients(model: Classifier, attack: AttackName): Differentiable {
  if (!isDifferentiable(model)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `${attack} is a white-box attack and this model gives no gradients`,
      {
        hint: "Use a black-box attack (square, hopskipjump, nes, spsa) against endpoints and non-differentiable models.",
      },
    );
  }
  return model;
}

/** eps must be positive and no larger than the input range allows (L∞: hi − lo; L2: √d·(hi − lo)). */
function validateBudget(model: Classifier, spec: AttackSpec): void {
  if (!(spec.eps > 0) || !Number.isFinite(spec.eps)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be a finite number > 0, got ${spec.eps}`);
  }
  const range = model.bounds[1] - model.bounds[0];
  const d = model.inputShape.reduce((a, b) => a * b, 1);
  const norm = "norm" in spec ? spec.norm : "2";
  const limit = norm === "inf" ? range : norm === "2" ? Math.sqrt(d) * range : d * range;
  if (spec.eps > limit) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `eps ${spec.eps} exceeds the largest L${norm} distance in the input range [${model.bounds[0]}, ${model.bounds[1]}] (${limit})`,
    );
  }
}

/** Checks, before any model query, that the spec's budget is valid and the model can take it. */
export function checkAttackable(model: Classifier, spec: AttackSpec): void {
  validateBudget(model, spec);
  if (WHITE_BOX.has(spec.attack)) requireGradients(model, spec.attack);
}

export function attackBatch(
  model: Classifier,
  x: Tensor,
  goal: AttackGoal,
  spec: AttackSpec,
  ctx: AttackContext,
): Promise<AttackResult> {
  checkAttackable(model, spec);
  switch (spec.attack) {
    case "fgsm":
      return fgsmBatch(model as Differentiable, x, goal, spec);
    case "bim":
      return pgdBatch(model as Differentiable, x, goal, { ...spec, randomInit: 0 }, ctx);
    case "pgd":
      return pgdBatch(model as Differentiable, x, goal, spec, ctx);
    case "apgd-ce":
    case "apgd-dlr":
      return apgdBatch(
        model as Differentiable,
        x,
        goal,
        {
          ...spec,
          norm: twoNorms(spec.attack, spec.norm),
          loss: spec.attack === "apgd-ce" ? "ce" : "dlr",
        },
        ctx,
      );
    case "autoattack":
      return autoAttackBatch(
        model as Differentiable,
        x,
        goal,
        { ...spec, norm: twoNorms(spec.attack, spec.norm) },
        ctx,
      );
    case "fab":
      return fabBatch(
        model as Differentiable,
        x,
        goal,
        { ...spec, norm: twoNorms(spec.attack, spec.norm) },
        ctx,
      );
    case "cw":
      return carliniWagnerBatch(model as Differentiable, x, goal, spec, ctx);
    case "deepfool":
      return deepFoolBatch(
        model as Differentiable,
        x,
        goal,
        { ...spec, norm: twoNorms(spec.attack, spec.norm) },
        ctx,
      );
    case "square":
      return squareBatch(model, x, goal, { ...spec, norm: twoNorms(spec.attack, spec.norm) }, ctx);
    case "hopskipjump":
      return hopSkipJumpBatch(
        model,
        x,
        goal,
        { ...spec, norm: twoNorms(spec.attack, spec.norm) },
        ctx,
      );
    case "nes":
    case "spsa":
      return estimatedPgdBatch(model, x, goal, { ...spec, estimator: spec.attack }, ctx);
  }
}
