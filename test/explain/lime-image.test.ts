import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { gridSegments, limeImage } from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

/** A 6×6 one-channel "image" model. */
function imageModel() {
  const model = linearClassifier([new Array(36).fill(1), new Array(36).fill(0)], [0, 0]);
  return Object.assign(model, { inputShape: [1, 6, 6] });
}

describe("LIME (images, grid superpixels)", () => {
  it("cuts an image into a grid, edge cells smaller", () => {
    const { labels, count } = gridSegments(5, 5, 2);
    expect(count).toBe(9);
    expect(Array.from(labels.subarray(0, 5))).toEqual([0, 0, 1, 1, 2]);
    expect(labels[24]).toBe(8);
  });

  it("finds the superpixel whose hiding changes the output", async () => {
    // Class-0 logit reads pixel (0,0) only: hiding its cell replaces 1 by the cell mean 1/9.
    const w0 = new Array(36).fill(0);
    w0[0] = 5;
    const model = Object.assign(linearClassifier([w0, new Array(36).fill(0)], [0, 0]), {
      inputShape: [1, 6, 6],
    });
    const x = new Float32Array(36);
    x[0] = 1;
    model.calls = 0;
    const r = await limeImage(model, x, {
      classIndex: 0,
      output: "logit",
      cell: 3,
      samples: 400,
      rng: createRng(5),
    });
    expect(model.calls).toBe(1); // every perturbed image in one batch
    const expected = 5 * (1 - 1 / 9);
    expect(r.superpixelWeights[0]).toBeGreaterThan(0.8 * expected);
    for (const j of [1, 2, 3]) expect(Math.abs(r.superpixelWeights[j])).toBeLessThan(0.1);
    expect(r.prediction).toBeCloseTo(5, 5);
    expect(r.score).toBeGreaterThan(0.9);
  });

  it("rejects tabular models and too few samples", async () => {
    const tabular = linearClassifier([[1, 2]], [0]);
    await expect(
      limeImage(tabular, new Float32Array(2), { classIndex: 0, rng: createRng(1) }),
    ).rejects.toMatchObject({ code: "E_SHAPE_MISMATCH" });
    await expect(
      limeImage(imageModel(), new Float32Array(36), {
        classIndex: 0,
        cell: 1,
        samples: 10,
        rng: createRng(1),
      }),
    ).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
  });
});
