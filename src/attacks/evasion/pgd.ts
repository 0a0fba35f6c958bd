// Projected gradient descent, Madry et al. 2018 ("Towards Deep Learning Models Resistant to
// Adversarial Attacks", §2-3), with random restarts; BIM (Kurakin et al. 2017) is the same
// iteration started from the clean input. L∞, L2, and sparse L1 steps (see direction.ts).

import { type Differentiable, MlsecError, type Tensor, takeRows } from "../../core/index.js";
import { unitDirection } from "./direction.js";
import { argmaxRow, isAdversarial, lossLabels, lossSign, selectGoal } from "./goal.js";
import { perturbationNorms, projectToBallAndBounds } from "./norms.js";
import { randomDelta } from "./random-init.js";
import type { AttackContext, AttackGoal, AttackResult, NormKind } from "./types.js";

export interface PgdParams {
  readonly eps: number;
  readonly epsStep: number;
  readonly steps: number;
  readonly norm: NormKind;
  /** 0 = start from the clean input (BIM, ART's default); N > 0 = N random restarts, worst case kept. */
  readonly randomInit: number;
  /** Stop moving a sample once it is adversarial (default true). */
  readonly earlyStop?: boolean;
  /** L1 only: fraction of coordinates moved per step. */
  readonly l1Sparsity?: number;
}

export function validatePgdParams(p: PgdParams, bounds: readonly [number, number]): void {
  if (!(p.eps > 0) || !Number.isFinite(p.eps))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  if (p.norm === "inf" && p.eps > bounds[1] - bounds[0]) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `eps ${p.eps} exceeds the input range [${bounds[0]}, ${bounds[1]}]`,
    );
  }
  if (!(p.epsStep > 0))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps-step must be > 0, got ${p.epsStep}`);
  if (!Number.isInteger(p.steps) || p.steps < 1)
    throw new MlsecError("E_INVALID_ARGUMENT", `steps must be a positive integer, got ${p.steps}`);
  if (!Number.isInteger(p.randomInit) || p.randomInit < 0) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `random-init must be a non-negative integer, got ${p.randomInit}`,
    );
  }
}

/** Cross-entropy of one logits row, in float64. */
function rowLoss(logits: Float32Array, row: number, classes: number, label: number): number {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) max = Math.max(max, logits[row * classes + j]);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp(logits[row * classes + j] - max);
  return Math.log(sum) + max - logits[row * classes + label];
}

/** Runs PGD on one batch (all samples at once; active samples shrink as they succeed). */
export async function pgdBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: PgdParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  validatePgdParams(p, model.bounds);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const classes = model.numClasses;
  const sign = lossSign(goal);
  const earlyStop = p.earlyStop ?? true;
  const best = x.data.slice();
  const success = new Uint8Array(n);
  const bestScore = new Float64Array(n).fill(-Infinity);
  const queries = new Int32Array(n);
  const restarts = Math.max(1, p.randomInit);
  const direction = new Float32Array(stride);
  const ascent = new Float32Array(stride);

  for (let restart = 0; restart < restarts; restart++) {
    let active = Array.from({ length: n }, (_, i) => i).filter((i) => !success[i]);
    if (active.length === 0) break;
    const current = x.data.slice();
    if (p.randomInit > 0) {
      for (const i of active) randomDelta(ctx.rng, stride, p.eps, p.norm, current, i * stride);
      for (const i of active) {
        for (let j = i * stride; j < (i + 1) * stride; j++) current[j] += x.data[j];
      }
      projectToBallAndBounds(current, x.data, n, p.eps, p.norm, model.bounds);
    }
    for (let step = 0; step <= p.steps && active.length > 0; step++) {
      const batch = takeRows({ shape: x.shape, data: current }, active);
      const sub = selectGoal(goal, active);
      const isLast = step === p.steps;
      // The last round only scores the final point (forward pass); the others also step.
      const { logits, gradient } = isLast
        ? { logits: await model.predict(batch), gradient: undefined }
        : await model.lossGradient(batch, lossLabels(sub));
      if (logits === undefined)
        throw new MlsecError("E_INTERNAL", "the model's lossGradient returned no logits");
      const stillActive: number[] = [];
      active.forEach((i, k) => {
        queries[i]++;
        const predicted = argmaxRow(logits.data, k, classes);
        if (isAdversarial(goal, i, predicted)) {
          success[i] = 1;
          best.set(current.subarray(i * stride, (i + 1) * stride), i * stride);
          if (earlyStop) return;
        } else if (isLast || !earlyStop) {
          // Not (or no longer) adversarial: keep the point of highest loss toward the goal.
          const score = sign * rowLoss(logits.data, k, classes, lossLabels(goal)[i]);
          if (!success[i] && score > bestScore[i]) {
            bestScore[i] = score;
            best.set(current.subarray(i * stride, (i + 1) * stride), i * stride);
          }
        }
        if (isLast) return;
        const off = i * stride;
        const g = gradient!.data;
        if (p.norm === "inf") {
          // L∞ fast path: step, project onto the ball and clip to the bounds in one pass
          // (the same arithmetic as unitDirection + projectToBallAndBounds, without the copies).
          const [lo, hi] = model.bounds;
          for (let j = 0; j < stride; j++) {
            const clean = x.data[off + j];
            const moved = current[off + j] + p.epsStep * Math.sign(sign * g[k * stride + j]);
            const delta = Math.min(p.eps, Math.max(-p.eps, moved - clean));
            current[off + j] = Math.min(hi, Math.max(lo, clean + delta));
          }
          stillActive.push(i);
          return;
        }
        for (let j = 0; j < stride; j++) ascent[j] = sign * g[k * stride + j];
        unitDirection(ascent, 0, stride, direction, {
          norm: p.norm,
          l1Sparsity: p.l1Sparsity,
          x: current.subarray(off, off + stride),
          bounds: model.bounds,
        });
        for (let j = 0; j < stride; j++) current[off + j] += p.epsStep * direction[j];
        stillActive.push(i);
      });
      if (!isLast && p.norm !== "inf") {
        projectToBallAndBounds(current, x.data, n, p.eps, p.norm, model.bounds);
      }
      active = stillActive;
      ctx.onProgress?.({
        task: "pgd",
        done: restart * (p.steps + 1) + step + 1,
        total: restarts * (p.steps + 1),
      });
    }
  }
  return {
    adversarial: { shape: [...x.shape], data: best },
    success,
    norms: perturbationNorms(best, x.data, n),
    queries,
  };
}
