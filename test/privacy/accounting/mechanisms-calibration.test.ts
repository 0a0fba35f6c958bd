import { describe, expect, it } from "vitest";
import {
  analyticGaussianSigma,
  classicGaussianSigma,
  dpSgdEvent,
  gaussianDelta,
  gaussianEpsilon,
  laplaceScale,
  noiseMultiplierFor,
  OPACUS_RDP_ORDERS,
  RdpAccountant,
} from "../../../src/privacy/accounting/index.js";

describe("Gaussian mechanism calibration", () => {
  it("the analytic Gaussian meets delta exactly and beats the classic bound", () => {
    for (const [eps, delta] of [
      [0.5, 1e-5],
      [0.9, 1e-6],
      [3, 1e-5],
    ]) {
      const sigma = analyticGaussianSigma(eps, delta);
      expect(gaussianDelta(sigma, eps) / delta).toBeCloseTo(1, 6);
      expect(gaussianEpsilon(sigma, delta)).toBeCloseTo(eps, 8);
      if (eps < 1) expect(sigma).toBeLessThan(classicGaussianSigma(eps, delta));
    }
  });

  it("scales linearly with the sensitivity", () => {
    expect(analyticGaussianSigma(1, 1e-5, 3)).toBeCloseTo(3 * analyticGaussianSigma(1, 1e-5), 8);
    expect(laplaceScale(0.5, 2)).toBe(4);
  });
});

describe("noise multiplier for a target epsilon", () => {
  it("finds Opacus's get_noise_multiplier answer (eps 8, delta 1e-5, q 0.04, 90 epochs)", () => {
    // opacus/tests/accountants_test.py expects 1.425307617 from a bisection stopped at width 0.01.
    const r = noiseMultiplierFor({
      targetEpsilon: 8,
      delta: 1e-5,
      samplingRate: 0.04,
      steps: 2250,
      orders: OPACUS_RDP_ORDERS,
    });
    expect(Math.abs(r.noiseMultiplier - 1.425307617)).toBeLessThan(0.01);
    expect(r.epsilon).toBeLessThanOrEqual(8);
    const tighter = new RdpAccountant({ orders: OPACUS_RDP_ORDERS })
      .compose(dpSgdEvent(0.04, r.noiseMultiplier * (1 - 2e-4), 2250))
      .getEpsilon(1e-5).epsilon;
    expect(tighter).toBeGreaterThan(8);
  });

  it("the PLD answer needs no more noise than the RDP answer", () => {
    const search = { targetEpsilon: 2, delta: 1e-5, samplingRate: 0.05, steps: 100 };
    const rdp = noiseMultiplierFor(search);
    const pld = noiseMultiplierFor({ ...search, accountant: "pld", interval: 1e-3 });
    expect(pld.epsilon).toBeLessThanOrEqual(2);
    expect(pld.noiseMultiplier).toBeLessThanOrEqual(rdp.noiseMultiplier);
  });

  it("refuses targets that no noise can reach", () => {
    expect(() =>
      noiseMultiplierFor({ targetEpsilon: 1e-9, delta: 1e-12, samplingRate: 1, steps: 1e6 }),
    ).toThrow(/no noise multiplier/);
  });
});
