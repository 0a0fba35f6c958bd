// Renyi DP of the Gaussian, Laplace (Mironov 2017, Prop. 7 and 6) and Poisson-subsampled
// Gaussian mechanisms (Mironov, Talwar & Zhang 2019, "Renyi DP of the Sampled Gaussian
// Mechanism", §3.3: exact binomial sum for integer orders; fractional orders by quadrature of
// the defining integral A_alpha = E_{z~N(0,s^2)}[((1-q) + q exp((2z-1)/(2s^2)))^alpha]).

import { logSumExp } from "./log-math.js";

/** RDP of the Gaussian mechanism with noise multiplier sigma at order alpha > 1. */
export function rdpGaussian(sigma: number, order: number): number {
  if (sigma === 0) return Infinity;
  return order / (2 * sigma * sigma);
}

/** RDP of the Laplace mechanism with scale b = noise multiplier x L1 sensitivity. */
export function rdpLaplace(b: number, order: number): number {
  if (b === 0) return Infinity;
  if (order === Infinity) return 1 / b;
  const a = order;
  // log(a/(2a-1) e^{(a-1)/b} + (a-1)/(2a-1) e^{-a/b}) / (a-1), in log space.
  const t1 = Math.log(a / (2 * a - 1)) + (a - 1) / b;
  const t2 = Math.log((a - 1) / (2 * a - 1)) - a / b;
  const m = Math.max(t1, t2);
  return (m + Math.log(Math.exp(t1 - m) + Math.exp(t2 - m))) / (a - 1);
}

/** log A_alpha for integer alpha >= 2: sum_k C(a,k) (1-q)^{a-k} q^k exp((k^2-k)/(2 s^2)). */
function logAInteger(q: number, sigma: number, alpha: number, scratch: Float64Array): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoS2 = 2 * sigma * sigma;
  let logBinom = 0;
  for (let k = 0; k <= alpha; k++) {
    if (k > 0) logBinom += Math.log((alpha - k + 1) / k);
    scratch[k] = logBinom + k * logQ + (alpha - k) * log1mQ + (k * k - k) / twoS2;
  }
  return logSumExp(scratch.subarray(0, alpha + 1));
}

/** Quadrature nodes shared by every order of one (q, sigma): z_i, -z_i^2/(2s^2) and the mixture. */
interface QuadratureGrid {
  readonly lo: number;
  readonly h: number;
  readonly maxOrder: number;
  readonly base: Float64Array;
  readonly mix: Float64Array;
}

function buildGrid(q: number, sigma: number, maxOrder: number): QuadratureGrid {
  const s2 = sigma * sigma;
  const h = Math.min(sigma, s2) / 2;
  // Mass sits near z = 0 (the N(0, s^2) branch) and z = alpha (the tilted branch).
  const lo = -10 * sigma;
  const n = Math.ceil((maxOrder + 10 * sigma - lo) / h) + 1;
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const base = new Float64Array(n);
  const mix = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = lo + i * h;
    const w = logQ + (2 * z - 1) / (2 * s2);
    // log((1-q) + q e^{(2z-1)/(2s^2)}) in log space.
    mix[i] =
      w > log1mQ ? w + Math.log1p(Math.exp(log1mQ - w)) : log1mQ + Math.log1p(Math.exp(w - log1mQ));
    base[i] = -(z * z) / (2 * s2);
  }
  return { lo, h, maxOrder, base, mix };
}

/**
 * log A_alpha for any real alpha > 1 by the trapezoid rule on the log-integrand. The
 * integrand is analytic in a strip of half-width pi s^2 around the real axis and decays like a
 * Gaussian, so the trapezoid rule with step min(s, s^2)/2 is exact to ~exp(-4 pi^2) ~ 1e-17 (Trefethen &
 * Weideman 2014, "The exponentially convergent trapezoidal rule", Thm 5.1).
 */
function logAQuadrature(grid: QuadratureGrid, sigma: number, alpha: number): number {
  const n = Math.min(grid.base.length, Math.ceil((alpha + 10 * sigma - grid.lo) / grid.h) + 1);
  const { base, mix } = grid;
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = base[i] + alpha * mix[i];
    if (v > m) m = v;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(base[i] + alpha * mix[i] - m);
  return m + Math.log(sum) - 0.5 * Math.log(2 * Math.PI * sigma * sigma) + Math.log(grid.h);
}

const scratchCache = { buffer: new Float64Array(1025) };
const MAX_NODES = 200_000;

function rdpAtInteger(q: number, sigma: number, order: number): number {
  if (scratchCache.buffer.length < order + 1) scratchCache.buffer = new Float64Array(order + 1);
  return Math.max(0, logAInteger(q, sigma, order, scratchCache.buffer) / (order - 1));
}

/**
 * The RDP curve (order -> RDP) of one step of the Poisson-subsampled Gaussian mechanism
 * (sampling rate q, noise multiplier sigma), add/remove adjacency. Orders must be > 1. The
 * returned function keeps its quadrature grid, so evaluating many orders costs one exp per node.
 */
export function sampledGaussianRdpCurve(q: number, sigma: number): (order: number) => number {
  let grid: QuadratureGrid | undefined;
  return (order: number): number => {
    if (q === 0) return 0;
    if (sigma === 0 || order === Infinity) return Infinity;
    if (q === 1) return rdpGaussian(sigma, order);
    if (Number.isInteger(order)) return rdpAtInteger(q, sigma, order);
    if ((order + 20 * sigma) / (Math.min(sigma, sigma * sigma) / 2) > MAX_NODES) {
      // Too fine a grid (tiny sigma): RDP is nondecreasing in the order, so the next integer
      // order's exact value is a valid (conservative) bound.
      return rdpAtInteger(q, sigma, Math.ceil(order));
    }
    if (grid === undefined || grid.maxOrder < order) {
      grid = buildGrid(q, sigma, Math.max(order, 2 * (grid?.maxOrder ?? 5.5)));
    }
    const logA = logAQuadrature(grid, sigma, order);
    return Math.max(0, logA / (order - 1));
  };
}

/** RDP at one order of one step of the Poisson-subsampled Gaussian mechanism. */
export function rdpSampledGaussian(q: number, sigma: number, order: number): number {
  return sampledGaussianRdpCurve(q, sigma)(order);
}

/** Exposed for tests: the quadrature path at any order (integer orders included). */
export function rdpSampledGaussianByQuadrature(q: number, sigma: number, order: number): number {
  if (q === 0) return 0;
  if (q === 1) return rdpGaussian(sigma, order);
  const grid = buildGrid(q, sigma, order);
  return Math.max(0, logAQuadrature(grid, sigma, order) / (order - 1));
}
