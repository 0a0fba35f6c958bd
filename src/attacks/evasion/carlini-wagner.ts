// Carlini–Wagner L2, Carlini & Wagner 2017 ("Towards Evaluating the Robustness of Neural
// Networks", §V-VI): minimise ||x' − x||²₂ + c·max(margin, −κ) over x' = lo + (hi−lo)(tanh w + 1)/2
// with Adam (§VI.A), and a per-sample binary search over c. The margin is f_6 on logits; the
// smallest successful perturbation is kept and finally projected into the eps-ball.

import { type Differentiable, MlsecError, type Tensor } from "../../core/index.js";
import { argmaxRow, isAdversarial, lossLabels, lossSign } from "./goal.js";
import { perturbationNorms, projectToBallAndBounds } from "./norms.js";
import type { AttackContext, AttackGoal, AttackResult } from "./types.js";

export interface CarliniWagnerParams {
  /** Final projection radius (L2); use a large value for the unconstrained attack. */
  readonly eps: number;
  /** Adam iterations per value of c (default 100). */
  readonly steps?: number;
  /** Binary-search rounds over c (default 5). */
  readonly binarySteps?: number;
  /** First value of c (default 1). */
  readonly initialConst?: number;
  /** κ: how far past the boundary the margin must go (default 0). */
  readonly confidence?: number;
  /**
   * Adam learning rate (default 0.1 × input range: the paper's 0.01 assumes thousands of steps;
   * pixels at the bounds sit at |w| ≈ 7 in tanh space and Adam moves w about lr per step).
   */
  readonly learningRate?: number;
}

export async function carliniWagnerBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: CarliniWagnerParams,
  ctx: AttackContext,
): Promise<AttackResult> {
  if (!(p.eps > 0)) throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  const [lo, hi] = model.bounds;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new MlsecError("E_INVALID_ARGUMENT", "Carlini–Wagner needs finite input bounds", {
      hint: "Pass --bounds lo,hi: the attack optimises in tanh space between them.",
    });
  }
  const steps = p.steps ?? 100;
  const binarySteps = p.binarySteps ?? 5;
  const kappa = p.confidence ?? 0;
  const lr = p.learningRate ?? 0.1 * (hi - lo);
  const n = x.shape[0];
  const size = x.data.length;
  const stride = n === 0 ? 0 : size / n;
  const half = (hi - lo) / 2;
  const sign = lossSign(goal);
  const labels = lossLabels(goal);
  // w0 = atanh of x scaled to (−1, 1), kept off ±1 so tanh stays invertible.
  const w0 = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    const t = Math.min(1 - 1e-6, Math.max(-1 + 1e-6, (x.data[j] - lo) / half - 1));
    w0[j] = Math.atanh(t);
  }
  const c = new Float64Array(n).fill(p.initialConst ?? 1);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n).fill(1e10);
  const bestL2 = new Float64Array(n).fill(Infinity);
  const best = x.data.slice();
  const queries = new Int32Array(n);
  const point = new Float32Array(size);
  const w = new Float64Array(size);
  const m1 = new Float64Array(size);
  const m2 = new Float64Array(size);
  const beta1 = 0.9;
  const beta2 = 0.999;
  for (let round = 0; round < binarySteps; round++) {
    w.set(w0);
    m1.fill(0);
    m2.fill(0);
    const succeeded = new Uint8Array(n);
    for (let it = 0; it < steps; it++) {
      for (let j = 0; j < size; j++) point[j] = lo + half * (Math.tanh(w[j]) + 1);
      const { loss, gradient, logits } = await model.lossGradient(
        { shape: x.shape, data: point },
        labels,
        "cw-margin",
      );
      if (logits === undefined)
        throw new MlsecError("E_INTERNAL", "the model's lossGradient returned no logits");
      const t = it + 1;
      for (let i = 0; i < n; i++) {
        queries[i]++;
        const off = i * stride;
        let l2sq = 0;
        for (let j = off; j < off + stride; j++) l2sq += (point[j] - x.data[j]) ** 2;
        // f = margin toward the goal: z_y − max_{j≠y} (untargeted), max_{j≠t} − z_t (targeted).
        const f = sign * loss[i];
        const predicted = argmaxRow(logits.data, i, model.numClasses);
        if (f <= -kappa && isAdversarial(goal, i, predicted)) {
          succeeded[i] = 1;
          if (l2sq < bestL2[i]) {
            bestL2[i] = l2sq;
            best.set(point.subarray(off, off + stride), off);
          }
        }
        const active = f > -kappa ? c[i] * sign : 0;
        for (let j = off; j < off + stride; j++) {
          const th = Math.tanh(w[j]);
          const g = (2 * (point[j] - x.data[j]) + active * gradient.data[j]) * half * (1 - th * th);
          m1[j] = beta1 * m1[j] + (1 - beta1) * g;
          m2[j] = beta2 * m2[j] + (1 - beta2) * g * g;
          const mHat = m1[j] / (1 - beta1 ** t);
          const vHat = m2[j] / (1 - beta2 ** t);
          w[j] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
        }
      }
      ctx.onProgress?.({
        task: "cw",
        done: round * steps + it + 1,
        total: binarySteps * steps,
      });
    }
    for (let i = 0; i < n; i++) {
      if (succeeded[i]) {
        upper[i] = Math.min(upper[i], c[i]);
        c[i] = (lower[i] + upper[i]) / 2;
      } else {
        lower[i] = Math.max(lower[i], c[i]);
        c[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : c[i] * 10;
      }
    }
  }
  projectToBallAndBounds(best, x.data, n, p.eps, "2", model.bounds);
  const final = await model.predict({ shape: x.shape, data: best });
  const success = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    queries[i]++;
    success[i] = isAdversarial(goal, i, argmaxRow(final.data, i, model.numClasses)) ? 1 : 0;
  }
  return {
    adversarial: { shape: [...x.shape], data: best },
    success,
    norms: perturbationNorms(best, x.data, n),
    queries,
  };
}
