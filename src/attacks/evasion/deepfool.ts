// DeepFool, Moosavi-Dezfooli, Fawzi & Frossard 2016 ("DeepFool: a simple and accurate method to
// fool deep neural networks", Alg. 2 for L2, §3.3 for general p): linearise the model around the
// current point, step to the nearest linearised boundary among the top candidate classes, and
// overshoot the summed steps by (1 + overshoot); projected into the eps-ball. Targeted mode
// follows only the target's boundary: it linearises z_t − z_c, with c the strongest other class
// at the previous iterate (the label at first), until t wins.

import { type Differentiable, MlsecError, type Tensor } from "../../core/index.js";
import { argmaxRow, isAdversarial } from "./goal.js";
import { logitCombinationGradients, rankedClasses } from "./logit-gradients.js";
import { perturbationNorms, projectToBallAndBounds } from "./norms.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface DeepFoolParams {
  readonly eps: number;
  readonly norm: "2" | "inf";
  /** Iterations at most (default 50). */
  readonly steps?: number;
  /** Classes considered: the label plus the top (candidates − 1) others (default 10). */
  readonly candidates?: number;
  /** Extra step past the boundary (default 0.02). */
  readonly overshoot?: number;
}

export async function deepFoolBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: DeepFoolParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0)) throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const classes = model.numClasses;
  const steps = p.steps ?? 50;
  const overshoot = p.overshoot ?? 0.02;
  const k = Math.min(classes, Math.max(2, p.candidates ?? 10));
  const [lo, hi] = model.bounds;
  const current = x.data.slice();
  const total = new Float64Array(x.data.length);
  const queries = new Int32Array(n);
  const clean = await model.predict(x);
  const targets = goal.targets;
  // Candidate classes per sample: the target, or the strongest others at the clean input.
  const candidates = Array.from({ length: n }, (_, i) =>
    targets !== undefined
      ? [targets[i]]
      : rankedClasses(clean.data, i, classes)
          .filter((c) => c !== goal.labels[i])
          .slice(0, k - 1),
  );
  // The class whose boundary with a candidate is linearised: the label, or (targeted) the
  // strongest non-target class at the last evaluated point.
  const strongestOther = (logits: Float32Array, i: number) =>
    rankedClasses(logits, i, classes).find((c) => c !== targets![i])!;
  const source = Int32Array.from({ length: n }, (_, i) =>
    targets === undefined ? goal.labels[i] : strongestOther(clean.data, i),
  );
  let active: number[] = [];
  for (let i = 0; i < n; i++) {
    queries[i] = 1;
    if (!isAdversarial(goal, i, argmaxRow(clean.data, i, classes))) active.push(i);
  }
  for (let step = 0; step < steps && active.length > 0; step++) {
    // ∇(z_c − z_source) for every candidate c of every active sample, in one stacked call.
    const requests = active.flatMap((i) =>
      candidates[i].map((cls) => ({
        row: i,
        coefficients: new Map([
          [cls, 1],
          [source[i], -1],
        ]),
      })),
    );
    const { gradients, logits } = await logitCombinationGradients(model, current, n, requests);
    const still: number[] = [];
    let q = 0;
    for (const i of active) {
      queries[i]++;
      const y = source[i];
      if (isAdversarial(goal, i, argmaxRow(logits, i, classes))) {
        q += candidates[i].length;
        continue;
      }
      if (targets !== undefined) source[i] = strongestOther(logits, i);
      // Nearest linearised boundary: argmin_c |f_c| / ||w_c||_q (q dual to p).
      let bestRatio = Infinity;
      let bestQ = -1;
      let bestF = 0;
      let bestNorm = 0;
      for (const cls of candidates[i]) {
        const f = logits[i * classes + cls] - logits[i * classes + y];
        let norm = 0;
        for (let j = 0; j < stride; j++) {
          const g = gradients[q * stride + j];
          norm += p.norm === "2" ? g * g : Math.abs(g);
        }
        if (p.norm === "2") norm = Math.sqrt(norm);
        const ratio = (Math.abs(f) + 1e-4) / (norm + 1e-12);
        if (ratio < bestRatio) {
          bestRatio = ratio;
          bestQ = q;
          bestF = f;
          bestNorm = norm;
        }
        q++;
      }
      if (bestQ < 0 || bestNorm === 0) continue;
      const off = i * stride;
      const scale = (Math.abs(bestF) + 1e-4) / (p.norm === "2" ? bestNorm * bestNorm : bestNorm);
      for (let j = 0; j < stride; j++) {
        const g = gradients[bestQ * stride + j];
        total[off + j] += p.norm === "2" ? scale * g : scale * Math.sign(g);
        current[off + j] = Math.min(
          hi,
          Math.max(lo, x.data[off + j] + (1 + overshoot) * total[off + j]),
        );
      }
      still.push(i);
    }
    active = still;
    ctx.onProgress?.({ task: "deepfool", done: step + 1, total: steps });
  }
  projectToBallAndBounds(current, x.data, n, p.eps, p.norm, model.bounds);
  const final = await model.predict({ shape: x.shape, data: current });
  const success = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    queries[i]++;
    success[i] = isAdversarial(goal, i, argmaxRow(final.data, i, classes)) ? 1 : 0;
  }
  return {
    adversarial: { shape: [...x.shape], data: current },
    success,
    norms: perturbationNorms(current, x.data, n),
    queries,
  };
}
