// Auto-PGD, Croce & Hein 2020 ("Reliable evaluation of adversarial robustness with an ensemble
// of diverse parameter-free attacks", Alg. 1, §3.1-3.2): PGD with momentum (α = 0.75) whose step
// size η starts at 2ε and halves at checkpoints w_j when fewer than ρ = 0.75 of the steps since
// the last checkpoint raised the loss, or when neither η nor the best loss changed; on a halving
// the iterate restarts from the best point. Losses: cross-entropy, or DLR (§4, eq. 6; targeted
// eq. 7), whose exact gradient comes from logit-gradients.ts.

import { type Differentiable, MlsecError, type Tensor } from "../../core/index.js";
import { unitDirection } from "./direction.js";
import { argmaxRow, isAdversarial } from "./goal.js";
import {
  type LogitCombination,
  logitCombinationGradients,
  rankedClasses,
} from "./logit-gradients.js";
import { gatherRows } from "./margin.js";
import { perturbationNorms, projectToBallAndBounds } from "./norms.js";
import { randomDelta } from "./random-init.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface ApgdParams {
  readonly eps: number;
  readonly norm: "inf" | "2";
  readonly loss: "ce" | "dlr";
  /** Iterations N_iter (gradient evaluations, default 100). */
  readonly steps?: number;
  /** Random restarts (default 1). */
  readonly restarts?: number;
  /** Start from the clean input instead of a random point in the ball (default false). */
  readonly cleanStart?: boolean;
}

/** Checkpoints w_j = ⌈p_j N⌉ with p_0 = 0, p_1 = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06). */
export function apgdCheckpoints(steps: number): number[] {
  const p = [0, 0.22];
  while (true) {
    const next = p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 0.03, 0.06);
    if (next > 1) break;
    p.push(next);
  }
  // The small slack keeps float noise (0.22 · 100 = 22.000000000000004) from rounding up.
  return [...new Set(p.map((v) => Math.ceil(v * steps - 1e-9)))].filter((w) => w > 0);
}

/** The logit combination whose value the loss is built from, per sample (see evaluateLoss). */
function dlrTerms(logits: Float32Array, row: number, classes: number, goal: AttackGoal, i: number) {
  const order = rankedClasses(logits, row, classes);
  const y = goal.labels[i];
  const z = (k: number) => logits[row * classes + k];
  if (goal.targets === undefined) {
    const other = order[0] === y ? order[1] : order[0];
    // DLR = −(z_y − z_other) / (z_π1 − z_π3)
    return {
      numerator: new Map([
        [y, 1],
        [other, -1],
      ]),
      denominator: new Map([
        [order[0], 1],
        [order[2] ?? order[1], -1],
      ]),
      value: -(z(y) - z(other)) / (z(order[0]) - z(order[2] ?? order[1]) + 1e-12),
    };
  }
  const t = goal.targets[i];
  const p3 = order[2] ?? order[1];
  const p4 = order[3] ?? p3;
  return {
    numerator: new Map([
      [y, 1],
      [t, -1],
    ]),
    denominator: addTo(addTo(new Map([[order[0], 1]]), p3, -0.5), p4, -0.5),
    value: -(z(y) - z(t)) / (z(order[0]) - (z(p3) + z(p4)) / 2 + 1e-12),
  };
}

function addTo(m: Map<number, number>, k: number, a: number): Map<number, number> {
  return m.set(k, (m.get(k) ?? 0) + a);
}

export async function apgdBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: ApgdParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0) || !Number.isFinite(p.eps))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  const steps = p.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 2)
    throw new MlsecError("E_INVALID_ARGUMENT", `APGD needs at least 2 steps, got ${steps}`);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const classes = model.numClasses;
  const checkpoints = new Set(apgdCheckpoints(steps));
  const best = x.data.slice();
  const success = new Uint8Array(n);
  const queries = new Int32Array(n);
  const direction = new Float32Array(stride);
  const restarts = Math.max(1, p.restarts ?? 1);
  const rho = 0.75;

  // Loss value and ascent gradient at the current points of the active samples.
  const evaluate = async (points: Float32Array, active: number[]) => {
    if (p.loss === "ce") {
      const rows = gatherRows(points, stride, active);
      const targeted = goal.targets !== undefined;
      const labels = Int32Array.from(active, (i) => (targeted ? goal.targets![i] : goal.labels[i]));
      const r = await model.lossGradient(
        { shape: [active.length, ...model.inputShape], data: rows },
        labels,
      );
      const s = targeted ? -1 : 1;
      return {
        values: Float64Array.from(r.loss, (v) => s * v),
        gradients: s === 1 ? r.gradient.data : r.gradient.data.map((v) => -v),
        logits: r.logits!.data,
      };
    }
    // DLR: a forward pass ranks the classes, then ∇(−N/D) = −(∇N·D − N·∇D)/D².
    const rows = gatherRows(points, stride, active);
    const logits = (
      await model.predict({ shape: [active.length, ...model.inputShape], data: rows })
    ).data;
    const terms = active.map((i, k) => dlrTerms(logits, k, classes, goal, i));
    const requests: LogitCombination[] = terms.flatMap((t, k) => [
      { row: k, coefficients: t.numerator },
      { row: k, coefficients: t.denominator },
    ]);
    const { gradients: g } = await logitCombinationGradients(model, rows, active.length, requests);
    const gradients = new Float32Array(active.length * stride);
    terms.forEach((t, k) => {
      const zy = (m: ReadonlyMap<number, number>) => {
        let s = 0;
        for (const [c, a] of m) s += a * logits[k * classes + c];
        return s;
      };
      const num = zy(t.numerator);
      const den = zy(t.denominator) + 1e-12;
      for (let j = 0; j < stride; j++) {
        const gn = g[2 * k * stride + j];
        const gd = g[(2 * k + 1) * stride + j];
        gradients[k * stride + j] = -(gn * den - num * gd) / (den * den);
      }
    });
    return { values: Float64Array.from(terms, (t) => t.value), gradients, logits };
  };

  for (let restart = 0; restart < restarts; restart++) {
    let active = Array.from({ length: n }, (_, i) => i).filter((i) => !success[i]);
    if (active.length === 0) break;
    const current = x.data.slice();
    if (!p.cleanStart) {
      for (const i of active) {
        randomDelta(ctx.rng, stride, p.eps, p.norm, current, i * stride);
        for (let j = i * stride; j < (i + 1) * stride; j++) current[j] += x.data[j];
      }
      projectToBallAndBounds(current, x.data, n, p.eps, p.norm, model.bounds);
    }
    const previous = current.slice();
    const maxPoint = current.slice();
    const eta = new Float64Array(n).fill(2 * p.eps);
    const fPrev = new Float64Array(n).fill(-Infinity);
    const fMax = new Float64Array(n).fill(-Infinity);
    const increases = new Int32Array(n);
    const etaAtCheckpoint = new Float64Array(n).fill(2 * p.eps);
    const fMaxAtCheckpoint = new Float64Array(n).fill(-Infinity);
    const momentumReset = new Uint8Array(n).fill(1);
    let lastCheckpoint = 0;
    // Iteration `steps` only scores the last iterate.
    for (let k = 0; k <= steps && active.length > 0; k++) {
      const { values, gradients, logits } = await evaluate(current, active);
      const still: number[] = [];
      const isCheckpoint = checkpoints.has(k);
      active.forEach((i, r) => {
        queries[i]++;
        const off = i * stride;
        if (isAdversarial(goal, i, argmaxRow(logits, r, classes))) {
          success[i] = 1;
          best.set(current.subarray(off, off + stride), off);
          return;
        }
        const f = values[r];
        if (f > fPrev[i]) increases[i]++;
        fPrev[i] = f;
        if (f > fMax[i]) {
          fMax[i] = f;
          maxPoint.set(current.subarray(off, off + stride), off);
          if (!success[i]) best.set(current.subarray(off, off + stride), off);
        }
        if (k === steps) return;
        still.push(i);
        if (isCheckpoint) {
          const few = increases[i] < rho * (k - lastCheckpoint);
          const stalled = etaAtCheckpoint[i] === eta[i] && fMaxAtCheckpoint[i] === fMax[i];
          etaAtCheckpoint[i] = eta[i];
          fMaxAtCheckpoint[i] = fMax[i];
          increases[i] = 0;
          if (few || stalled) {
            eta[i] /= 2;
            // Restart from the best point; its gradient is taken at the next iteration.
            current.set(maxPoint.subarray(off, off + stride), off);
            previous.set(maxPoint.subarray(off, off + stride), off);
            fPrev[i] = fMax[i];
            momentumReset[i] = 1;
            return;
          }
        }
        unitDirection(gradients.subarray(r * stride, (r + 1) * stride), 0, stride, direction, {
          norm: p.norm,
        });
        const alpha = momentumReset[i] ? 1 : 0.75;
        momentumReset[i] = 0;
        // z is projected before the momentum mix (Alg. 1, line 8), then the result again.
        const zi = new Float32Array(stride);
        for (let j = 0; j < stride; j++) zi[j] = current[off + j] + eta[i] * direction[j];
        projectToBallAndBounds(
          zi,
          x.data.subarray(off, off + stride),
          1,
          p.eps,
          p.norm,
          model.bounds,
        );
        for (let j = 0; j < stride; j++) {
          const xk = current[off + j];
          const next = xk + alpha * (zi[j] - xk) + (1 - alpha) * (xk - previous[off + j]);
          previous[off + j] = xk;
          current[off + j] = next;
        }
        const view = current.subarray(off, off + stride);
        projectToBallAndBounds(
          view,
          x.data.subarray(off, off + stride),
          1,
          p.eps,
          p.norm,
          model.bounds,
        );
      });
      if (isCheckpoint) lastCheckpoint = k;
      active = still;
      ctx.onProgress?.({
        task: `apgd-${p.loss}`,
        done: restart * steps + k + 1,
        total: restarts * steps,
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
