import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { partialDependence } from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

describe("partial dependence and ICE", () => {
  const rng = createRng(8);
  const data = { shape: [50, 3], data: new Float32Array(150).map(() => rng.normal()) };

  it("is the feature's weight times the grid (plus a constant) on a linear logit", async () => {
    const model = linearClassifier([[2, -1, 0.5]], [0.3], [-10, 10]);
    model.calls = 0;
    const r = await partialDependence(model, data, {
      feature: 1,
      classIndex: 0,
      output: "logit",
      gridSize: 11,
    });
    expect(model.calls).toBe(1);
    expect(r.grid).toHaveLength(11);
    const sorted = Array.from({ length: 50 }, (_, i) => data.data[i * 3 + 1]).sort((a, b) => a - b);
    expect(r.grid[0]).toBeCloseTo(sorted[0], 6);
    expect(r.grid[10]).toBeCloseTo(sorted[49], 6);
    for (let k = 1; k < 11; k++) {
      expect(r.average[k] - r.average[k - 1]).toBeCloseTo(-(r.grid[k] - r.grid[k - 1]), 5);
      // Linear: every ICE curve is the PD curve shifted, so the spread is the same everywhere.
      expect(r.spread[k]).toBeCloseTo(r.spread[0], 5);
    }
    expect(r.ice).toHaveLength(50 * 11);
  });

  it("rises for a feature the probability grows with and is flat for an ignored one", async () => {
    const model = linearClassifier(
      [
        [3, 0, 0],
        [0, 0, 0],
      ],
      [0, 0],
      [-10, 10],
    );
    const r = await partialDependence(model, data, { feature: 0, classIndex: 0 });
    expect(r.average[r.average.length - 1]).toBeGreaterThan(r.average[0]);
    const flat = await partialDependence(model, data, { feature: 2, classIndex: 0 });
    const range = Math.max(...flat.average) - Math.min(...flat.average);
    expect(range).toBeLessThan(1e-9); // a feature the model ignores: a flat curve
  });

  it("uses the distinct values of a feature with few, and rejects bad arguments", async () => {
    const model = linearClassifier([[1, 1]], [0], [-10, 10]);
    const binary = { shape: [4, 2], data: Float32Array.from([0, 1, 1, 1, 0, 1, 1, 1]) };
    const r = await partialDependence(model, binary, { feature: 0, classIndex: 0, gridSize: 5 });
    expect(Array.from(r.grid)).toEqual([0, 1]);
    await expect(
      partialDependence(model, binary, { feature: 2, classIndex: 0 }),
    ).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
    await expect(
      partialDependence(model, binary, { feature: 0, classIndex: 0, gridSize: 0 }),
    ).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
  });
});
