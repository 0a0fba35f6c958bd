// HopSkipJump, Chen, Jordan & Wainwright 2020 ("HopSkipJumpAttack: A Query-Efficient
// Decision-Based Attack", Alg. 1-2): binary search to the decision boundary, a Monte-Carlo
// estimate of the boundary's normal from top-1 decisions only (with baseline, §4.2), and a
// geometric step along it. L2 and L∞ (sign of the estimate); θ = d^(-3/2) (L2) or d^(-2) (L∞).
// With eps the final point is projected into the eps-ball and rechecked (one more query).

import { type Classifier, MlsecError, type Rng, type Tensor } from "../../core/index.js";
import { argmaxRow, isAdversarial } from "./goal.js";
import { predictRows } from "./margin.js";
import { perturbationNorms, projectToBallAndBounds, sliceNorm } from "./norms.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface HopSkipJumpParams {
  readonly eps: number;
  readonly norm: "2" | "inf";
  readonly maxQueries: number;
  /** Boundary iterations at most (default 40). */
  readonly iterations?: number;
  /** Probes of the first gradient estimate, growing with √t (default 100). */
  readonly initEvals?: number;
  /** Cap on probes per estimate (default 1,000). */
  readonly maxEvals?: number;
}

class BudgetExhausted extends Error {}

export async function hopSkipJumpBatch(
  model: Classifier,
  x: Tensor,
  goal: AttackGoal,
  p: HopSkipJumpParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0) || !Number.isFinite(p.eps))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  const [lo, hi] = model.bounds;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new MlsecError("E_INVALID_ARGUMENT", "HopSkipJump needs finite input bounds", {
      hint: "Pass --bounds lo,hi so the attack can draw its random starting points.",
    });
  }
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const out = x.data.slice();
  const queries = new Int32Array(n);
  const success = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const clean = x.data.subarray(i * stride, (i + 1) * stride);
    const state = new SampleAttack(model, clean, goal, i, p, ctx.rng, ctx.batchSize ?? 128);
    let found: Float32Array | undefined;
    try {
      found = await state.run();
    } catch (e) {
      if (!(e instanceof BudgetExhausted)) throw e;
      found = state.best;
    }
    if (found !== undefined) {
      const projected = found.slice();
      projectToBallAndBounds(projected, clean, 1, p.eps, p.norm, model.bounds);
      // The projection may step back across the boundary: recheck (the budget keeps one query).
      const ok = await state.isAdversarialBatch(projected, 1, true);
      if (ok[0]) {
        out.set(projected, i * stride);
        success[i] = 1;
      }
    }
    queries[i] = state.queries;
    ctx.onProgress?.({ task: "hopskipjump", done: i + 1, total: n });
  }
  return {
    adversarial: { shape: [...x.shape], data: out },
    success,
    norms: perturbationNorms(out, x.data, n),
    queries,
  };
}

class SampleAttack {
  queries = 0;
  best: Float32Array | undefined;
  private readonly d: number;
  private readonly theta: number;

  constructor(
    private readonly model: Classifier,
    private readonly clean: Float32Array,
    private readonly goal: AttackGoal,
    private readonly sample: number,
    private readonly p: HopSkipJumpParams,
    private readonly rng: Rng,
    private readonly batchSize: number,
  ) {
    this.d = clean.length;
    this.theta = p.norm === "2" ? this.d ** -1.5 : this.d ** -2;
  }

  /** Top-1 decisions for `count` stacked points; `final` may spend the reserved last query. */
  async isAdversarialBatch(points: Float32Array, count: number, final = false): Promise<boolean[]> {
    const reserve = final ? 0 : 1;
    if (this.queries + count > this.p.maxQueries - reserve) throw new BudgetExhausted();
    this.queries += count;
    const logits = await predictRows(this.model, points, count, this.batchSize);
    const classes = this.model.numClasses;
    return Array.from({ length: count }, (_, k) =>
      isAdversarial(this.goal, this.sample, argmaxRow(logits, k, classes)),
    );
  }

  private async isAdv(point: Float32Array): Promise<boolean> {
    return (await this.isAdversarialBatch(point, 1))[0];
  }

  private distance(point: Float32Array): number {
    const diff = new Float32Array(this.d);
    for (let j = 0; j < this.d; j++) diff[j] = point[j] - this.clean[j];
    return sliceNorm(diff, 0, this.d, this.p.norm);
  }

  /** The point between clean (α = 0) and `point` (α = 1) under the norm's interpolation. */
  private between(point: Float32Array, alpha: number): Float32Array {
    const out = new Float32Array(this.d);
    if (this.p.norm === "2") {
      for (let j = 0; j < this.d; j++) out[j] = (1 - alpha) * this.clean[j] + alpha * point[j];
    } else {
      const radius = alpha * this.distance(point);
      for (let j = 0; j < this.d; j++) {
        out[j] = Math.min(this.clean[j] + radius, Math.max(this.clean[j] - radius, point[j]));
      }
    }
    return out;
  }

  /** Binary search on α until the bracket is under θ; returns the adversarial end. */
  private async toBoundary(point: Float32Array): Promise<Float32Array> {
    let low = 0;
    let high = 1;
    while (high - low > this.theta) {
      const mid = (low + high) / 2;
      if (await this.isAdv(this.between(point, mid))) high = mid;
      else low = mid;
    }
    return this.between(point, high);
  }

  private async initialPoint(): Promise<Float32Array | undefined> {
    const [lo, hi] = this.model.bounds;
    for (let attempt = 0; attempt < 100; attempt++) {
      const noise = new Float32Array(this.d);
      for (let j = 0; j < this.d; j++) noise[j] = lo + (hi - lo) * this.rng.next();
      if (await this.isAdv(noise)) return noise;
    }
    return undefined;
  }

  async run(): Promise<Float32Array | undefined> {
    if (await this.isAdv(this.clean)) {
      this.best = this.clean.slice();
      return this.best;
    }
    const start = await this.initialPoint();
    if (start === undefined) return undefined;
    this.best = start;
    let current = await this.toBoundary(start);
    this.best = current;
    const iterations = this.p.iterations ?? 40;
    for (let t = 1; t <= iterations; t++) {
      const dist = this.distance(current);
      const delta = (this.p.norm === "2" ? Math.sqrt(this.d) : this.d) * this.theta * dist;
      const probes = Math.min(
        Math.round((this.p.initEvals ?? 100) * Math.sqrt(t)),
        this.p.maxEvals ?? 1000,
        this.p.maxQueries - 1 - this.queries,
      );
      if (probes < 2) break;
      const grad = await this.estimateNormal(current, Math.max(delta, 1e-12), probes);
      const update = new Float32Array(this.d);
      if (this.p.norm === "2") update.set(grad);
      else for (let j = 0; j < this.d; j++) update[j] = Math.sign(grad[j]);
      // Geometric step: start at dist/√t and halve until the step stays adversarial.
      let size = dist / Math.sqrt(t);
      let candidate = this.step(current, update, size);
      while (!(await this.isAdv(candidate))) {
        size /= 2;
        candidate = this.step(current, update, size);
        if (size < 1e-12) break;
      }
      current = await this.toBoundary(candidate);
      if (this.distance(current) <= this.distance(this.best)) this.best = current;
    }
    return this.best;
  }

  private step(point: Float32Array, update: Float32Array, size: number): Float32Array {
    const [lo, hi] = this.model.bounds;
    const out = new Float32Array(this.d);
    for (let j = 0; j < this.d; j++)
      out[j] = Math.min(hi, Math.max(lo, point[j] + size * update[j]));
    return out;
  }

  /** Unit-L2 estimate of the direction that keeps the point adversarial (§4.2, baseline). */
  private async estimateNormal(point: Float32Array, delta: number, count: number) {
    const [lo, hi] = this.model.bounds;
    const probes = new Float32Array(count * this.d);
    const directions = new Float32Array(count * this.d);
    for (let b = 0; b < count; b++) {
      const u = directions.subarray(b * this.d, (b + 1) * this.d);
      let sq = 0;
      for (let j = 0; j < this.d; j++) {
        u[j] = this.p.norm === "2" ? this.rng.normal() : 2 * this.rng.next() - 1;
        sq += u[j] * u[j];
      }
      const scale = 1 / Math.sqrt(sq);
      for (let j = 0; j < this.d; j++) {
        const v = Math.min(hi, Math.max(lo, point[j] + delta * u[j] * scale));
        probes[b * this.d + j] = v;
        // The direction actually probed after clipping.
        u[j] = (v - point[j]) / delta;
      }
    }
    const decisions = await this.isAdversarialBatch(probes, count);
    const phi = decisions.map((a) => (a ? 1 : -1));
    const mean = phi.reduce((a, b) => a + b, 0) / count;
    const baseline = Math.abs(mean) === 1 ? 0 : mean;
    const grad = new Float64Array(this.d);
    for (let b = 0; b < count; b++) {
      const coefficient = phi[b] - baseline;
      for (let j = 0; j < this.d; j++) grad[j] += coefficient * directions[b * this.d + j];
    }
    let sq = 0;
    for (const g of grad) sq += g * g;
    const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    return Float32Array.from(grad, (g) => g * scale);
  }
}
