// FAB, the fast adaptive boundary attack, Croce & Hein 2020 ("Minimally distorted adversarial
// examples with a fast adaptive boundary attack", ICML, Alg. 1): at the current iterate x_k,
// linearise the boundary between the label y and a class s, project both x_k and the original
// x_0 onto that hyperplane inside the input box (hyperplane-projection.ts), and step to
//   x_{k+1} = clip((1 − α)(x_k + η δ_k) + α(x_0 + η δ_0)),  α = min(‖δ_k‖ / (‖δ_k‖ + ‖δ_0‖), α_max),
// with η = 1.05, α_max = 0.1. Whenever x_{k+1} is adversarial it is kept if it is the closest
// yet, and the iterate is pulled back toward x_0: x_{k+1} ← x_0 + β(x_{k+1} − x_0), β = 0.9.
// Untargeted FAB picks s as the class with the nearest linearised boundary; FAB-T (the variant in
// AutoAttack's standard ensemble, Croce & Hein 2020b §5) fixes s to a given class per sample and
// still counts any change of the goal as success. A targeted goal follows the boundary between
// the target and the strongest other class at the last prediction (the label at first). Restart 0 starts at x_0; later restarts at a
// random point in the ball of radius min(‖best − x_0‖, ε)/2. Success requires ‖best − x_0‖ ≤ ε.

import { type Differentiable, MlsecError, type Tensor } from "../../core/index.js";
import { argmaxRow, isAdversarial } from "./goal.js";
import { projectOntoHyperplaneInBox } from "./hyperplane-projection.js";
import { rankedClasses } from "./logit-gradients.js";
import { gatherRows } from "./margin.js";
import { perturbationNorms, projectToBallAndBounds, sliceNorm } from "./norms.js";
import { randomDelta } from "./random-init.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface FabParams {
  readonly eps: number;
  readonly norm: "inf" | "2";
  /** Iterations per restart (default 100). */
  readonly steps?: number;
  /** Restarts (default 1: only the run from the clean input). */
  readonly restarts?: number;
  /**
   * FAB-T: the class whose boundary with the label is followed, per sample. Defaults to the
   * goal's targets when the goal is targeted; otherwise the nearest boundary is chosen per step.
   */
  readonly towards?: Int32Array;
  /** Stop a sample once an adversarial point within eps is found (default false: keep shrinking). */
  readonly earlyStop?: boolean;
  readonly overshoot?: number;
  readonly alphaMax?: number;
  readonly backtrack?: number;
}

const ETA = 1.05;
const ALPHA_MAX = 0.1;
const BETA = 0.9;

function validate(p: FabParams, n: number): void {
  if (!(p.eps > 0) || !Number.isFinite(p.eps)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be a finite number > 0, got ${p.eps}`);
  }
  const steps = p.steps ?? 100;
  const restarts = p.restarts ?? 1;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `FAB needs at least 1 step, got ${steps}`);
  }
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `FAB needs at least 1 restart, got ${restarts}`);
  }
  if (p.towards !== undefined && p.towards.length !== n) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `FAB-T needs one class per sample: ${n} samples, ${p.towards.length} classes`,
    );
  }
}

/** Per sample: the logits at x_k and ∇(z_s − z_o) with z_s − z_o for the chosen class s. */
interface Linearisation {
  readonly logits: Float32Array;
  readonly value: Float64Array;
  readonly gradient: Float32Array;
}

/**
 * Linearises z_s − z_o (o = sources[i]) at the points of the `active` samples. ∇CE_k =
 * Σ_j p_j ∇z_j − ∇z_k, so ∇z_s − ∇z_o = ∇CE_o − ∇CE_s: one cross-entropy row per class involved.
 */
async function linearise(
  model: Differentiable,
  points: Float32Array,
  stride: number,
  active: readonly number[],
  sources: Int32Array,
  candidatesOf: (i: number) => readonly number[],
  norm: "inf" | "2",
): Promise<Linearisation> {
  const classes = model.numClasses;
  const rows: number[] = [];
  const rowLabels: number[] = [];
  const firstRow: number[] = [];
  for (const [k, i] of active.entries()) {
    firstRow.push(rows.length);
    for (const c of [sources[i], ...candidatesOf(i)]) {
      rows.push(k);
      rowLabels.push(c);
    }
  }
  const stacked = gatherRows(gatherRows(points, stride, active), stride, rows);
  const r = await model.lossGradient(
    { shape: [rows.length, ...model.inputShape], data: stacked },
    Int32Array.from(rowLabels),
  );
  const all =
    r.logits?.data ?? (await model.predict({ shape: r.gradient.shape, data: stacked })).data;
  const g = r.gradient.data;
  const logits = new Float32Array(active.length * classes);
  const value = new Float64Array(active.length);
  const gradient = new Float32Array(active.length * stride);
  for (const [k, i] of active.entries()) {
    const base = firstRow[k];
    logits.set(all.subarray(base * classes, (base + 1) * classes), k * classes);
    const y = sources[i];
    const candidates = candidatesOf(i);
    // Nearest linearised boundary: argmin_s |z_s − z_y| / ‖∇(z_s − z_y)‖_q, q dual to the norm.
    let best = -1;
    let bestRatio = Number.POSITIVE_INFINITY;
    for (let c = 0; c < candidates.length; c++) {
      const row = base + 1 + c;
      let dual = 0;
      for (let j = 0; j < stride; j++) {
        const v = g[base * stride + j] - g[row * stride + j];
        dual += norm === "inf" ? Math.abs(v) : v * v;
      }
      if (norm === "2") dual = Math.sqrt(dual);
      const f = all[base * classes + candidates[c]] - all[base * classes + y];
      const ratio = Math.abs(f) / (dual + 1e-12);
      if (ratio < bestRatio || best < 0) {
        bestRatio = ratio;
        best = c;
      }
    }
    const row = base + 1 + best;
    value[k] = all[base * classes + candidates[best]] - all[base * classes + y];
    for (let j = 0; j < stride; j++) {
      gradient[k * stride + j] = g[base * stride + j] - g[row * stride + j];
    }
  }
  return { logits, value, gradient };
}

export async function fabBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: FabParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  const n = x.shape[0];
  validate(p, n);
  const stride = n === 0 ? 0 : x.data.length / n;
  const classes = model.numClasses;
  const steps = p.steps ?? 100;
  const restarts = p.restarts ?? 1;
  const eta = p.overshoot ?? ETA;
  const alphaMax = p.alphaMax ?? ALPHA_MAX;
  const beta = p.backtrack ?? BETA;
  const bounds = model.bounds;
  const towards = p.towards ?? goal.targets;
  const others = (i: number) =>
    Array.from({ length: classes }, (_, c) => c).filter((c) => c !== goal.labels[i]);
  const candidatesOf = (i: number): readonly number[] =>
    towards !== undefined ? [towards[i]] : others(i);
  const targets = goal.targets;
  const strongestOther = (logits: Float32Array, row: number, i: number) =>
    rankedClasses(logits, row, classes).find((c) => c !== targets![i])!;

  const queries = new Int32Array(n);
  const best = x.data.slice();
  const bestNorm = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const clean = await model.predict(x);
  const sources = Int32Array.from({ length: n }, (_, i) =>
    targets === undefined ? goal.labels[i] : strongestOther(clean.data, i, i),
  );
  let pending: number[] = [];
  for (let i = 0; i < n; i++) {
    queries[i] = 1;
    if (isAdversarial(goal, i, argmaxRow(clean.data, i, classes))) bestNorm[i] = 0;
    else if (towards === undefined || towards[i] !== goal.labels[i]) pending.push(i);
  }
  const current = x.data.slice();
  const delta = new Float64Array(stride);
  const deltaOrigin = new Float64Array(stride);
  const shifted = new Float32Array(stride);
  for (let restart = 0; restart < restarts && pending.length > 0; restart++) {
    current.set(x.data);
    if (restart > 0) {
      for (const i of pending) {
        const radius = Math.min(bestNorm[i], p.eps) / 2;
        randomDelta(ctx.rng, stride, radius, p.norm, current, i * stride);
        for (let j = i * stride; j < (i + 1) * stride; j++) current[j] += x.data[j];
      }
      projectToBallAndBounds(current, x.data, n, Number.POSITIVE_INFINITY, p.norm, bounds);
    }
    for (let step = 0; step < steps; step++) {
      const lin = await linearise(model, current, stride, pending, sources, candidatesOf, p.norm);
      for (const [k, i] of pending.entries()) {
        queries[i]++;
        const off = i * stride;
        const w = lin.gradient.subarray(k * stride, (k + 1) * stride);
        const xk = current.subarray(off, off + stride);
        const x0 = x.data.subarray(off, off + stride);
        // The hyperplane is f + <w, z − x_k> = 0: from x_k it needs <w, δ> = −f, from x_0
        // it needs <w, δ> = −f − <w, x_0 − x_k>.
        let shift = 0;
        for (let j = 0; j < stride; j++) shift += w[j] * (x0[j] - xk[j]);
        const a1 = Math.max(
          projectOntoHyperplaneInBox(xk, w, -lin.value[k], bounds, p.norm, delta),
          1e-8,
        );
        const a2 = Math.max(
          projectOntoHyperplaneInBox(x0, w, -lin.value[k] - shift, bounds, p.norm, deltaOrigin),
          1e-8,
        );
        const alpha = Math.min(a1 / (a1 + a2), alphaMax);
        for (let j = 0; j < stride; j++) {
          const next =
            (1 - alpha) * (xk[j] + eta * delta[j]) + alpha * (x0[j] + eta * deltaOrigin[j]);
          xk[j] = Math.min(bounds[1], Math.max(bounds[0], next));
        }
      }
      const moved = gatherRows(current, stride, pending);
      const predicted = await model.predict({
        shape: [pending.length, ...model.inputShape],
        data: moved,
      });
      for (const [k, i] of pending.entries()) {
        queries[i]++;
        if (targets !== undefined) sources[i] = strongestOther(predicted.data, k, i);
        if (!isAdversarial(goal, i, argmaxRow(predicted.data, k, classes))) continue;
        const off = i * stride;
        for (let j = 0; j < stride; j++) shifted[j] = current[off + j] - x.data[off + j];
        const size = sliceNorm(shifted, 0, stride, p.norm);
        if (size < bestNorm[i]) {
          bestNorm[i] = size;
          best.set(current.subarray(off, off + stride), off);
        }
        for (let j = 0; j < stride; j++) {
          current[off + j] = x.data[off + j] + beta * shifted[j];
        }
      }
      if (p.earlyStop) pending = pending.filter((i) => !(bestNorm[i] <= p.eps));
      if (pending.length === 0) break;
      ctx.onProgress?.({ task: "fab", done: restart * steps + step + 1, total: restarts * steps });
    }
  }
  // Points that never crossed keep the last iterate; everything goes back into the eps-ball.
  for (const i of pending) {
    if (bestNorm[i] === Number.POSITIVE_INFINITY) {
      best.set(current.subarray(i * stride, (i + 1) * stride), i * stride);
    }
  }
  projectToBallAndBounds(best, x.data, n, p.eps, p.norm, bounds);
  const final = await model.predict({ shape: x.shape, data: best });
  const success = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    queries[i]++;
    success[i] = isAdversarial(goal, i, argmaxRow(final.data, i, classes)) ? 1 : 0;
  }
  return {
    adversarial: { shape: [...x.shape], data: best },
    success,
    norms: perturbationNorms(best, x.data, n),
    queries,
  };
}
