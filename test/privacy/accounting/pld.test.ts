import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dpSgdEvent,
  gaussianEpsilon,
  PldAccountant,
  RdpAccountant,
} from "../../../src/privacy/accounting/index.js";
import { pldFromCurve } from "../../../src/privacy/accounting/pld.js";
import {
  gaussianCurve,
  sampledGaussianAddCurve,
  sampledGaussianRemoveCurve,
} from "../../../src/privacy/accounting/pld-curves.js";

describe("PLD accountant", () => {
  it("gives about 2.38 for TF Privacy's MNIST setting (q 256/60000, sigma 1.1, 60 epochs)", () => {
    const e = dpSgdEvent(256 / 60000, 1.1, Math.floor((60 * 60000) / 256));
    const r = new PldAccountant().compose(e).getEpsilon(1e-5);
    expect(r.epsilon).toBeCloseTo(2.38, 2);
    expect(r.epsilon).toBeLessThan(new RdpAccountant().compose(e).getEpsilon(1e-5).epsilon);
  });

  it("matches the Gaussian mechanism's exact epsilon at q = 1 and never falls below it", () => {
    for (const [sigma, steps] of [
      [1, 1],
      [0.8, 2],
      [4, 16],
    ]) {
      const pld = new PldAccountant().compose(dpSgdEvent(1, sigma, steps)).getEpsilon(1e-5).epsilon;
      // T Gaussian steps with sigma compose to one Gaussian with sigma / sqrt(T).
      const exact = gaussianEpsilon(sigma / Math.sqrt(steps), 1e-5);
      expect(pld).toBeGreaterThanOrEqual(exact);
      expect(pld - exact).toBeLessThan(1e-4 * exact);
    }
  });

  it("composing Gaussians by convolution stays pessimistic and tight", () => {
    const g = { type: "gaussian", noiseMultiplier: 4 } as const;
    const pld = new PldAccountant()
      .compose({ type: "composed", events: [g, g, g, g] })
      .getEpsilon(1e-5).epsilon;
    const exact = gaussianEpsilon(2, 1e-5);
    expect(pld).toBeGreaterThanOrEqual(exact);
    expect(pld - exact).toBeLessThan(1e-3 * exact);
  });

  it("is never above the RDP accountant, even with a coarse interval", () => {
    for (const [q, sigma, steps] of [
      [0.04, 1.5, 2250],
      [0.1, 2, 100],
      [0.01, 0.8, 500],
    ]) {
      const e = dpSgdEvent(q, sigma, steps);
      const pld = new PldAccountant({ interval: 1e-3 }).compose(e).getEpsilon(1e-5).epsilon;
      const rdp = new RdpAccountant().compose(e).getEpsilon(1e-5).epsilon;
      expect(pld).toBeLessThanOrEqual(rdp);
    }
  });

  it("is exact for one Laplace mechanism: delta(eps) = 1 - exp((eps - 1/b)/2)", () => {
    const b = 1;
    const delta = 1e-3;
    const exact = 1 / b + 2 * Math.log1p(-delta);
    const pld = new PldAccountant()
      .compose({ type: "laplace", noiseMultiplier: b })
      .getEpsilon(delta);
    expect(pld.epsilon).toBeGreaterThanOrEqual(exact - 1e-12);
    expect(pld.epsilon - exact).toBeLessThan(2e-4);
  });

  it("a coarser interval is more pessimistic", () => {
    const e = dpSgdEvent(0.02, 1, 200);
    const fine = new PldAccountant({ interval: 1e-3 }).compose(e).getEpsilon(1e-6).epsilon;
    const coarse = new PldAccountant({ interval: 1e-2 }).compose(e).getEpsilon(1e-6).epsilon;
    expect(coarse).toBeGreaterThanOrEqual(fine);
  });
});

describe("connect-the-dots discretization", () => {
  it("is a probability distribution whose delta dominates the curve at every grid point", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 0.9, noNaN: true }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        fc.boolean(),
        (q, sigma, remove) => {
          const curve = remove
            ? sampledGaussianRemoveCurve(q, sigma)
            : sampledGaussianAddCurve(q, sigma);
          const pld = pldFromCurve(curve, 1e-2, 1e-16);
          let total = pld.infinityMass;
          for (const p of pld.pmf) {
            expect(p).toBeGreaterThanOrEqual(0);
            total += p;
          }
          expect(total).toBeCloseTo(1, 9);
          for (const eps of [0, 0.01, 0.1, 0.5, 1, 2]) {
            let d = pld.infinityMass;
            pld.pmf.forEach((p, j) => {
              const loss = (pld.offset + j) * pld.interval;
              if (loss > eps) d += p * -Math.expm1(eps - loss);
            });
            expect(d).toBeGreaterThanOrEqual(curve.delta(eps) - 1e-12);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("the two directions coincide with the plain Gaussian at q -> 1", () => {
    const g = gaussianCurve(1.3);
    const r = sampledGaussianRemoveCurve(1 - 1e-12, 1.3);
    for (const eps of [0, 0.5, 1, 2]) expect(r.delta(eps)).toBeCloseTo(g.delta(eps), 8);
  });
});
