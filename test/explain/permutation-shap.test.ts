import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { exactShapley, permutationShap, uniformBackground } from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

const d = 6;
const rng = createRng(11);
const W = [0, 1, 2].map(() => Array.from({ length: d }, () => rng.normal()));
const model = linearClassifier(W, [0.1, -0.2, 0.3], [-10, 10]);
const bg = { shape: [30, d], data: new Float32Array(30 * d).map(() => rng.normal()) };
const x = Float32Array.from({ length: d }, () => rng.normal());

describe("permutation SHAP", () => {
  it("gives w_i (x_i − E[x_i]) on a linear logit with a single pair of walks", async () => {
    const r = await permutationShap(model, x, uniformBackground(bg), {
      classIndex: 2,
      output: "logit",
      samples: 2 * (d - 1) + 2,
      rng: createRng(1),
    });
    expect(r.permutations).toBe(1);
    for (let i = 0; i < d; i++) {
      let mean = 0;
      for (let row = 0; row < 30; row++) mean += bg.data[row * d + i] / 30;
      expect(Math.abs(r.attributions[i] - W[2][i] * (x[i] - mean))).toBeLessThan(1e-6);
    }
    expect(Number.isNaN(r.standardErrors[0])).toBe(true);
  });

  it("is exactly efficient on the class probability and converges to exact Shapley", async () => {
    const background = uniformBackground(bg);
    const exact = await exactShapley(model, x, background, { classIndex: 0 });
    const r = await permutationShap(model, x, background, {
      classIndex: 0,
      samples: 4000,
      rng: createRng(2),
    });
    expect(r.permutations).toBe(Math.floor(3998 / 10));
    expect(Math.abs(r.efficiencyGap)).toBeLessThan(1e-9);
    expect(r.prediction).toBeCloseTo(exact.prediction, 9);
    expect(r.baseValue).toBeCloseTo(exact.baseValue, 9);
    for (let i = 0; i < d; i++) {
      expect(Math.abs(r.attributions[i] - exact.attributions[i])).toBeLessThan(
        4 * r.standardErrors[i] + 1e-9,
      );
    }
    expect(r.coalitions).toBe(2 + r.permutations * 10);
  });

  it("is repeatable for a seed and refuses a budget below one pair of walks", async () => {
    const options = { classIndex: 1, samples: 200, rng: createRng(3) };
    const a = await permutationShap(model, x, uniformBackground(bg), options);
    const b = await permutationShap(model, x, uniformBackground(bg), {
      ...options,
      rng: createRng(3),
    });
    expect([...a.attributions]).toEqual([...b.attributions]);
    await expect(
      permutationShap(model, x, uniformBackground(bg), { ...options, samples: 11 }),
    ).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
  });
});
