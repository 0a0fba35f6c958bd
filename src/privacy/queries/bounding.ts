// Contribution bounding (Wilson et al. 2020, "Differentially private SQL with bounded user
// contribution", §3): each privacy unit keeps at most k of its rows, chosen at random, so adding
// or removing one unit changes at most k rows; values are then clamped to public bounds.

import { MlsecError, type Rng } from "../../core/index.js";

/** Keeps at most `maxContributions` rows per unit (a uniformly random subset, order preserved). */
export function boundContributions<T>(
  rows: readonly T[],
  unitOf: (row: T) => string,
  maxContributions: number,
  rng: Rng,
): T[] {
  if (!Number.isSafeInteger(maxContributions) || maxContributions < 1) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `max contributions must be an integer >= 1, got ${maxContributions}`,
    );
  }
  const byUnit = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const unit = unitOf(row);
    const list = byUnit.get(unit);
    if (list) list.push(i);
    else byUnit.set(unit, [i]);
  });
  const keep = new Uint8Array(rows.length);
  for (const indices of byUnit.values()) {
    if (indices.length > maxContributions) rng.shuffle(indices);
    for (let j = 0; j < Math.min(maxContributions, indices.length); j++) keep[indices[j]] = 1;
  }
  return rows.filter((_, i) => keep[i] === 1);
}

/** Clamps to [lower, upper]. */
export function clamp(value: number, lower: number, upper: number): number {
  return Math.min(upper, Math.max(lower, value));
}
