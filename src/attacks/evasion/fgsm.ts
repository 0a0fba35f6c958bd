// Fast gradient (sign) method, Goodfellow, Shlens & Szegedy 2015 ("Explaining and Harnessing
// Adversarial Examples", §4): one step of size eps along the unit-norm ascent direction.

import { type Differentiable, MlsecError, type Tensor } from "../../core/index.js";
import { unitDirection } from "./direction.js";
import { argmaxRow, isAdversarial, lossLabels, lossSign } from "./goal.js";
import { perturbationNorms, projectToBallAndBounds } from "./norms.js";
import type { AttackGoal, AttackResult, NormKind } from "./types.js";

export interface FgsmParams {
  readonly eps: number;
  readonly norm: NormKind;
}

export async function fgsmBatch(
  model: Differentiable,
  x: Tensor,
  goal: AttackGoal,
  p: FgsmParams,
): Promise<AttackResult> {
  if (!(p.eps > 0) || !Number.isFinite(p.eps))
    throw new MlsecError("E_INVALID_ARGUMENT", `eps must be > 0, got ${p.eps}`);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const sign = lossSign(goal);
  const { gradient } = await model.lossGradient(x, lossLabels(goal));
  const adversarial = x.data.slice();
  const ascent = new Float32Array(stride);
  const direction = new Float32Array(stride);
  for (let i = 0; i < n; i++) {
    const off = i * stride;
    for (let j = 0; j < stride; j++) ascent[j] = sign * gradient.data[off + j];
    unitDirection(ascent, 0, stride, direction, {
      norm: p.norm,
      x: x.data.subarray(off, off + stride),
      bounds: model.bounds,
    });
    // L1: FGM spends the whole budget on the sparse direction (unit L1 norm).
    for (let j = 0; j < stride; j++) adversarial[off + j] += p.eps * direction[j];
  }
  projectToBallAndBounds(adversarial, x.data, n, p.eps, p.norm, model.bounds);
  const logits = await model.predict({ shape: x.shape, data: adversarial });
  const success = new Uint8Array(n);
  for (let i = 0; i < n; i++)
    success[i] = isAdversarial(goal, i, argmaxRow(logits.data, i, model.numClasses)) ? 1 : 0;
  return {
    adversarial: { shape: [...x.shape], data: adversarial },
    success,
    norms: perturbationNorms(adversarial, x.data, n),
    queries: new Int32Array(n).fill(2),
  };
}
