// Square attack, Andriushchenko, Croce, Flammarion & Hein 2020 ("Square Attack: a query-efficient
// black-box adversarial attack via random search", Alg. 1 and 3): random square updates at the
// boundary of the L∞ / L2 ball, kept when the margin loss falls; p schedule of §A (10k iterations).

import { type Classifier, MlsecError, type Rng, type Tensor } from "../../core/index.js";
import { goalMargin, predictRows } from "./margin.js";
import { perturbationNorms } from "./norms.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface SquareParams {
  readonly eps: number;
  readonly norm: "inf" | "2";
  /** Query budget per sample (the first evaluation included). */
  readonly maxQueries: number;
  /** Initial fraction of pixels changed per step (paper: 0.05 L∞ ImageNet, 0.3 MNIST; 0.1 L2). */
  readonly pInit?: number;
}

/** The piecewise-constant schedule of p, halving at fixed fractions of a 10,000-step run. */
export function squareP(pInit: number, iteration: number, totalIterations: number): number {
  const it = Math.floor((iteration / Math.max(1, totalIterations)) * 10000);
  const cuts = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let p = pInit;
  for (const c of cuts) if (it > c) p /= 2;
  return p;
}

/** [channels, height, width] view of a per-sample shape (vectors become one row). */
export function imageGeometry(shape: readonly number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [1, shape[0], shape[1]];
  return [1, 1, shape.reduce((a, b) => a * b, 1)];
}

function windowSize(p: number, h: number, w: number, c: number, minimum: number): [number, number] {
  if (h === 1) return [1, Math.min(w, Math.max(minimum, Math.round(p * w)))];
  const s = Math.max(minimum, Math.round(Math.sqrt((p * h * w * c) / c)));
  return [Math.min(s, h - 1 > 0 ? h - 1 : 1), Math.min(s, w - 1 > 0 ? w - 1 : 1)];
}

const choice = (rng: Rng) => (rng.next() < 0.5 ? -1 : 1);

/** Pseudo-Gaussian rectangle of §3.2 (concentric rings weighted 1/(r+1)²), unit L2 norm. */
function pseudoGaussian(rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  let r0 = Math.floor(rows / 2);
  let c0 = Math.floor(cols / 2);
  for (let k = 0; k < Math.max(Math.floor(rows / 2) + 1, Math.floor(cols / 2) + 1); k++) {
    for (let i = Math.max(r0, 0); i < Math.min(r0 + 2 * k + 1, rows); i++) {
      for (let j = Math.max(c0, 0); j < Math.min(c0 + 2 * k + 1, cols); j++) {
        out[i * cols + j] += 1 / (k + 1) ** 2;
      }
    }
    r0--;
    c0--;
  }
  return normalize(out);
}

function normalize(v: Float64Array): Float64Array {
  let sq = 0;
  for (const a of v) sq += a * a;
  const s = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= s;
  return v;
}

/** Two opposite pseudo-Gaussian halves, randomly transposed (the L2 update's shape). */
function metaPseudoGaussian(sh: number, sw: number, rng: Rng): Float64Array {
  const out = new Float64Array(sh * sw);
  const top = Math.floor(sh / 2);
  if (top === 0) return pseudoGaussian(sh, sw).map((v) => v * choice(rng));
  const a = pseudoGaussian(top, sw);
  const b = pseudoGaussian(sh - top, sw);
  out.set(a, 0);
  for (let i = 0; i < b.length; i++) out[top * sw + i] = -b[i];
  normalize(out);
  if (sh === sw && rng.next() > 0.5) {
    const t = new Float64Array(out.length);
    for (let i = 0; i < sh; i++) for (let j = 0; j < sw; j++) t[j * sh + i] = out[i * sw + j];
    return t;
  }
  return out;
}

export async function squareBatch(
  model: Classifier,
  x: Tensor,
  goal: AttackGoal,
  p: SquareParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0) || !Number.isFinite(p.eps))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  if (!Number.isInteger(p.maxQueries) || p.maxQueries < 1)
    throw new MlsecError("E_INVALID_ARGUMENT", `max-queries must be ≥ 1, got ${p.maxQueries}`);
  const [lo, hi] = model.bounds;
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const [c, h, w] = imageGeometry(model.inputShape);
  const classes = model.numClasses;
  const batch = ctx.batchSize ?? 128;
  const pInit = p.pInit ?? (p.norm === "inf" ? 0.3 : 0.1);
  const clip = (v: number) => Math.min(hi, Math.max(lo, v));
  const rng = ctx.rng;
  const best = new Float32Array(x.data.length);
  const margin = new Float64Array(n);
  const queries = new Int32Array(n);

  // Initialisation. L∞: vertical stripes of ±eps; L2: a grid of pseudo-Gaussian blocks.
  for (let i = 0; i < n; i++) {
    const off = i * stride;
    if (p.norm === "inf") {
      for (let ch = 0; ch < c; ch++) {
        for (let col = 0; col < w; col++) {
          const s = choice(rng) * p.eps;
          for (let r = 0; r < h; r++) {
            const j = off + (ch * h + r) * w + col;
            best[j] = clip(x.data[j] + s);
          }
        }
      }
    } else {
      const delta = new Float64Array(stride);
      const s = Math.max(1, Math.floor(h / 5));
      const sw = h === 1 ? Math.max(1, Math.floor(w / 5)) : s;
      for (let r0 = 0; r0 + s <= h; r0 += s) {
        for (let c0 = 0; c0 + sw <= w; c0 += sw) {
          const block = metaPseudoGaussian(s, sw, rng);
          for (let ch = 0; ch < c; ch++) {
            const sign = choice(rng);
            for (let a = 0; a < s; a++)
              for (let b = 0; b < sw; b++)
                delta[(ch * h + r0 + a) * w + c0 + b] += sign * block[a * sw + b];
          }
        }
      }
      normalize(delta);
      for (let j = 0; j < stride; j++) best[off + j] = clip(x.data[off + j] + p.eps * delta[j]);
    }
  }
  const initial = await predictRows(model, best, n, batch);
  let active: number[] = [];
  for (let i = 0; i < n; i++) {
    queries[i] = 1;
    margin[i] = goalMargin(initial, i, classes, goal, i);
    if (margin[i] >= 0) active.push(i);
  }

  const total = p.maxQueries - 1;
  const candidate = new Float32Array(stride * n);
  for (let it = 0; it < total && active.length > 0; it++) {
    const prob = squareP(pInit, it, total);
    for (const [k, i] of active.entries()) {
      const off = i * stride;
      const out = candidate.subarray(k * stride, (k + 1) * stride);
      out.set(best.subarray(off, off + stride));
      if (p.norm === "inf") linfUpdate(out, x.data, off, prob, p.eps, [c, h, w], rng, clip);
      else l2Update(out, x.data, off, prob, p.eps, [c, h, w], rng, clip);
    }
    const logits = await predictRows(
      model,
      candidate.subarray(0, active.length * stride),
      active.length,
      batch,
    );
    const still: number[] = [];
    for (const [k, i] of active.entries()) {
      queries[i]++;
      const m = goalMargin(logits, k, classes, goal, i);
      if (m < margin[i]) {
        margin[i] = m;
        best.set(candidate.subarray(k * stride, (k + 1) * stride), i * stride);
      }
      if (margin[i] >= 0) still.push(i);
    }
    active = still;
    if (it % 10 === 0 || active.length === 0)
      ctx.onProgress?.({ task: "square", done: it + 1, total });
  }
  const success = new Uint8Array(n);
  for (let i = 0; i < n; i++) success[i] = margin[i] < 0 ? 1 : 0;
  return {
    adversarial: { shape: [...x.shape], data: best },
    success,
    norms: perturbationNorms(best, x.data, n),
    queries,
  };
}

function linfUpdate(
  out: Float32Array,
  clean: Float32Array,
  off: number,
  prob: number,
  eps: number,
  [c, h, w]: [number, number, number],
  rng: Rng,
  clip: (v: number) => number,
): void {
  const [sh, sw] = windowSize(prob, h, w, c, 1);
  const r0 = rng.int(h - sh + 1);
  const c0 = rng.int(w - sw + 1);
  // Resample the window's signs until the update changes something (at most a few tries).
  for (let attempt = 0; attempt < 10; attempt++) {
    let changed = false;
    for (let ch = 0; ch < c; ch++) {
      const s = choice(rng) * eps;
      for (let a = 0; a < sh; a++) {
        for (let b = 0; b < sw; b++) {
          const j = (ch * h + r0 + a) * w + c0 + b;
          const v = clip(clean[off + j] + s);
          if (Math.abs(v - out[j]) > 1e-7) changed = true;
          out[j] = v;
        }
      }
    }
    if (changed) return;
  }
}

function l2Update(
  out: Float32Array,
  clean: Float32Array,
  off: number,
  prob: number,
  eps: number,
  [c, h, w]: [number, number, number],
  rng: Rng,
  clip: (v: number) => number,
): void {
  let [sh, sw] = windowSize(prob, h, w, c, 3);
  if (h > 1 && sh % 2 === 0) sh = Math.min(h, sh + 1);
  if (sw % 2 === 0) sw = Math.min(w, sw + 1);
  if (h > 1) sw = sh = Math.min(sh, sw);
  const stride = c * h * w;
  const delta = new Float64Array(stride);
  let total = 0;
  for (let j = 0; j < stride; j++) {
    delta[j] = out[j] - clean[off + j];
    total += delta[j] * delta[j];
  }
  const r1 = rng.int(h - sh + 1);
  const c1 = rng.int(w - sw + 1);
  const r2 = rng.int(h - sh + 1);
  const c2 = rng.int(w - sw + 1);
  const inWindow = (r: number, col: number, r0: number, c0: number) =>
    r >= r0 && r < r0 + sh && col >= c0 && col < c0 + sw;
  const block = metaPseudoGaussian(sh, sw, rng);
  for (let ch = 0; ch < c; ch++) {
    // Mass in the union of both windows is what the update may redistribute.
    let unionSq = 0;
    let w1Sq = 0;
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const j = (ch * h + r) * w + col;
        const in1 = inWindow(r, col, r1, c1);
        if (in1 || inWindow(r, col, r2, c2)) unionSq += delta[j] ** 2;
        if (in1) w1Sq += delta[j] ** 2;
      }
    }
    const sign = choice(rng);
    const update = new Float64Array(sh * sw);
    const w1Norm = Math.sqrt(w1Sq) + 1e-10;
    let sq = 0;
    for (let a = 0; a < sh; a++) {
      for (let b = 0; b < sw; b++) {
        const v = sign * block[a * sw + b] + delta[(ch * h + r1 + a) * w + c1 + b] / w1Norm;
        update[a * sw + b] = v;
        sq += v * v;
      }
    }
    const target = Math.sqrt(Math.max(eps * eps - total, 0) / c + unionSq);
    const scale = sq > 0 ? target / Math.sqrt(sq) : 0;
    for (let a = 0; a < sh; a++)
      for (let b = 0; b < sw; b++) delta[(ch * h + r2 + a) * w + c2 + b] = 0;
    for (let a = 0; a < sh; a++)
      for (let b = 0; b < sw; b++)
        delta[(ch * h + r1 + a) * w + c1 + b] = update[a * sw + b] * scale;
  }
  let sq = 0;
  for (const v of delta) sq += v * v;
  const scale = sq > 0 ? eps / Math.sqrt(sq) : 0;
  for (let j = 0; j < stride; j++) out[j] = clip(clean[off + j] + delta[j] * scale);
}
