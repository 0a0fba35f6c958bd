import { describe, expect, it } from "vitest";
import { createRng, type Tensor } from "../../src/core/index.js";
import {
  exactShapley,
  kernelShap,
  kmeansBackground,
  uniformBackground,
} from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
}

function backgroundOf(rows: number[][]): Tensor {
  return { shape: [rows.length, rows[0].length], data: Float32Array.from(rows.flat()) };
}

/** w_i (x_i − E[x_i]): the Shapley values of a linear output under independent masking. */
function linearShapley(w: number[], x: Float32Array, bg: Tensor): number[] {
  const n = bg.shape[0];
  const d = w.length;
  return w.map((wi, i) => {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += bg.data[r * d + i] / n;
    return wi * (x[i] - mean);
  });
}

describe("exact Shapley values", () => {
  const d = 6;
  const W = randomMatrix(3, d, 1);
  const model = linearClassifier(W, [0.1, -0.2, 0.3], [-10, 10]);
  const bg = backgroundOf(randomMatrix(40, d, 2));
  const x = Float32Array.from(randomMatrix(1, d, 3)[0]);

  it("equal w_i (x_i − E[x_i]) on a linear logit to 1e-6, with efficiency gap ≤ 1e-6", async () => {
    const r = await exactShapley(model, x, uniformBackground(bg), {
      classIndex: 1,
      output: "logit",
    });
    const expected = linearShapley(W[1], x, bg);
    r.attributions.forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThan(1e-6);
    });
    expect(Math.abs(r.efficiencyGap)).toBeLessThan(1e-6);
    expect(r.coalitions).toBe(64);
    expect(r.modelEvaluations).toBe(64 * 40);
  });

  it("are efficient on the (non-linear) class probability", async () => {
    const r = await exactShapley(model, x, uniformBackground(bg), { classIndex: 0 });
    const sum = r.attributions.reduce((a, b) => a + b, 0);
    expect(Math.abs(r.prediction - r.baseValue - sum)).toBeLessThan(1e-9);
    const logits = (await model.predict({ shape: [1, d], data: x })).data;
    const p0 = Math.exp(logits[0]) / [...logits].reduce((a, z) => a + Math.exp(z), 0);
    expect(r.prediction).toBeCloseTo(p0, 6);
  });

  it("do not split credit between near-duplicate features (interventional masking)", async () => {
    // Feature 1 duplicates feature 0 in the data, but the model reads only feature 0:
    // independent masking follows the model, so the duplicate gets nothing.
    const dup = linearClassifier(
      [
        [2, 0, 1],
        [0, 0, 0],
      ],
      [0, 0],
      [-10, 10],
    );
    const rng = createRng(5);
    const rows = Array.from({ length: 30 }, () => {
      const a = rng.normal();
      return [a, a + 1e-3 * rng.normal(), rng.normal()];
    });
    const bgDup = backgroundOf(rows);
    const xd = Float32Array.from([1.5, 1.5, -0.5]);
    const r = await exactShapley(dup, xd, uniformBackground(bgDup), {
      classIndex: 0,
      output: "logit",
    });
    const expected = linearShapley([2, 0, 1], xd, bgDup);
    expect(r.attributions[1]).toBe(0);
    expect(Math.abs(r.attributions[0] - expected[0])).toBeLessThan(1e-6);
  });

  it("refuse more than 16 features", async () => {
    const wide = linearClassifier(randomMatrix(2, 17, 9), [0, 0], [-10, 10]);
    const bgWide = backgroundOf(randomMatrix(2, 17, 10));
    await expect(
      exactShapley(wide, new Float32Array(17), uniformBackground(bgWide), { classIndex: 0 }),
    ).rejects.toMatchObject({ code: "E_EXPLAIN_METHOD" });
  });
});

describe("KernelSHAP", () => {
  it("matches w_i (x_i − E[x_i]) to 1e-2 with sampled coalitions (d = 12, 400 samples)", async () => {
    const d = 12;
    const W = randomMatrix(2, d, 11);
    const model = linearClassifier(W, [0, 0], [-10, 10]);
    const bg = backgroundOf(randomMatrix(25, d, 12));
    const x = Float32Array.from(randomMatrix(1, d, 13)[0]);
    const r = await kernelShap(model, x, uniformBackground(bg), {
      classIndex: 0,
      output: "logit",
      samples: 400,
      rng: createRng(1),
    });
    expect(r.enumerated).toBe(false);
    const expected = linearShapley(W[0], x, bg);
    r.attributions.forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThan(1e-2);
    });
    expect(Math.abs(r.efficiencyGap)).toBeLessThan(1e-6);
  });

  it("equals exact Shapley when every coalition fits the budget, and stays efficient when sampled", async () => {
    const d = 6;
    const model = linearClassifier(randomMatrix(3, d, 21), [0, 0.5, -0.5], [-10, 10]);
    const bg = uniformBackground(backgroundOf(randomMatrix(20, d, 22)));
    const x = Float32Array.from(randomMatrix(1, d, 23)[0]);
    const exact = await exactShapley(model, x, bg, { classIndex: 2 });
    const full = await kernelShap(model, x, bg, { classIndex: 2, rng: createRng(2), samples: 62 });
    expect(full.enumerated).toBe(true);
    full.attributions.forEach((v, i) => {
      expect(v).toBeCloseTo(exact.attributions[i], 9);
    });
    const sampled = await kernelShap(model, x, bg, {
      classIndex: 2,
      rng: createRng(3),
      samples: 30,
    });
    expect(sampled.enumerated).toBe(false);
    expect(Math.abs(sampled.efficiencyGap)).toBeLessThan(1e-9);
    sampled.attributions.forEach((v, i) => {
      expect(Math.abs(v - exact.attributions[i])).toBeLessThan(0.05);
    });
  });

  it("batches: one model call per 32,768 masked rows, never one per row", async () => {
    const d = 8;
    const model = linearClassifier(randomMatrix(2, d, 31), [0, 0], [-10, 10]);
    const bg = uniformBackground(backgroundOf(randomMatrix(100, d, 32)));
    model.calls = 0;
    await kernelShap(model, new Float32Array(d), bg, {
      classIndex: 0,
      rng: createRng(4),
      samples: 200,
    });
    expect(model.calls).toBe(1);
  });
});

describe("k-means background", () => {
  it("finds two separated clusters with weights equal to their shares, repeatably", () => {
    const rng = createRng(7);
    const rows = [
      ...Array.from({ length: 30 }, () => [5 + 0.1 * rng.normal(), 5 + 0.1 * rng.normal()]),
      ...Array.from({ length: 10 }, () => [-5 + 0.1 * rng.normal(), 0.1 * rng.normal()]),
    ];
    const x = backgroundOf(rows);
    const a = kmeansBackground(x, { k: 2, rng: createRng(1) });
    const b = kmeansBackground(x, { k: 2, rng: createRng(1) });
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    const weights = [...a.weights].sort();
    expect(weights[0]).toBeCloseTo(0.25, 12);
    expect(weights[1]).toBeCloseTo(0.75, 12);
    const big = a.weights[0] > a.weights[1] ? 0 : 1;
    expect(a.x.data[big * 2]).toBeCloseTo(5, 0);
    expect(a.x.data[(1 - big) * 2]).toBeCloseTo(-5, 0);
  });

  it("keeps the rows when k ≥ rows", () => {
    const x = backgroundOf([[1], [2], [3]]);
    const r = kmeansBackground(x, { k: 5, rng: createRng(1) });
    expect(r.x).toBe(x);
    expect([...r.weights]).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

describe("the logit link", () => {
  it("explains logit(E_b[p]) additively: Σφ = logit(p(x)) − logit(E[p])", async () => {
    const d = 5;
    const W = randomMatrix(2, d, 21);
    const model = linearClassifier(W, [0, 0.5], [-10, 10]);
    const bg = backgroundOf(randomMatrix(30, d, 22));
    const x = Float32Array.from(randomMatrix(1, d, 23)[0]);
    const background = uniformBackground(bg);
    const prob = await exactShapley(model, x, background, { classIndex: 1 });
    const odds = await exactShapley(model, x, background, { classIndex: 1, output: "log-odds" });
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(odds.prediction).toBeCloseTo(logit(prob.prediction), 9);
    expect(odds.baseValue).toBeCloseTo(logit(prob.baseValue), 9);
    expect(Math.abs(odds.efficiencyGap)).toBeLessThan(1e-9);
    // Same ranking of the features whose effect is large, in a different unit.
    const top = (a: Float64Array) =>
      [...a.keys()].sort((i, j) => Math.abs(a[j]) - Math.abs(a[i]))[0];
    expect(top(odds.attributions)).toBe(top(prob.attributions));
  });
});
