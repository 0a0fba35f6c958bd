import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fabBatch, projectOntoHyperplaneInBox } from "../../../src/attacks/index.js";
import { createRng, MlsecError, tensor } from "../../../src/core/index.js";
import { multiLossLinear } from "./multi-loss-classifier.js";

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
};

describe("projectOntoHyperplaneInBox", () => {
  it("without active box constraints is r·w/‖w‖² (L2) and r·sign(w)/‖w‖₁ (L∞) (known answer)", () => {
    const out = new Float64Array(3);
    const w = [1, -2, 2];
    const n2 = projectOntoHyperplaneInBox([0, 0, 0], w, 0.9, [-10, 10], "2", out);
    expect([...out].map((v) => +v.toFixed(6))).toEqual([0.1, -0.2, 0.2]);
    expect(n2).toBeCloseTo(0.3, 9);
    const nInf = projectOntoHyperplaneInBox([0, 0, 0], w, -1, [-10, 10], "inf", out);
    expect([...out].map((v) => +v.toFixed(6))).toEqual([-0.2, 0.2, -0.2]);
    expect(nInf).toBeCloseTo(0.2, 9);
  });

  it("moves blocked coordinates only as far as the box allows (known answer)", () => {
    const out = new Float64Array(2);
    // x_0 can rise by 0.1 only, so x_1 makes up the rest: 0.1 + δ₁ = 0.5.
    const size = projectOntoHyperplaneInBox([0.9, 0], [1, 1], 0.5, [0, 1], "inf", out);
    expect(out[0]).toBeCloseTo(0.1, 9);
    expect(out[1]).toBeCloseTo(0.4, 9);
    expect(size).toBeCloseTo(0.4, 9);
    // Infeasible: the box corner that gets closest.
    projectOntoHyperplaneInBox([0.9, 0.5], [1, 1], 5, [0, 1], "2", out);
    expect(out[0]).toBeCloseTo(0.1, 9);
    expect(out[1]).toBeCloseTo(0.5, 9);
  });

  const instance = fc.record({
    p: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
    w: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
    r: fc.double({ min: -2, max: 2, noNaN: true }),
  });

  it("is feasible, inside the box, and minimal: L∞ no smaller radius reaches r (property)", () => {
    fc.assert(
      fc.property(instance, ({ p, w: wAll, r }) => {
        const w = wAll.slice(0, p.length);
        const out = new Float64Array(p.length);
        const size = projectOntoHyperplaneInBox(p, w, r, [0, 1], "inf", out);
        for (let j = 0; j < p.length; j++) {
          expect(p[j] + out[j]).toBeGreaterThanOrEqual(-1e-12);
          expect(p[j] + out[j]).toBeLessThanOrEqual(1 + 1e-12);
        }
        // The most <w, δ> can move toward r with ‖δ‖∞ ≤ t inside the box.
        const reach = (t: number) =>
          w.reduce((acc, wj, j) => {
            const a = Math.sign(r) * wj;
            const room = a > 0 ? 1 - p[j] : p[j];
            return acc + Math.abs(wj) * Math.min(t, room);
          }, 0);
        const gained = dot(w, out);
        if (reach(1) >= Math.abs(r) + 1e-9) {
          expect(gained).toBeCloseTo(r, 6);
          if (size > 1e-6) expect(reach(size * (1 - 1e-6))).toBeLessThan(Math.abs(r));
        } else {
          expect(Math.abs(gained)).toBeCloseTo(reach(1), 6);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is feasible and satisfies the L2 optimality conditions δ = clip(λw) (property)", () => {
    fc.assert(
      fc.property(instance, ({ p, w: wAll, r }) => {
        const w = wAll.slice(0, p.length);
        const out = new Float64Array(p.length);
        projectOntoHyperplaneInBox(p, w, r, [0, 1], "2", out);
        const feasible =
          w.reduce((acc, wj, j) => {
            const a = Math.sign(r) * wj;
            return acc + Math.abs(wj) * (a > 0 ? 1 - p[j] : p[j]);
          }, 0) >=
          Math.abs(r) + 1e-9;
        if (!feasible || r === 0) return;
        expect(dot(w, out)).toBeCloseTo(r, 6);
        // Free coordinates share one ratio δ_j / w_j; clipped ones sit on the box.
        const ratios: number[] = [];
        for (let j = 0; j < p.length; j++) {
          const v = p[j] + out[j];
          const onBox = Math.abs(v) < 1e-9 || Math.abs(v - 1) < 1e-9;
          if (!onBox && Math.abs(w[j]) > 1e-6) ratios.push(out[j] / w[j]);
          if (w[j] === 0) expect(out[j]).toBe(0);
        }
        for (const q of ratios) expect(q).toBeCloseTo(ratios[0], 5);
      }),
      { numRuns: 300 },
    );
  });

  it("leaves a subnormal weight out instead of moving it by Infinity", () => {
    const out = new Float64Array(3);
    const w = [5e-324, -0.25, 1e-9];
    projectOntoHyperplaneInBox([0, 0, 0], w, 5e-324, [0, 1], "2", out);
    expect([...out].every(Number.isFinite)).toBe(true);
    expect(out[0]).toBe(0);
  });
});

// Class 0 when x0 > x1; a third class that never wins near the data (as in white-box.test.ts).
const W = [
  [4, -4],
  [-4, 4],
  [1, 1],
];
const b = [0, 0, -10];
// Sample 0: minimal L2 distance to x0 = x1 is 0.05/√2, minimal L∞ distance 0.025.
const x = tensor([2, 2], [0.55, 0.5, 0.9, 0.05]);
const labels = Int32Array.from([0, 0]);

describe("FAB", () => {
  for (const [norm, minimal] of [
    ["2", 0.05 / Math.SQRT2],
    ["inf", 0.025],
  ] as const) {
    it(`comes within 2% of the minimal L${norm} perturbation of a linear model`, async () => {
      const r = await fabBatch(
        multiLossLinear(W, b),
        x,
        { labels },
        { eps: 1, norm, steps: 30 },
        { rng: createRng(0) },
      );
      expect([...r.success]).toEqual([1, 1]);
      const size = norm === "2" ? r.norms.l2[0] : r.norms.linf[0];
      expect(size).toBeGreaterThanOrEqual(minimal - 1e-6);
      expect(size).toBeLessThan(minimal * 1.02);
      for (const v of r.adversarial.data) expect(v >= 0 && v <= 1).toBe(true);
    });
  }

  it("fails, inside the ball, where eps is below the minimal perturbation", async () => {
    const r = await fabBatch(
      multiLossLinear(W, b),
      x,
      { labels },
      { eps: 0.02, norm: "inf", steps: 10, restarts: 2 },
      { rng: createRng(1) },
    );
    expect([...r.success]).toEqual([0, 0]);
    for (const v of r.norms.linf) expect(v).toBeLessThanOrEqual(0.02 + 1e-6);
  });

  it("reaches a target class (targeted goal) and FAB-T counts any misclassification", async () => {
    const model = multiLossLinear(W, [0, 0, -1]);
    const one = tensor([1, 2], [0.55, 0.5]);
    const targeted = await fabBatch(
      model,
      one,
      { labels: Int32Array.from([0]), targets: Int32Array.from([2]) },
      { eps: 1, norm: "2", steps: 40 },
      { rng: createRng(0) },
    );
    expect(targeted.success[0]).toBe(1);
    const z = (await model.predict(targeted.adversarial)).data;
    expect(z[2]).toBeGreaterThan(Math.max(z[0], z[1]));
    const towardTwo = await fabBatch(
      model,
      one,
      { labels: Int32Array.from([0]) },
      { eps: 1, norm: "2", steps: 40, towards: Int32Array.from([2]) },
      { rng: createRng(0) },
    );
    expect(towardTwo.success[0]).toBe(1);
  });

  it("targeted: crosses an intermediate class on the way to the target (1-D known answer)", async () => {
    // z = (3 − 10x, 0, 10x − 7): class 0 below 0.3, class 1 on (0.3, 0.7), class 2 above 0.7.
    const model = multiLossLinear([[-10], [0], [10]], [3, 0, -7]);
    const r = await fabBatch(
      model,
      tensor([1, 1], [0.1]),
      { labels: Int32Array.from([0]), targets: Int32Array.from([2]) },
      { eps: 1, norm: "inf", steps: 40 },
      { rng: createRng(0) },
    );
    expect(r.success[0]).toBe(1);
    expect(r.norms.linf[0]).toBeGreaterThanOrEqual(0.6 - 1e-6);
    expect(r.norms.linf[0]).toBeLessThan(0.6 * 1.02);
  });

  it("is repeatable for a seed with random restarts", async () => {
    const run = () =>
      fabBatch(
        multiLossLinear(W, b),
        x,
        { labels },
        { eps: 0.3, norm: "inf", steps: 5, restarts: 3 },
        { rng: createRng(7) },
      );
    const [a, c] = [await run(), await run()];
    expect([...a.adversarial.data]).toEqual([...c.adversarial.data]);
  });

  it("refuses eps ≤ 0, zero steps and a FAB-T class list of the wrong length", async () => {
    const model = multiLossLinear(W, b);
    const ctx = { rng: createRng(0) };
    for (const p of [
      { eps: 0, norm: "inf" as const },
      { eps: 0.1, norm: "inf" as const, steps: 0 },
      { eps: 0.1, norm: "inf" as const, towards: Int32Array.from([1]) },
    ]) {
      const error = await fabBatch(model, x, { labels }, p, ctx).catch((e) => e);
      expect(error).toBeInstanceOf(MlsecError);
    }
  });
});
