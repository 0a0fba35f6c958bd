// Margin losses on logits shared by the score-based attacks (Carlini & Wagner 2017, §V.A, f_6):
// untargeted z_y − max_{j≠y} z_j, targeted max_{j≠t} z_j − z_t. The attack succeeds when the
// margin is < 0 (ties count as not adversarial), and predict-only attacks count their queries.

import { type Classifier, type Tensor, takeRows } from "../../core/index.js";
import type { AttackGoal } from "./types.js";

/** Margin of logits row `row` for sample `sample` of the goal; < 0 means adversarial. */
export function goalMargin(
  logits: Float32Array,
  row: number,
  classes: number,
  goal: AttackGoal,
  sample: number,
): number {
  const k = goal.targets === undefined ? goal.labels[sample] : goal.targets[sample];
  const own = logits[row * classes + k];
  let other = -Infinity;
  for (let j = 0; j < classes; j++) {
    if (j !== k && logits[row * classes + j] > other) other = logits[row * classes + j];
  }
  // Untargeted: the true class must lose; targeted: the target must win.
  return goal.targets === undefined ? own - other : other - own;
}

/** Predicts rows of a flat buffer in chunks of `batchSize`, returning the logits. */
export async function predictRows(
  model: Classifier,
  data: Float32Array,
  rows: number,
  batchSize: number,
): Promise<Float32Array> {
  const stride = rows === 0 ? 0 : data.length / rows;
  const out = new Float32Array(rows * model.numClasses);
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(rows, start + batchSize);
    const chunk: Tensor = {
      shape: [end - start, ...model.inputShape],
      data: data.subarray(start * stride, end * stride),
    };
    const logits = await model.predict(chunk);
    out.set(logits.data, start * model.numClasses);
  }
  return out;
}

/** Margins at the given points (one row each, for the listed samples). */
export async function marginsAt(
  model: Classifier,
  points: Tensor,
  samples: readonly number[],
  goal: AttackGoal,
  batchSize: number,
): Promise<Float64Array> {
  const logits = await predictRows(model, points.data, samples.length, batchSize);
  const out = new Float64Array(samples.length);
  samples.forEach((s, k) => {
    out[k] = goalMargin(logits, k, model.numClasses, goal, s);
  });
  return out;
}

/** The given rows (of `stride` values each) of a flat buffer, stacked in order. */
export function gatherRows(
  data: Float32Array,
  stride: number,
  rows: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(rows.length * stride);
  for (let k = 0; k < rows.length; k++) {
    out.set(data.subarray(rows[k] * stride, (rows[k] + 1) * stride), k * stride);
  }
  return out;
}

/** Rows of x for the given sample indices, as one tensor. */
export function rowsOf(x: Tensor, samples: readonly number[]): Tensor {
  return takeRows(x, samples);
}
