// Precision and recall of a poison scan against the ground-truth mask.

import { MlsecError } from "../../core/index.js";

export interface PoisonDetectionMetrics {
  readonly poisoned: number;
  readonly suspected: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
}

export function poisonMetrics(
  suspected: readonly number[],
  mask: Uint8Array,
): PoisonDetectionMetrics {
  let truePositives = 0;
  for (const i of suspected) {
    if (!(i >= 0 && i < mask.length)) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `suspected index ${i} is outside the ${mask.length} samples`,
      );
    }
    if (mask[i]) truePositives++;
  }
  const poisoned = mask.reduce((a, b) => a + (b ? 1 : 0), 0);
  return {
    poisoned,
    suspected: suspected.length,
    truePositives,
    precision: suspected.length === 0 ? 0 : truePositives / suspected.length,
    recall: poisoned === 0 ? 0 : truePositives / poisoned,
  };
}
