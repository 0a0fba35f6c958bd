import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { projectSlice, projectToBallAndBounds, sliceNorm } from "../../../src/attacks/index.js";

const vectors = fc.array(fc.float({ min: -5, max: 5, noNaN: true }), {
  minLength: 1,
  maxLength: 40,
});
const norms = fc.constantFrom("inf" as const, "2" as const, "1" as const);

describe("Lp projections", () => {
  it("land inside the ball, leave points inside unchanged, and are idempotent", () => {
    fc.assert(
      fc.property(
        vectors,
        fc.float({ min: Math.fround(0.01), max: 3, noNaN: true }),
        norms,
        (values, eps, norm) => {
          const v = Float32Array.from(values);
          const inside = sliceNorm(v, 0, v.length, norm) <= eps;
          const before = v.slice();
          projectSlice(v, 0, v.length, eps, norm);
          if (sliceNorm(v, 0, v.length, norm) > eps * (1 + 1e-5) + 1e-6) return false;
          if (inside && v.some((x, i) => x !== before[i])) return false;
          const again = v.slice();
          projectSlice(again, 0, again.length, eps, norm);
          return again.every((x, i) => Math.abs(x - v[i]) <= 1e-5 * (1 + Math.abs(x)));
        },
      ),
    );
  });

  it("projects onto the L1 ball by soft-thresholding (Duchi et al. 2008 worked example)", () => {
    const v = Float32Array.from([3, -1, 0.5]);
    projectSlice(v, 0, 3, 2, "1");
    // theta = 1: [2, 0, 0]; check it is the closest point with ||.||_1 = 2.
    expect([...v].map((x) => x + 0)).toEqual([2, 0, 0]);
    const w = Float32Array.from([1, 1, 1]);
    projectSlice(w, 0, 3, 1.5, "1");
    expect([...w].map((x) => +x.toFixed(6))).toEqual([0.5, 0.5, 0.5]);
  });

  it("clips to the input bounds after projecting onto the ball", () => {
    const clean = Float32Array.from([0.1, 0.9, 0.5, 0.5]);
    const adv = Float32Array.from([-1, 2, 0.5, 0.52]);
    projectToBallAndBounds(adv, clean, 2, 0.3, "inf", [0, 1]);
    expect([...adv].map((x) => +x.toFixed(6))).toEqual([0, 1, 0.5, 0.52]);
  });
});
