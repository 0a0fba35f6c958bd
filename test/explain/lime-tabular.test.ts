import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { limeTabular } from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

describe("LIME (tabular)", () => {
  // The class-0 logit reads only feature 0.
  const model = linearClassifier(
    [
      [3, 0, 0],
      [0, 0, 0],
    ],
    [0, 0],
    [-10, 10],
  );
  const rng = createRng(5);
  const bg = { shape: [300, 3], data: new Float32Array(900).map(() => rng.normal()) };
  const x = Float32Array.from([1.8, 0.1, -0.4]); // feature 0 in its top quartile

  it("credits the feature the model reads, positively, and ~0 to the others", async () => {
    model.calls = 0;
    const r = await limeTabular(model, x, bg, {
      classIndex: 0,
      output: "logit",
      rng: createRng(1),
    });
    expect(model.calls).toBe(1); // all 5,000 perturbed samples in one batched call
    expect(r.attributions[0]).toBeGreaterThan(2);
    expect(Math.abs(r.attributions[1])).toBeLessThan(0.1);
    expect(Math.abs(r.attributions[2])).toBeLessThan(0.1);
    expect(r.score).toBeGreaterThan(0.3);
    expect(r.prediction).toBeCloseTo(3 * 1.8, 5);
    expect(r.kernelWidth).toBeCloseTo(0.75 * Math.sqrt(3), 12);
    expect(r.quartiles[0][1]).toBeCloseTo(0, 0);
  });

  it("is repeatable for a seed", async () => {
    const a = await limeTabular(model, x, bg, { classIndex: 0, samples: 500, rng: createRng(2) });
    const b = await limeTabular(model, x, bg, { classIndex: 0, samples: 500, rng: createRng(2) });
    expect([...a.attributions]).toEqual([...b.attributions]);
  });
});
