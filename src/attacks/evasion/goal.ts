// Success criteria: untargeted = the prediction differs from the label; targeted = it equals
// the target class.

import type { AttackGoal } from "./types.js";

export function argmaxRow(logits: Float32Array, row: number, classes: number): number {
  let best = 0;
  let bestValue = logits[row * classes];
  for (let j = 1; j < classes; j++) {
    const v = logits[row * classes + j];
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

export function isAdversarial(goal: AttackGoal, sample: number, predicted: number): boolean {
  return goal.targets === undefined
    ? predicted !== goal.labels[sample]
    : predicted === goal.targets[sample];
}

/** Labels the loss is computed against: the true labels (ascent) or the targets (descent). */
export function lossLabels(goal: AttackGoal): Int32Array {
  return goal.targets ?? goal.labels;
}

/** +1 to ascend the loss (untargeted), −1 to descend it toward the target. */
export function lossSign(goal: AttackGoal): 1 | -1 {
  return goal.targets === undefined ? 1 : -1;
}

export function selectGoal(goal: AttackGoal, rows: readonly number[]): AttackGoal {
  const labels = Int32Array.from(rows, (r) => goal.labels[r]);
  return goal.targets === undefined
    ? { labels }
    : { labels, targets: Int32Array.from(rows, (r) => goal.targets![r]) };
}
