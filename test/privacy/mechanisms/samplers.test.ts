// Statistical tests with fixed tolerances: seeded sources make them deterministic; the secure
// source gets wide (6-sigma) bounds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  bernoulliExpNeg,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  secureRandom,
  seededRandom,
  toRational,
} from "../../../src/privacy/mechanisms/index.js";
import { roundToGrid } from "../../../src/privacy/mechanisms/rational.js";
import { binCounts, binProbabilities, CHI2_DF14_P001, chiSquare, mean, variance } from "./stats.js";

const N = 20000;

describe("exact Bernoulli(exp(-g)) (CKS 2020 Alg. 1)", () => {
  it("has frequency exp(-g) for g below and above 1", () => {
    const rs = seededRandom(createRng(1));
    for (const [num, den] of [
      [1n, 2n],
      [23n, 10n],
      [0n, 1n],
    ] as const) {
      let hits = 0;
      for (let i = 0; i < N; i++) if (bernoulliExpNeg(num, den, rs)) hits++;
      expect(Math.abs(hits / N - Math.exp(-Number(num) / Number(den)))).toBeLessThan(0.02);
    }
  });
});

describe("discrete Laplace (CKS 2020 Alg. 2)", () => {
  it("matches the exact pmf (chi-square) and its variance", () => {
    const rs = seededRandom(createRng(2));
    const t = 1.5;
    const samples = Array.from({ length: N }, () => sampleDiscreteLaplace(3n, 2n, rs));
    const probs = binProbabilities((x) => Math.exp(-Math.abs(x) / t), 6);
    expect(chiSquare(binCounts(samples, 6), probs)).toBeLessThan(CHI2_DF14_P001);
    const e = Math.exp(-1 / t);
    const xs = samples.map(Number);
    expect(Math.abs(variance(xs) - (2 * e) / (1 - e) ** 2)).toBeLessThan(0.3);
    expect(Math.abs(mean(xs))).toBeLessThan(0.1);
  });

  it("has mean 0 from the secure source (6-sigma bound)", () => {
    const xs = Array.from({ length: 5000 }, () =>
      Number(sampleDiscreteLaplace(1n, 1n, secureRandom)),
    );
    expect(Math.abs(mean(xs))).toBeLessThan(0.12);
  });
});

describe("discrete Gaussian (CKS 2020 Alg. 3)", () => {
  it("matches the exact pmf (chi-square) and has variance just below sigma^2", () => {
    const rs = seededRandom(createRng(3));
    const sigma2 = 2.5;
    const samples = Array.from({ length: N }, () => sampleDiscreteGaussian(5n, 2n, rs));
    const probs = binProbabilities((x) => Math.exp(-(x * x) / (2 * sigma2)), 6);
    expect(chiSquare(binCounts(samples, 6), probs)).toBeLessThan(CHI2_DF14_P001);
    const xs = samples.map(Number);
    expect(Math.abs(variance(xs) - sigma2)).toBeLessThan(0.15);
  });

  it("handles a large sigma^2 with big integers", () => {
    const rs = seededRandom(createRng(4));
    const xs = Array.from({ length: 2000 }, () =>
      Number(sampleDiscreteGaussian(10n ** 12n, 1n, rs)),
    );
    // sigma = 1e6: the sample standard deviation is within 10%.
    expect(Math.abs(Math.sqrt(variance(xs)) / 1e6 - 1)).toBeLessThan(0.1);
  });

  it("rejects non-positive parameters", () => {
    expect(() => sampleDiscreteGaussian(0n, 1n, secureRandom)).toThrow(/sigma/);
    expect(() => sampleDiscreteLaplace(1n, 0n, secureRandom)).toThrow(/scale/);
  });
});

describe("random sources and exact rationals", () => {
  it("uniformBelow stays in range for any bound", () => {
    const rs = seededRandom(createRng(5));
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 200n }), (n) => {
        const v = rs.uniformBelow(n);
        expect(v >= 0n && v < n).toBe(true);
        const w = secureRandom.uniformBelow(n);
        expect(w >= 0n && w < n).toBe(true);
      }),
    );
    expect(() => secureRandom.uniformBelow(0n)).toThrow();
  });

  it("toRational is exact", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const r = toRational(x);
        expect(r.den > 0n).toBe(true);
        if (x === 0 || Math.abs(x) >= 2 ** -900)
          expect(Number(r.num) / Number(r.den) === x).toBe(true);
      }),
    );
    expect(toRational(0.1)).toEqual({ num: 3602879701896397n, den: 36028797018963968n });
    expect(() => toRational(Number.NaN)).toThrow();
  });

  it("roundToGrid rounds to the nearest multiple of 2^e", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: -60, max: 10 }),
        (x, e) => {
          const k = roundToGrid(x, e);
          expect(Math.abs(Number(k) * 2 ** e - x)).toBeLessThanOrEqual(2 ** (e - 1) * (1 + 1e-9));
        },
      ),
    );
  });
});
