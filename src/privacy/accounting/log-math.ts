// Log-space arithmetic and the complementary error function (Abramowitz & Stegun 7.1.5 series,
// 7.1.14 continued fraction evaluated by the modified Lentz method, Press et al. NR3 §5.2).

const SQRT_PI = Math.sqrt(Math.PI);
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const SERIES_LIMIT = 1.5;

/** log(e^a + e^b) without overflow; -Infinity is the log of zero. */
export function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(Math.min(a, b) - m));
}

/** log(e^a - e^b) for a >= b; NaN when a < b. */
export function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a < b) return Number.NaN;
  if (a === b) return -Infinity;
  return a + Math.log1p(-Math.exp(b - a));
}

/** erf(x) for 0 <= x < SERIES_LIMIT by its everywhere-positive series (A&S 7.1.6). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** log of the continued fraction g(x) with erfc(x) = exp(-x^2) / (sqrt(pi) g(x)), x >= 1.5. */
function logErfcFraction(x: number): number {
  // g = x + (1/2)/(x + 1/(x + (3/2)/(x + ...))): b_n = x, a_n = n/2 (A&S 7.1.14).
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.log(f);
}

/** erfc(x) for any real x, accurate to ~1e-15 relative where it does not underflow. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SERIES_LIMIT) return 1 - erfSeries(x);
  return Math.exp(logErfc(x));
}

/** log(erfc(x)), finite far into the tail (x up to ~1e154). */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Infinity) return -Infinity;
  if (x < 0) return Math.log(2 - erfc(-x));
  if (x < SERIES_LIMIT) return Math.log1p(-erfSeries(x));
  return -x * x - LOG_SQRT_PI - logErfcFraction(x);
}

/** log P[N(0,1) > t]. */
export function logNormalSf(t: number): number {
  return logErfc(t / Math.SQRT2) - Math.LN2;
}

/** P[N(0,1) <= t]. */
export function normalCdf(t: number): number {
  return 0.5 * erfc(-t / Math.SQRT2);
}

/** log P[N(0,1) <= t]. */
export function logNormalCdf(t: number): number {
  return logNormalSf(-t);
}

/** log(sum(exp(values))). */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}
