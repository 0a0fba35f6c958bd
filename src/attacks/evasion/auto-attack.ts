// AutoAttack-style ensemble, Croce & Hein 2020 ("Reliable evaluation of adversarial robustness
// with an ensemble of diverse parameter-free attacks", §5): APGD-CE, then APGD-T (targeted DLR
// against the top runner-up classes), then FAB-T (fab.ts, following the boundary toward each
// runner-up class in turn), then Square, each run only on the samples every earlier member
// failed on. A sample is robust only if all members fail (worst case per sample).

import { type Differentiable, MlsecError, type Tensor, takeRows } from "../../core/index.js";
import { apgdBatch } from "./apgd.js";
import { fabBatch } from "./fab.js";
import { argmaxRow } from "./goal.js";
import { rankedClasses } from "./logit-gradients.js";
import { perturbationNorms } from "./norms.js";
import { squareBatch } from "./square.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface AutoAttackParams {
  readonly eps: number;
  readonly norm: "inf" | "2";
  /** APGD and FAB iterations per member run (default 100). */
  readonly steps?: number;
  /** APGD-T and FAB-T: runner-up classes tried as targets (default 3; "standard" uses 9). */
  readonly targetClasses?: number;
  /** Square attack queries per sample (default 5,000). */
  readonly maxQueries?: number;
}

export const AUTO_ATTACK_MEMBERS = ["apgd-ce", "apgd-t", "fab-t", "square"] as const;

export async function autoAttackBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: AutoAttackParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0)) throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const classes = model.numClasses;
  const adversarial = x.data.slice();
  const success = new Uint8Array(n);
  const queries = new Int32Array(n);
  const steps = p.steps ?? 100;
  const clean = await model.predict(x);
  const ranks = Array.from({ length: n }, (_, i) => rankedClasses(clean.data, i, classes));

  // Runs one member on the samples still robust and merges what it finds.
  const runMember = async (
    run: (sub: Tensor, subGoal: AttackGoal) => Promise<AttackResult>,
    targetsFor?: (i: number) => number | undefined,
  ) => {
    const rows = Array.from({ length: n }, (_, i) => i).filter(
      (i) => !success[i] && (targetsFor === undefined || targetsFor(i) !== undefined),
    );
    if (rows.length === 0) return;
    const labels = Int32Array.from(rows, (i) => goal.labels[i]);
    const targets =
      targetsFor !== undefined
        ? Int32Array.from(rows, (i) => targetsFor(i)!)
        : goal.targets !== undefined
          ? Int32Array.from(rows, (i) => goal.targets![i])
          : undefined;
    const result = await run(takeRows(x, rows), targets ? { labels, targets } : { labels });
    const check = await model.predict(result.adversarial);
    rows.forEach((i, k) => {
      queries[i] += result.queries[k] + 1;
      const predicted = argmaxRow(check.data, k, classes);
      // Success always means the user's goal, even for members that aimed at another target.
      const ok =
        goal.targets === undefined ? predicted !== goal.labels[i] : predicted === goal.targets[i];
      if (ok) {
        success[i] = 1;
        adversarial.set(result.adversarial.data.subarray(k * stride, (k + 1) * stride), i * stride);
      }
    });
  };

  await runMember((sub, g) =>
    apgdBatch(model, sub, g, { eps: p.eps, norm: p.norm, loss: "ce", steps }, ctx),
  );
  // FAB-T follows the boundary toward the member's target but, as in AutoAttack, any change of
  // the user's goal counts, so it gets the untargeted goal unless the user's goal is targeted.
  const fab = (sub: Tensor, g: AttackGoal) =>
    fabBatch(
      model,
      sub,
      goal.targets === undefined ? { labels: g.labels } : g,
      { eps: p.eps, norm: p.norm, steps, towards: g.targets, earlyStop: true },
      ctx,
    );
  const apgdT = (sub: Tensor, g: AttackGoal) =>
    apgdBatch(model, sub, g, { eps: p.eps, norm: p.norm, loss: "dlr", steps }, ctx);
  for (const member of [apgdT, fab]) {
    if (goal.targets !== undefined) {
      await runMember(member);
      continue;
    }
    const count = Math.min(p.targetClasses ?? 3, classes - 1);
    for (let t = 0; t < count; t++) {
      // The (t+1)-th strongest class other than the label at the clean input.
      const targetOf = (i: number) => ranks[i].filter((c) => c !== goal.labels[i])[t];
      await runMember(member, targetOf);
    }
  }
  await runMember((sub, g) =>
    squareBatch(model, sub, g, { eps: p.eps, norm: p.norm, maxQueries: p.maxQueries ?? 5000 }, ctx),
  );
  return {
    adversarial: { shape: [...x.shape], data: adversarial },
    success,
    norms: perturbationNorms(adversarial, x.data, n),
    queries,
  };
}
