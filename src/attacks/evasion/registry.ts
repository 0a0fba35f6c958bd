// Attack specifications as plain data, and the table that runs them on one batch.

import {
  type Classifier,
  type Differentiable,
  isDifferentiable,
  MlsecError,
  type Tensor,
} from "../../core/index.js";
import { fgsmBatch } from "./fgsm.js";
import { pgdBatch } from "./pgd.js";
import type { AttackContext, AttackGoal, AttackResult, NormKind } from "./types.js";

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
    };

export type AttackName = AttackSpec["attack"];
export const ATTACK_NAMES: readonly AttackName[] = ["fgsm", "bim", "pgd"];
const WHITE_BOX: ReadonlySet<AttackName> = new Set(["fgsm", "bim", "pgd"]);

function requireGradients(model: Classifier, attack: AttackName): Differentiable {
  if (!isDifferentiable(model)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `${attack} is a white-box attack and this model gives no gradients`,
      {
        hint: "Use a black-box attack (square, hopskipjump) against endpoints and non-differentiable models.",
      },
    );
  }
  return model;
}

export function attackBatch(
  model: Classifier,
  x: Tensor,
  goal: AttackGoal,
  spec: AttackSpec,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (WHITE_BOX.has(spec.attack)) requireGradients(model, spec.attack);
  switch (spec.attack) {
    case "fgsm":
      return fgsmBatch(model as Differentiable, x, goal, spec);
    case "bim":
      return pgdBatch(model as Differentiable, x, goal, { ...spec, randomInit: 0 }, ctx);
    case "pgd":
      return pgdBatch(model as Differentiable, x, goal, spec, ctx);
  }
}
