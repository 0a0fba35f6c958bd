// PGD on estimated gradients, for models that only predict. NES: Ilyas, Engstrom, Athalye & Lin
// 2018 ("Black-box Adversarial Attacks with Limited Queries and Information", §2.2, antithetic
// Gaussian samples); SPSA: Uesato, O'Donoghue, van den Oord & Kohli 2018 ("Adversarial Risk and
// the Dangers of Evaluating Against Weak Attacks", §3.1, Rademacher samples). Both estimate the
// gradient of the margin loss (margin.ts) by symmetric finite differences.

import { type Classifier, MlsecError, type Tensor } from "../../core/index.js";
import { unitDirection } from "./direction.js";
import { gatherRows, goalMargin, predictRows } from "./margin.js";
import { perturbationNorms, projectToBallAndBounds } from "./norms.js";
import type { AttackContext, AttackGoal, AttackResult, NormKind } from "./types.js";

export interface EstimatedPgdParams {
  readonly estimator: "nes" | "spsa";
  readonly eps: number;
  readonly epsStep: number;
  readonly norm: NormKind;
  /** Query budget per sample; the attack stops a sample when the next step would exceed it. */
  readonly maxQueries: number;
  /** Antithetic pairs per gradient estimate (2 queries each). */
  readonly samples?: number;
  /** Finite-difference radius (NES σ; SPSA δ). */
  readonly sigma?: number;
}

export async function estimatedPgdBatch(
  model: Classifier,
  x: Tensor,
  goal: AttackGoal,
  p: EstimatedPgdParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0) || !Number.isFinite(p.eps))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  if (!(p.epsStep > 0))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps-step must be > 0, got ${p.epsStep}`);
  const pairs = p.samples ?? 25;
  const sigma = p.sigma ?? (p.estimator === "nes" ? 0.001 : 0.01) * boundsRange(model.bounds);
  if (!Number.isInteger(pairs) || pairs < 1)
    throw new MlsecError("E_INVALID_ARGUMENT", `samples must be ≥ 1, got ${pairs}`);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const classes = model.numClasses;
  const batch = ctx.batchSize ?? 128;
  const rng = ctx.rng;
  const current = x.data.slice();
  const queries = new Int32Array(n);
  const success = new Uint8Array(n);
  const perStep = 2 * pairs + 1;
  if (p.maxQueries < perStep + 1)
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `max-queries ${p.maxQueries} is below one ${p.estimator} step and a final check (${perStep + 1} queries)`,
    );
  let active = Array.from({ length: n }, (_, i) => i);
  const noise = new Float32Array(pairs * stride);
  const grad = new Float64Array(stride);
  const ascent = new Float32Array(stride);
  const direction = new Float32Array(stride);
  // Keep one query for scoring the final point.
  const maxSteps = Math.floor((p.maxQueries - 1) / perStep);
  for (let step = 0; step < maxSteps && active.length > 0; step++) {
    // One query buffer: per active sample, its current point then 2·pairs probes.
    const rows = active.length * perStep;
    const probes = new Float32Array(rows * stride);
    const draws: Float32Array[] = [];
    for (const [k, i] of active.entries()) {
      const base = current.subarray(i * stride, (i + 1) * stride);
      for (let j = 0; j < noise.length; j++) {
        noise[j] = p.estimator === "nes" ? rng.normal() : rng.next() < 0.5 ? -1 : 1;
      }
      draws.push(noise.slice());
      const o = k * perStep * stride;
      probes.set(base, o);
      for (let q = 0; q < pairs; q++) {
        const plus = o + (1 + 2 * q) * stride;
        const minus = plus + stride;
        for (let j = 0; j < stride; j++) {
          // Probes may leave the bounds by σ; the margin stays defined there for most models,
          // but endpoints may refuse, so clip and accept the small bias at the faces.
          const u = sigma * noise[q * stride + j];
          probes[plus + j] = clipTo(model.bounds, base[j] + u);
          probes[minus + j] = clipTo(model.bounds, base[j] - u);
        }
      }
    }
    const logits = await predictRows(model, probes, rows, batch);
    const still: number[] = [];
    for (const [k, i] of active.entries()) {
      queries[i] += perStep;
      const row0 = k * perStep;
      if (goalMargin(logits, row0, classes, goal, i) < 0) {
        success[i] = 1;
        continue;
      }
      grad.fill(0);
      const u = draws[k];
      for (let q = 0; q < pairs; q++) {
        const diff =
          goalMargin(logits, row0 + 1 + 2 * q, classes, goal, i) -
          goalMargin(logits, row0 + 2 + 2 * q, classes, goal, i);
        const coefficient = diff / (2 * sigma * pairs);
        for (let j = 0; j < stride; j++) grad[j] += coefficient * u[q * stride + j];
      }
      // Descend the margin (it is < 0 once adversarial).
      for (let j = 0; j < stride; j++) ascent[j] = -grad[j];
      const off = i * stride;
      unitDirection(ascent, 0, stride, direction, {
        norm: p.norm,
        x: current.subarray(off, off + stride),
        bounds: model.bounds,
      });
      for (let j = 0; j < stride; j++) current[off + j] += p.epsStep * direction[j];
      still.push(i);
    }
    projectToBallAndBounds(current, x.data, n, p.eps, p.norm, model.bounds);
    active = still;
    ctx.onProgress?.({ task: p.estimator, done: step + 1, total: maxSteps });
  }
  // Samples still active after the last step: score their final point once, within budget.
  if (active.length > 0) {
    const finals = gatherRows(current, stride, active);
    const logits = await predictRows(model, finals, active.length, batch);
    active.forEach((i, k) => {
      queries[i]++;
      if (goalMargin(logits, k, classes, goal, i) < 0) success[i] = 1;
    });
  }
  return {
    adversarial: { shape: [...x.shape], data: current },
    success,
    norms: perturbationNorms(current, x.data, n),
    queries,
  };
}

function boundsRange(bounds: readonly [number, number]): number {
  const r = bounds[1] - bounds[0];
  return Number.isFinite(r) ? r : 1;
}

function clipTo(bounds: readonly [number, number], v: number): number {
  return Math.min(bounds[1], Math.max(bounds[0], v));
}
