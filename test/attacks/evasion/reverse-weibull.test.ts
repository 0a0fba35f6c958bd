import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitReverseWeibull } from "../../../src/attacks/index.js";
import { createRng, MlsecError } from "../../../src/core/index.js";

/** n draws of the reverse Weibull(a, b, c) by inversion: y = a − b(−ln U)^{1/c}. */
function draws(a: number, b: number, c: number, n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => a - b * (-Math.log(1 - rng.next())) ** (1 / c));
}

describe("fitReverseWeibull", () => {
  it("recovers location, scale and shape of simulated maxima", () => {
    const fit = fitReverseWeibull(draws(10, 2, 6, 500, 1));
    expect(fit.method).toBe("mle");
    expect(fit.location).toBeGreaterThan(9.7);
    expect(fit.location).toBeLessThan(10.3);
    expect(fit.scale).toBeGreaterThan(1.6);
    expect(fit.scale).toBeLessThan(2.4);
    expect(fit.shape).toBeGreaterThan(4.5);
    expect(fit.shape).toBeLessThan(7.5);
  });

  it("is a likelihood maximum: nudging any parameter lowers the log-likelihood", () => {
    const ys = draws(2, 0.5, 2.5, 300, 3);
    const fit = fitReverseWeibull(ys);
    const logLik = (a: number, b: number, c: number) =>
      ys.reduce((acc, y) => {
        const u = (a - y) / b;
        return acc + Math.log(c / b) + (c - 1) * Math.log(u) - u ** c;
      }, 0);
    expect(logLik(fit.location, fit.scale, fit.shape)).toBeCloseTo(fit.logLikelihood, 6);
    for (const [da, db, dc] of [
      [1e-3, 0, 0],
      [-1e-3, 0, 0],
      [0, 1e-3, 0],
      [0, -1e-3, 0],
      [0, 0, 1e-2],
      [0, 0, -1e-2],
    ]) {
      expect(logLik(fit.location + da, fit.scale + db, fit.shape + dc)).toBeLessThan(
        fit.logLikelihood,
      );
    }
  });

  it("places the location at or above every sample, in the samples' units (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 40 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (values, unit) => {
          const fit = fitReverseWeibull(values.map((v) => v * unit));
          expect(fit.location).toBeGreaterThanOrEqual(Math.max(...values) * unit);
          expect(Number.isFinite(fit.location)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("returns the common value of equal samples, and refuses too few or non-finite samples", () => {
    const fit = fitReverseWeibull([3, 3, 3.000000001, 3]);
    expect(fit.method).toBe("degenerate");
    expect(fit.location).toBeCloseTo(3, 8);
    expect(() => fitReverseWeibull([1, 2])).toThrow(MlsecError);
    expect(() => fitReverseWeibull([1, 2, Number.NaN])).toThrow(MlsecError);
  });

  it("finds no finite endpoint in Gumbel maxima (unbounded) and falls back to the largest sample", () => {
    const rng = createRng(2);
    const ys = Array.from({ length: 50 }, () => -Math.log(-Math.log(1 - rng.next())));
    const fit = fitReverseWeibull(ys);
    expect(fit.method).not.toBe("mle");
    expect(fit.location).toBe(Math.max(...ys));
    // 20 Gumbel maxima (seed 1) with a weak interior maximum: below the likelihood-ratio margin.
    const rng20 = createRng(1);
    const few = Array.from({ length: 20 }, () => -Math.log(-Math.log(1 - rng20.next())));
    const weak = fitReverseWeibull(few);
    expect(weak.method).toBe("no-finite-endpoint");
    expect(weak.location).toBe(Math.max(...few));
  });

  it("falls back to the largest sample when the likelihood has no interior maximum (shape < 1)", () => {
    const ys = draws(1, 1, 0.7, 200, 1);
    const fit = fitReverseWeibull(ys);
    expect(fit.method).toBe("no-interior-maximum");
    expect(fit.location).toBe(Math.max(...ys));
  });
});
