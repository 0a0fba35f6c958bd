import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMlsecError } from "../../../src/core/index.js";
import {
  type DpEvent,
  RdpAccountant,
  validateEvent,
} from "../../../src/privacy/accounting/index.js";

const leaf = fc.oneof(
  fc.record({ type: fc.constant("gaussian"), noiseMultiplier: fc.double({ min: -1, max: 10 }) }),
  fc.record({ type: fc.constant("laplace"), noiseMultiplier: fc.double({ min: -1, max: 10 }) }),
);
const { event } = fc.letrec((tie) => ({
  event: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      type: fc.constant("poisson-sampled"),
      samplingRate: fc.double({ min: -0.5, max: 1.5 }),
      event: tie("event"),
    }),
    fc.record({
      type: fc.constant("self-composed"),
      count: fc.integer({ min: -2, max: 1e6 }),
      event: tie("event"),
    }),
    fc.record({ type: fc.constant("composed"), events: fc.array(tie("event"), { maxLength: 3 }) }),
  ),
}));

describe("DP events from untrusted JSON", () => {
  it("validateEvent accepts or throws an MlsecError for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          validateEvent(value as unknown as DpEvent);
        } catch (e) {
          expect(isMlsecError(e)).toBe(true);
        }
      }),
    );
  });

  it("the RDP accountant composes every valid tree, and rejects the rest with a code", () => {
    fc.assert(
      fc.property(event, (e) => {
        try {
          const eps = new RdpAccountant().compose(e as DpEvent).getEpsilon(1e-5).epsilon;
          expect(eps >= 0).toBe(true);
        } catch (err) {
          expect(isMlsecError(err)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("bounds the nesting depth", () => {
    let deep: DpEvent = { type: "gaussian", noiseMultiplier: 1 };
    for (let i = 0; i < 100; i++) deep = { type: "self-composed", count: 1, event: deep };
    expect(() => validateEvent(deep)).toThrow(/deeper than/);
  });
});
