/** Pearson's chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: readonly number[], probabilities: readonly number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  let stat = 0;
  observed.forEach((o, i) => {
    const e = n * probabilities[i];
    stat += ((o - e) * (o - e)) / e;
  });
  return stat;
}

/** Counts of integer samples in bins -k..k plus the two tails: [< -k, -k..k, > k]. */
export function binCounts(samples: readonly bigint[], k: number): number[] {
  const counts = new Array(2 * k + 3).fill(0);
  for (const s of samples) {
    const x = Number(s);
    counts[x < -k ? 0 : x > k ? 2 * k + 2 : x + k + 1]++;
  }
  return counts;
}

/** Bin probabilities of a pmf known up to normalisation (summed over |x| <= limit). */
export function binProbabilities(weight: (x: number) => number, k: number, limit = 400): number[] {
  let total = 0;
  for (let x = -limit; x <= limit; x++) total += weight(x);
  const probs = new Array(2 * k + 3).fill(0);
  for (let x = -limit; x <= limit; x++) {
    const p = weight(x) / total;
    probs[x < -k ? 0 : x > k ? 2 * k + 2 : x + k + 1] += p;
  }
  return probs;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) * (b - m), 0) / (xs.length - 1);
}

/** Chi-square critical value at p = 0.001 for 14 degrees of freedom (15 bins). */
export const CHI2_DF14_P001 = 36.12;
/** ... and for 3 degrees of freedom (4 bins). */
export const CHI2_DF3_P001 = 16.27;
