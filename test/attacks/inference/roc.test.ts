import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  downsampleRoc,
  membershipAdvantage,
  rocAuc,
  rocCurve,
  tprAtFpr,
} from "../../../src/attacks/index.js";
import { createRng, MlsecError } from "../../../src/core/index.js";

/** AUC by its definition over all pairs: P(m > n) + ½ P(m = n). */
function pairwiseAuc(m: readonly number[], n: readonly number[]): number {
  let s = 0;
  for (const a of m) for (const b of n) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / (m.length * n.length);
}

function trapezoid(curve: readonly { fpr: number; tpr: number }[]): number {
  let area = 0;
  for (let k = 1; k < curve.length; k++) {
    area += ((curve[k].fpr - curve[k - 1].fpr) * (curve[k].tpr + curve[k - 1].tpr)) / 2;
  }
  return area;
}

const scores = fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 1, maxLength: 40 });

describe("rocAuc", () => {
  it("is 1 for perfectly separable scores and 0 when reversed", () => {
    expect(rocAuc([5, 6, 7], [1, 2, 3, 4])).toBe(1);
    expect(rocAuc([1, 2, 3, 4], [5, 6, 7])).toBe(0);
  });

  it("counts ties as one half", () => {
    expect(rocAuc([3, 3], [3, 3, 3])).toBe(0.5);
    // Pairs (1,1) = ½, (1,0), (2,1), (2,0) = 1 each: 3.5 / 4.
    expect(rocAuc([1, 2], [1, 0])).toBe(0.875);
  });

  it("is about 0.5 for two samples of one distribution", () => {
    const rng = createRng(7);
    const a = Array.from({ length: 2000 }, () => rng.normal());
    const b = Array.from({ length: 2000 }, () => rng.normal());
    // The standard deviation of the AUC here is about 0.009.
    expect(Math.abs(rocAuc(a, b) - 0.5)).toBeLessThan(0.04);
  });

  it("matches the pairwise definition and the trapezoidal area under the curve", () => {
    fc.assert(
      fc.property(scores, scores, (m, n) => {
        const auc = rocAuc(m, n);
        expect(auc).toBeCloseTo(pairwiseAuc(m, n), 12);
        expect(trapezoid(rocCurve(m, n))).toBeCloseTo(auc, 12);
      }),
    );
  });

  it("is invariant under strictly increasing transforms of the scores", () => {
    const transforms = [
      (x: number) => 3 * x + 1,
      (x: number) => x ** 3,
      (x: number) => Math.exp(x / 8),
    ];
    fc.assert(
      fc.property(scores, scores, fc.constantFrom(...transforms), (m, n, f) => {
        expect(rocAuc(m.map(f), n.map(f))).toBe(rocAuc(m, n));
      }),
    );
  });

  it("satisfies AUC(a, b) = 1 - AUC(b, a)", () => {
    fc.assert(
      fc.property(scores, scores, (a, b) => {
        expect(rocAuc(a, b)).toBeCloseTo(1 - rocAuc(b, a), 12);
      }),
    );
  });

  it("rejects empty and NaN scores", () => {
    expect(() => rocAuc([], [1])).toThrow(MlsecError);
    expect(() => rocAuc([1], [Number.NaN])).toThrow(/NaN/);
    expect(() => rocCurve([1], [])).toThrow(MlsecError);
  });
});

describe("rocCurve", () => {
  it("steps through each distinct score, ties entering together", () => {
    const curve = rocCurve([3, 2, 2], [2, 1]);
    expect(
      curve.map((p) => [p.fpr, p.tpr, p.threshold, p.truePositives, p.falsePositives]),
    ).toEqual([
      [0, 0, Number.POSITIVE_INFINITY, 0, 0],
      [0, 1 / 3, 3, 1, 0],
      [0.5, 1, 2, 3, 1],
      [1, 1, 1, 3, 2],
    ]);
  });

  it("is monotone from (0, 0) to (1, 1)", () => {
    fc.assert(
      fc.property(scores, scores, (m, n) => {
        const c = rocCurve(m, n);
        expect(c[0]).toMatchObject({ fpr: 0, tpr: 0 });
        expect(c[c.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
        for (let k = 1; k < c.length; k++) {
          expect(c[k].fpr).toBeGreaterThanOrEqual(c[k - 1].fpr);
          expect(c[k].tpr).toBeGreaterThanOrEqual(c[k - 1].tpr);
          expect(c[k].threshold).toBeLessThan(c[k - 1].threshold);
        }
        const gap = Math.max(...c.map((p) => p.tpr - p.fpr));
        expect(membershipAdvantage(c)).toBeCloseTo(gap, 12);
      }),
    );
  });
});

describe("tprAtFpr", () => {
  // 100 non-members scored 0..99; 50 members at 99.5 and 50 at 98.5.
  const non = Array.from({ length: 100 }, (_, i) => i);
  const members = [...Array(50).fill(99.5), ...Array(50).fill(98.5)];
  const curve = rocCurve(members, non);

  it("takes the best threshold t (member iff score >= t) whose FPR is at most the target", () => {
    // t = 99.5: FPR 0, TPR 0.5. t = 98.5: only the non-member at 99 passes, FPR 0.01, TPR 1.
    expect(tprAtFpr(curve, 0.001)).toBe(0.5);
    expect(tprAtFpr(curve, 0.01)).toBe(1);
    expect(tprAtFpr(curve, 0.0099)).toBe(0.5);
    expect(membershipAdvantage(curve)).toBe(0.99);
  });

  it("is 1 at FPR 0 for separable scores, and 0 when every threshold has FPR above it", () => {
    expect(tprAtFpr(rocCurve([5, 6], [1, 2]), 0)).toBe(1);
    expect(tprAtFpr(rocCurve([1, 2], [5, 6]), 0.4)).toBe(0);
    expect(() => tprAtFpr(curve, 1.5)).toThrow(MlsecError);
  });

  it("gives no advantage when the scores cannot be told apart", () => {
    expect(membershipAdvantage(rocCurve([1, 1, 1], [1, 1]))).toBe(0);
  });
});

describe("downsampleRoc", () => {
  it("keeps at most the asked number of points, both ends, and monotonicity", () => {
    const rng = createRng(3);
    const m = Array.from({ length: 500 }, () => rng.normal() + 0.5);
    const n = Array.from({ length: 500 }, () => rng.normal());
    const full = rocCurve(m, n);
    const small = downsampleRoc(full, 101);
    expect(full.length).toBeGreaterThan(101);
    expect(small).toHaveLength(101);
    expect(small[0]).toBe(full[0]);
    expect(small[100]).toBe(full[full.length - 1]);
    for (let k = 1; k < small.length; k++) {
      expect(small[k].fpr).toBeGreaterThanOrEqual(small[k - 1].fpr);
      expect(small[k].tpr).toBeGreaterThanOrEqual(small[k - 1].tpr);
    }
    expect(downsampleRoc(small.slice(0, 5), 101)).toHaveLength(5);
    expect(() => downsampleRoc(full, 1)).toThrow(MlsecError);
  });
});
