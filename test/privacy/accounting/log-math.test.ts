import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  erfc,
  logAdd,
  logErfc,
  logNormalCdf,
  logSub,
  logSumExp,
  normalCdf,
} from "../../../src/privacy/accounting/log-math.js";

// erfc values: Abramowitz & Stegun Table 7.1 and DLMF 7.2 (computed to 16 digits).
const ERFC = [
  [0.5, 0.4795001221869535],
  [1, 0.157299207050285],
  [1.5, 0.033894853524689274],
  [2, 0.004677734981047266],
  [3, 2.209049699858544e-5],
  [10, 2.088487583762545e-45],
  [-1, 1.842700792949715],
] as const;

describe("erfc and log-space helpers", () => {
  it("matches tabulated erfc values to 1e-14 relative", () => {
    for (const [x, v] of ERFC) expect(Math.abs(erfc(x) - v) / v).toBeLessThan(1e-14);
  });

  it("keeps log erfc finite far in the tail (asymptotic series)", () => {
    const x = 30;
    // log erfc(x) ~ -x^2 - log(x sqrt(pi)) + log(1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6))
    const asym =
      -x * x -
      Math.log(x * Math.sqrt(Math.PI)) +
      Math.log1p(-1 / (2 * x * x) + 3 / (4 * x ** 4) - 15 / (8 * x ** 6));
    expect(logErfc(x)).toBeCloseTo(asym, 9);
    expect(Number.isFinite(logErfc(1e5))).toBe(true);
  });

  it("normal cdf is symmetric and agrees in log space", () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 8, noNaN: true }), (t) => {
        expect(normalCdf(t) + normalCdf(-t)).toBeCloseTo(1, 12);
        if (normalCdf(t) > 1e-300) {
          expect(Math.exp(logNormalCdf(t)) / normalCdf(t)).toBeCloseTo(1, 10);
        }
      }),
    );
  });

  it("logAdd and logSub invert each other", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -700, max: 700, noNaN: true }),
        fc.double({ min: -700, max: 700, noNaN: true }),
        (a, b) => {
          const s = logAdd(a, b);
          expect(s).toBeGreaterThanOrEqual(Math.max(a, b));
          const back = logSub(s, b);
          if (a > b - 30) expect(back).toBeCloseTo(a, 6);
        },
      ),
    );
    expect(logSub(1, 2)).toBeNaN();
    expect(logSub(1, 1)).toBe(-Infinity);
    expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 14);
  });
});
