// Quadrature rules on [0, 1] for path integrals: Riemann sums (left, right, middle, trapezoid)
// and Gauss–Legendre (Golub & Welsch 1969 give the theory; nodes here by Newton's method on P_n).

import { MlsecError } from "../core/index.js";

export const QUADRATURE_RULES = [
  "gausslegendre",
  "riemann_trapezoid",
  "riemann_middle",
  "riemann_left",
  "riemann_right",
] as const;
export type QuadratureRule = (typeof QUADRATURE_RULES)[number];

export interface Quadrature {
  readonly alphas: Float64Array;
  readonly weights: Float64Array;
}

export function quadrature(rule: QuadratureRule, steps: number): Quadrature {
  if (!Number.isInteger(steps) || steps < 1 || (rule === "riemann_trapezoid" && steps < 2)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `${rule} needs more steps than ${steps}`);
  }
  const alphas = new Float64Array(steps);
  const weights = new Float64Array(steps);
  switch (rule) {
    case "riemann_left":
    case "riemann_right":
    case "riemann_middle": {
      const shift = rule === "riemann_left" ? 0 : rule === "riemann_right" ? 1 : 0.5;
      for (let i = 0; i < steps; i++) {
        alphas[i] = (i + shift) / steps;
        weights[i] = 1 / steps;
      }
      break;
    }
    case "riemann_trapezoid":
      for (let i = 0; i < steps; i++) {
        alphas[i] = i / (steps - 1);
        weights[i] = (i === 0 || i === steps - 1 ? 0.5 : 1) / (steps - 1);
      }
      break;
    case "gausslegendre":
      for (let i = 0; i < steps; i++) {
        // Initial guess for the i-th root of P_n on [−1, 1], then Newton on the recurrence.
        let t = Math.cos((Math.PI * (i + 0.75)) / (steps + 0.5));
        let dp = 1;
        for (let iter = 0; iter < 100; iter++) {
          let p0 = 1;
          let p1 = t;
          for (let k = 2; k <= steps; k++) {
            const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
          }
          const pn = steps === 1 ? t : p1;
          const pnm1 = steps === 1 ? 1 : p0;
          dp = (steps * (t * pn - pnm1)) / (t * t - 1);
          const dt = pn / dp;
          t -= dt;
          if (Math.abs(dt) < 1e-15) break;
        }
        // Map [−1, 1] to [0, 1]: α = (1 − t)/2 ascending in i, weight halves.
        alphas[i] = (1 - t) / 2;
        weights[i] = 1 / ((1 - t * t) * dp * dp);
      }
      break;
  }
  return { alphas, weights };
}
