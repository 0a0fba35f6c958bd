import { describe, expect, it } from "vitest";
import { createRng, MlsecError } from "../../../src/core/index.js";
import {
  exponentialMechanism,
  gaussianMechanism,
  laplaceMechanism,
  MAX_CANDIDATES,
  reportNoisyMax,
  seededRandom,
} from "../../../src/privacy/mechanisms/index.js";
import { CHI2_DF3_P001, chiSquare, mean, variance } from "./stats.js";

describe("granular Laplace and Gaussian mechanisms", () => {
  it("Laplace output is on its grid, centred on the value, with variance 2 b^2", () => {
    const rs = seededRandom(createRng(10));
    const outs = Array.from({ length: 5000 }, () =>
      laplaceMechanism(10.3, { sensitivity: 1, epsilon: 0.5 }, rs),
    );
    for (const o of outs.slice(0, 50)) expect(Number.isInteger(o.value / o.granularity)).toBe(true);
    const xs = outs.map((o) => o.value);
    expect(Math.abs(mean(xs) - 10.3)).toBeLessThan(0.24);
    expect(Math.abs(variance(xs) / 8 - 1)).toBeLessThan(0.2);
  });

  it("Gaussian output has variance sigma^2", () => {
    const rs = seededRandom(createRng(11));
    const xs = Array.from(
      { length: 5000 },
      () => gaussianMechanism(-2, { sensitivity: 1, sigma: 3 }, rs).value,
    );
    expect(Math.abs(mean(xs) + 2)).toBeLessThan(0.26);
    expect(Math.abs(variance(xs) - 9)).toBeLessThan(1.1);
  });

  it("works with the secure source by default and rejects bad parameters", () => {
    expect(Number.isFinite(laplaceMechanism(1, { sensitivity: 1, epsilon: 1 }).value)).toBe(true);
    expect(() => laplaceMechanism(1, { sensitivity: 1, epsilon: 0 })).toThrow(MlsecError);
    expect(() => gaussianMechanism(Number.NaN, { sensitivity: 1, sigma: 1 })).toThrow(/not finite/);
  });
});

describe("private selection", () => {
  it("the exponential mechanism samples proportionally to exp(eps u / (2 sens))", () => {
    const rs = seededRandom(createRng(12));
    const scores = [0, 1, 2, 3];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++)
      counts[exponentialMechanism(scores, { epsilon: 1, sensitivity: 1 }, rs)]++;
    const w = scores.map((s) => Math.exp(s / 2));
    const total = w.reduce((a, b) => a + b, 0);
    expect(
      chiSquare(
        counts,
        w.map((x) => x / total),
      ),
    ).toBeLessThan(CHI2_DF3_P001);
  });

  it("report-noisy-max finds a clear winner and is fair on ties", () => {
    const rs = seededRandom(createRng(13));
    let wins = 0;
    for (let i = 0; i < 200; i++)
      if (reportNoisyMax([1, 50, 3], { epsilon: 1, sensitivity: 1 }, rs) === 1) wins++;
    expect(wins).toBeGreaterThan(190);
    const counts = [0, 0];
    for (let i = 0; i < 4000; i++)
      counts[reportNoisyMax([5, 5], { epsilon: 1, sensitivity: 1 }, rs)]++;
    expect(Math.abs(counts[0] / 4000 - 0.5)).toBeLessThan(0.05);
  });

  it("refuses empty, non-finite or oversized candidate lists", () => {
    const o = { epsilon: 1, sensitivity: 1 };
    expect(() => exponentialMechanism([], o)).toThrow(/no candidates/);
    expect(() => reportNoisyMax([1, Number.NaN], o)).toThrow(/not finite/);
    const big = new Array(MAX_CANDIDATES + 1).fill(0);
    expect(() => exponentialMechanism(big, o)).toThrow(/limit/);
  });
});
