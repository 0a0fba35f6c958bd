import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { loadDataset } from "../../src/data/index.js";
import {
  gradientTimesInput,
  integratedGradients,
  QUADRATURE_RULES,
  quadrature,
  saliency,
  smoothGrad,
} from "../../src/explain/index.js";
import { loadModel, OnnxClassifier } from "../../src/onnx/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

const W = [
  [1, -2, 0.5],
  [0, 1, 1],
  [-1, 0.5, 2],
];
const b = [0.2, 0, -0.1];
const model = linearClassifier(W, b, [-5, 5]);

/** d log p_c / dx of softmax(Wx + b) = W_c − Σ_k p_k W_k. */
function analyticGradient(x: number[], c: number): number[] {
  const z = W.map((row, k) => row.reduce((s, w, j) => s + w * x[j], b[k]));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return x.map((_, j) => W[c][j] - e.reduce((acc, ek, k) => acc + (ek / s) * W[k][j], 0));
}

describe("quadrature", () => {
  it("Gauss–Legendre with n nodes integrates degree 2n − 1 exactly on [0, 1]", () => {
    for (const n of [1, 2, 5, 50]) {
      const { alphas, weights } = quadrature("gausslegendre", n);
      const deg = 2 * n - 1;
      let s = 0;
      alphas.forEach((a, i) => {
        s += weights[i] * a ** deg;
      });
      expect(s).toBeCloseTo(1 / (deg + 1), 12);
    }
  });

  it("every rule's weights sum to 1 and its nodes lie in [0, 1]", () => {
    for (const rule of QUADRATURE_RULES) {
      const { alphas, weights } = quadrature(rule, 7);
      expect(weights.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      for (const a of alphas) expect(a >= 0 && a <= 1).toBe(true);
    }
  });
});

describe("gradient attributions on a softmax-linear model", () => {
  const x = [0.5, -1, 2];
  const xf = Float32Array.from(x);

  it("saliency is |d log p_c / dx| and Grad×Input is x ⊙ d log p_c / dx", async () => {
    const g = analyticGradient(x, 2);
    const s = await saliency(model, xf, 2);
    const gi = await gradientTimesInput(model, xf, 2);
    g.forEach((v, j) => {
      expect(s.attributions[j]).toBeCloseTo(Math.abs(v), 5);
      expect(gi.attributions[j]).toBeCloseTo(x[j] * v, 5);
    });
  });

  it("SmoothGrad with zero noise is the plain gradient, and is seeded", async () => {
    const g = analyticGradient(x, 0);
    const r = await smoothGrad(model, xf, {
      classIndex: 0,
      samples: 4,
      noiseLevel: 0,
      rng: createRng(1),
    });
    g.forEach((v, j) => {
      expect(r.attributions[j]).toBeCloseTo(v, 5);
    });
    const a = await smoothGrad(model, xf, { classIndex: 0, rng: createRng(9) });
    const c = await smoothGrad(model, xf, { classIndex: 0, rng: createRng(9) });
    expect([...a.attributions]).toEqual([...c.attributions]);
    expect(a.sigma).toBeCloseTo(0.15 * 3, 6);
  });

  it("Integrated Gradients is complete: Σ φ = log p_c(x) − log p_c(x') up to quadrature error", async () => {
    for (const rule of QUADRATURE_RULES) {
      const r = await integratedGradients(model, xf, { classIndex: 1, rule, steps: 50 });
      expect(r.relativeConvergenceDelta).toBeLessThan(rule === "gausslegendre" ? 1e-5 : 1e-2);
      const sum = r.attributions.reduce((a, v) => a + v, 0);
      expect(sum - (r.prediction - r.baselineValue)).toBeCloseTo(r.convergenceDelta, 9);
    }
  });
});

describe("Integrated Gradients on the demo CNN", () => {
  it("is complete to within 1% with the default 50 Gauss–Legendre steps", async () => {
    const cnn = await OnnxClassifier.create(await loadModel("examples/models/digits-cnn.onnx"), {
      intraOpThreads: 1,
    });
    try {
      const data = await loadDataset("examples/data/digits-test.npz");
      const d = 28 * 28;
      for (const index of [0, 1]) {
        const x = data.x.data.slice(index * d, (index + 1) * d);
        const r = await integratedGradients(cnn, x, { classIndex: data.y[index] });
        expect(r.steps).toBe(50);
        expect(r.relativeConvergenceDelta).toBeLessThan(0.01);
      }
    } finally {
      await cnn.release();
    }
  });
});
