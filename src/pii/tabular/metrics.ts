// What anonymization cost and what risk remains. Information loss: the discernibility metric
// (Bayardo and Agrawal, ICDE 2005), the normalized average class size (LeFevre et al. 2006) and
// NCP (Xu et al. 2006). Re-identification risk under the prosecutor, journalist and marketer
// attacker models (El Emam, "Guide to the De-Identification of Personal Health Information",
// 2013; as ARX reports them): the prosecutor knows the target is in the data (risk 1/|class|),
// the marketer re-identifies as many records as possible (expected share = classes / records).

import type { ClassChecker } from "./models.js";

export interface InformationLoss {
  /** Σ |class|² plus records × suppressed records. */
  readonly discernibility: number;
  /** (kept records / classes) / k: 1 is the least loss k allows. */
  readonly averageClassSize: number;
  /** Mean share of each quasi-identifier's domain a published cell covers (0 … 1). */
  readonly ncp: number;
}

export interface AttackerRisk {
  /** The largest per-record re-identification probability. */
  readonly highest: number;
  /** The mean per-record probability. */
  readonly average: number;
  /** Share of records whose probability exceeds the threshold. */
  readonly recordsAtRisk: number;
}

export interface RiskReport {
  readonly threshold: number;
  readonly prosecutor: AttackerRisk;
  /**
   * Without a population table the data set is taken as its own population, so the journalist's
   * class sizes equal the prosecutor's (an upper bound on the true journalist risk).
   */
  readonly journalist: AttackerRisk & { readonly population: "dataset" };
  readonly marketer: number;
}

/** What the published classes achieve: the smallest k, l (distinct and entropy) and largest t. */
export interface Achieved {
  readonly k: number;
  readonly lDistinct?: number;
  readonly lEntropy?: number;
  readonly t?: number;
}

export function informationLoss(
  classes: readonly Int32Array[],
  suppressed: number,
  rowCount: number,
  k: number,
  ncp: number,
): InformationLoss {
  let dm = suppressed * rowCount;
  let kept = 0;
  for (const c of classes) {
    dm += c.length * c.length;
    kept += c.length;
  }
  return {
    discernibility: dm,
    averageClassSize: classes.length === 0 ? 0 : kept / classes.length / k,
    ncp,
  };
}

export function reidentificationRisk(
  classes: readonly Int32Array[],
  rowCount: number,
  threshold: number,
): RiskReport {
  let highest = 0;
  let atRisk = 0;
  for (const c of classes) {
    const p = 1 / c.length;
    if (p > highest) highest = p;
    if (p > threshold) atRisk += c.length;
  }
  // Suppressed records are not published: they carry no risk but count in the denominators.
  const n = Math.max(1, rowCount);
  const prosecutor = {
    highest,
    average: classes.length / n,
    recordsAtRisk: atRisk / n,
  };
  return {
    threshold,
    prosecutor,
    journalist: { ...prosecutor, population: "dataset" },
    marketer: classes.length / n,
  };
}

export function achieved(classes: readonly Int32Array[], checker: ClassChecker): Achieved {
  let k = classes.length === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (const c of classes) k = Math.min(k, c.length);
  if (checker.sensitive === undefined) return { k };
  let lDistinct = Number.POSITIVE_INFINITY;
  let lEntropy = Number.POSITIVE_INFINITY;
  let t = 0;
  for (const c of classes) {
    const m = checker.measure(c, 0, c.length, true);
    lDistinct = Math.min(lDistinct, m.distinct);
    lEntropy = Math.min(lEntropy, Math.exp(m.entropy));
    t = Math.max(t, m.emd);
  }
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return classes.length === 0 ? { k } : { k, lDistinct, lEntropy: round(lEntropy), t: round(t) };
}
