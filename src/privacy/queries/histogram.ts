// DP histogram over a public partition (Dwork, McSherry, Nissim & Smith 2006, §3.3): one unit
// with k rows changes the counts by at most k in L1, so every bin gets discrete Laplace(k / eps)
// noise; noisy counts are clamped at zero (post-processing).

import { MlsecError } from "../../core/index.js";
import { sampleDiscreteLaplace } from "../mechanisms/discrete-laplace.js";
import type { RandomSource } from "../mechanisms/random-source.js";
import { toRational } from "../mechanisms/rational.js";

export const MAX_BINS = 100_000;

export interface HistogramBin {
  readonly label: string;
  readonly count: number;
}

export function dpHistogram(
  trueCounts: ReadonlyMap<string, number>,
  labels: readonly string[],
  params: { epsilon: number; maxContributions: number },
  rs: RandomSource,
): HistogramBin[] {
  if (labels.length === 0 || labels.length > MAX_BINS) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `a histogram needs 1..${MAX_BINS} bins, got ${labels.length}`,
    );
  }
  const eps = toRational(params.epsilon);
  const scaleNum = BigInt(params.maxContributions) * eps.den;
  return labels.map((label) => {
    const z = sampleDiscreteLaplace(scaleNum, eps.num, rs);
    return { label, count: Math.max(0, (trueCounts.get(label) ?? 0) + Number(z)) };
  });
}

/** Equal-width bins over [lower, upper]: labels "[a, b)" (the last one closed) and a binner. */
export function numericBins(lower: number, upper: number, bins: number) {
  if (!Number.isSafeInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `bins must be an integer in [1, ${MAX_BINS}], got ${bins}`,
    );
  }
  const width = (upper - lower) / bins;
  const edge = (i: number) => Number((lower + i * width).toPrecision(12));
  const labels = Array.from(
    { length: bins },
    (_, i) => `[${edge(i)}, ${edge(i + 1)}${i === bins - 1 ? "]" : ")"}`,
  );
  const binOf = (v: number) =>
    labels[Math.min(bins - 1, Math.max(0, Math.floor((v - lower) / (width || 1))))];
  return { labels, binOf };
}
