import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RDP_ORDERS,
  dpSgdEvent,
  OPACUS_RDP_ORDERS,
  RdpAccountant,
  rdpLaplace,
  rdpSampledGaussian,
} from "../../../src/privacy/accounting/index.js";
import { rdpSampledGaussianByQuadrature } from "../../../src/privacy/accounting/rdp-mechanisms.js";

// TF Privacy's MNIST DP-SGD tutorial: sigma 1.1, batch 256 of 60,000, 60 epochs, delta 1e-5.
const MNIST = dpSgdEvent(256 / 60000, 1.1, Math.floor((60 * 60000) / 256));

describe("RDP accountant: published values", () => {
  it("reproduces TF Privacy's MNIST table with the classic conversion (eps 3.01)", () => {
    const r = new RdpAccountant({ conversion: "classic" }).compose(MNIST).getEpsilon(1e-5);
    expect(r.epsilon).toBeCloseTo(3.01, 2);
  });

  it("gives about 2.60 for MNIST with the improved conversion", () => {
    const r = new RdpAccountant().compose(MNIST).getEpsilon(1e-5);
    expect(r.epsilon).toBeCloseTo(2.6, 2);
    expect(r.optimalOrder).toBeGreaterThan(1);
  });

  it("matches Opacus's test value 7.32911117143 (q 0.04, sigma 1.5, 2250 steps, delta 1e-5)", () => {
    // opacus/tests/accountants_test.py: RDPAccountant with its DEFAULT_ALPHAS and the
    // Balle et al. 2020 conversion in opacus/accountants/analysis/rdp.py get_privacy_spent.
    const r = new RdpAccountant({ orders: OPACUS_RDP_ORDERS })
      .compose(dpSgdEvent(0.04, 1.5, 2250))
      .getEpsilon(1e-5);
    expect(Math.abs(r.epsilon - 7.32911117143)).toBeLessThan(1e-8);
  });

  it("uses dp_accounting's default orders", () => {
    expect(DEFAULT_RDP_ORDERS.length).toBe(99 + 53 + 4);
    expect(DEFAULT_RDP_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
    expect(DEFAULT_RDP_ORDERS.slice(-5)).toEqual([63, 128, 256, 512, 1024]);
  });
});

describe("RDP of the sampled Gaussian", () => {
  it("equals the Gaussian mechanism's alpha/(2 sigma^2) at q = 1", () => {
    expect(rdpSampledGaussian(1, 2, 5)).toBeCloseTo(5 / 8, 15);
  });

  it("integer-order binomial sums agree with quadrature of the defining integral", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 0.9, noNaN: true }),
        fc.double({ min: 0.4, max: 10, noNaN: true }),
        fc.integer({ min: 2, max: 64 }),
        (q, sigma, order) => {
          const exact = rdpSampledGaussian(q, sigma, order);
          const quad = rdpSampledGaussianByQuadrature(q, sigma, order);
          expect(Math.abs(quad - exact)).toBeLessThanOrEqual(1e-9 * exact + 1e-15);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is nondecreasing in the order, and below the unsampled Gaussian", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 0.5, noNaN: true }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        (q, sigma) => {
          let prev = 0;
          for (const a of [1.5, 2, 2.5, 3, 4.7, 8, 16]) {
            const r = rdpSampledGaussian(q, sigma, a);
            expect(r).toBeGreaterThanOrEqual(prev * (1 - 1e-9));
            expect(r).toBeLessThanOrEqual(a / (2 * sigma * sigma));
            prev = r;
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("pruning the order sweep never changes the answer", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 0.2, noNaN: true }),
        fc.double({ min: 0.6, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(1e-3, 1e-5, 1e-9, 0.3),
        fc.constantFrom("improved", "classic") as fc.Arbitrary<"improved" | "classic">,
        (q, sigma, steps, delta, conversion) => {
          const e = dpSgdEvent(q, sigma, steps);
          const fast = new RdpAccountant({ conversion }).compose(e).getEpsilon(delta);
          const full = new RdpAccountant({ conversion, exhaustive: true })
            .compose(e)
            .getEpsilon(delta);
          expect(fast.epsilon).toBe(full.epsilon);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the improved conversion never exceeds the classic one", () => {
    for (const steps of [10, 1000, 10000]) {
      const e = dpSgdEvent(0.01, 1, steps);
      const improved = new RdpAccountant().compose(e).getEpsilon(1e-6).epsilon;
      const classic = new RdpAccountant({ conversion: "classic" })
        .compose(e)
        .getEpsilon(1e-6).epsilon;
      expect(improved).toBeLessThanOrEqual(classic);
    }
  });
});

describe("RDP of the Laplace mechanism", () => {
  it("tends to 1/b at large orders and is below it", () => {
    expect(rdpLaplace(2, Infinity)).toBe(0.5);
    expect(rdpLaplace(2, 1e6)).toBeCloseTo(0.5, 4);
    expect(rdpLaplace(2, 3)).toBeLessThan(0.5);
  });

  it("matches Mironov 2017 Prop. 6 at order 2 written out", () => {
    const b = 1.5;
    const expected = Math.log((2 / 3) * Math.exp(1 / b) + (1 / 3) * Math.exp(-2 / b));
    expect(rdpLaplace(b, 2)).toBeCloseTo(expected, 14);
  });
});
