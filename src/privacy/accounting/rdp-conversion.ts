// RDP -> (epsilon, delta): `classic` is Mironov 2017, Prop. 3; `improved` is Balle et al. 2020,
// "Hypothesis testing interpretations and Renyi DP", Thm. 21 (= Canonne, Kamath & Steinke 2020,
// Prop. 12, as used by dp_accounting and Opacus).

export type Conversion = "improved" | "classic";

/** Epsilon certified at `delta` by an RDP value `rdp` at order `order` (> 1). */
export function epsilonFromRdp(
  rdp: number,
  order: number,
  delta: number,
  conversion: Conversion,
): number {
  if (!(rdp >= 0)) return Number.NaN;
  if (rdp === Infinity) return Infinity;
  if (rdp === 0) return 0; // identical output distributions
  if (conversion === "classic") return Math.max(0, rdp - Math.log(delta) / (order - 1));
  // KL bound: RDP at any order dominates KL, and delta >= sqrt(1 - e^{-KL}) gives epsilon = 0.
  if (delta * delta + Math.expm1(-rdp) > 0) return 0;
  if (order <= 1.01) return Infinity; // numerically unstable as order -> 1 (and useless there)
  const eps = rdp + Math.log1p(-1 / order) - (Math.log(delta) + Math.log(order)) / (order - 1);
  return Math.max(0, eps);
}

/**
 * A lower bound on the conversion's additive term at every order >= `order` (for pruning: RDP
 * is nondecreasing in the order, so eps(a') >= rdp(a) + this bound for all a' >= a).
 */
export function conversionLowerBound(order: number, conversion: Conversion): number {
  if (conversion === "classic") return 0;
  // -(log delta + log a')/(a'-1) + log(1 - 1/a') >= -log(a)/(a-1) + log(1 - 1/a) for a' >= a.
  return -Math.log(order) / (order - 1) + Math.log1p(-1 / order);
}

/** Delta certified at `epsilon` by RDP `rdp` at `order` (the inverse of the conversion). */
export function deltaFromRdp(
  rdp: number,
  order: number,
  epsilon: number,
  conversion: Conversion,
): number {
  if (rdp === Infinity) return 1;
  if (rdp === 0) return 0;
  if (conversion === "classic") return Math.min(1, Math.exp((order - 1) * (rdp - epsilon)));
  // Balle et al. 2020 Thm. 21 solved for delta.
  const logDelta = (order - 1) * (rdp - epsilon + Math.log1p(-1 / order)) - Math.log(order);
  return Math.min(1, Math.exp(logDelta));
}
