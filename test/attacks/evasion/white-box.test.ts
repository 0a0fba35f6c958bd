import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  apgdBatch,
  apgdCheckpoints,
  carliniWagnerBatch,
  cleverScore,
  deepFoolBatch,
  logitCombinationGradients,
} from "../../../src/attacks/index.js";
import { createRng, tensor } from "../../../src/core/index.js";
import { multiLossLinear } from "./multi-loss-classifier.js";

// Class 0 when x0 > x1 (two classes), plus a third class that never wins near the data.
const W = [
  [4, -4],
  [-4, 4],
  [1, 1],
];
const b = [0, 0, -10];
// Sample 0: margin 0.05 (L2 distance to x0 = x1 is 0.05/√2, L∞ distance 0.025).
const x = tensor([2, 2], [0.55, 0.5, 0.9, 0.05]);
const labels = Int32Array.from([0, 0]);

describe("logitCombinationGradients", () => {
  it("returns ∇(z_a − z_b) = W_a − W_b from cross-entropy gradients (known answer)", async () => {
    const model = multiLossLinear(W, b);
    const { gradients, logits } = await logitCombinationGradients(model, x.data, 2, [
      {
        row: 0,
        coefficients: new Map([
          [1, 1],
          [0, -1],
        ]),
      },
      {
        row: 1,
        coefficients: new Map([
          [2, 1],
          [0, -0.5],
          [1, -0.5],
        ]),
      },
    ]);
    expect([...gradients].map((v) => +v.toFixed(5))).toEqual([-8, 8, 1, 1]);
    expect(logits[0]).toBeCloseTo(0.2, 5);
  });

  it("holds for random zero-sum coefficients and points (property)", async () => {
    const model = multiLossLinear(W, b);
    await fc.assert(
      fc.asyncProperty(
        fc.float({ min: 0, max: 1, noNaN: true }),
        fc.float({ min: 0, max: 1, noNaN: true }),
        fc.float({ min: -2, max: 2, noNaN: true }),
        async (x0, x1, a) => {
          const coefficients = new Map([
            [0, a],
            [2, -a],
          ]);
          const { gradients } = await logitCombinationGradients(
            model,
            Float32Array.from([x0, x1]),
            1,
            [{ row: 0, coefficients }],
          );
          expect(gradients[0]).toBeCloseTo(a * (W[0][0] - W[2][0]), 3);
          expect(gradients[1]).toBeCloseTo(a * (W[0][1] - W[2][1]), 3);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("DeepFool", () => {
  it("finds the minimal perturbation of a linear model (1 + overshoot) in L2 and L∞", async () => {
    const model = multiLossLinear(W, b);
    const l2 = await deepFoolBatch(
      model,
      x,
      { labels },
      { eps: 10, norm: "2" },
      { rng: createRng(0) },
    );
    expect(l2.success[0]).toBe(1);
    // f = z_1 − z_0 = −0.4, w = (−8, 8): step (|f| + 1e-4) / ||w||₂, then × 1.02.
    expect(l2.norms.l2[0]).toBeCloseTo(((0.4 + 1e-4) / (8 * Math.SQRT2)) * 1.02, 4);
    expect(l2.success[1]).toBe(1);
    const linf = await deepFoolBatch(
      model,
      x,
      { labels },
      { eps: 10, norm: "inf" },
      { rng: createRng(0) },
    );
    expect(linf.norms.linf[0]).toBeCloseTo(((0.4 + 1e-4) / 16) * 1.02, 4);
  });

  it("fails where eps is below the minimal perturbation", async () => {
    const model = multiLossLinear(W, b);
    const r = await deepFoolBatch(
      model,
      x,
      { labels },
      { eps: 0.02, norm: "2" },
      { rng: createRng(0) },
    );
    expect(r.success[0]).toBe(0);
    expect(r.norms.l2[0]).toBeLessThanOrEqual(0.02 + 1e-6);
  });

  it("targeted: steps to the target's linearised boundary only (known answer)", async () => {
    // z = [0.2, −0.2, 0.05] at (0.55, 0.5); class 1 is nearer, but the target is 2:
    // z_2 − z_0 = −3x₀ + 5x₁ − 1 = −0.15, so one step of (0.15 + 1e-4)/√34 × 1.02 in L2.
    const model = multiLossLinear(W, [0, 0, -1]);
    const one = tensor([1, 2], [0.55, 0.5]);
    for (const norm of ["2", "inf"] as const) {
      const r = await deepFoolBatch(
        model,
        one,
        { labels: Int32Array.from([0]), targets: Int32Array.from([2]) },
        { eps: 1, norm },
        { rng: createRng(0) },
      );
      expect(r.success[0]).toBe(1);
      const z = (await model.predict(r.adversarial)).data;
      expect(z[2]).toBeGreaterThan(Math.max(z[0], z[1]));
      if (norm === "2")
        expect(r.norms.l2[0]).toBeCloseTo(((0.15 + 1e-4) / Math.sqrt(34)) * 1.02, 5);
      else expect(r.norms.linf[0]).toBeCloseTo(((0.15 + 1e-4) / 8) * 1.02, 5);
    }
  });
});

describe("targeted DeepFool through an intermediate class", () => {
  it("re-linearises against the class in the way (1-D known answer)", async () => {
    // z = (3 − 10x, 0, 10x − 7): class 0 below 0.3, class 1 on (0.3, 0.7), class 2 above 0.7.
    const model = multiLossLinear([[-10], [0], [10]], [3, 0, -7]);
    const r = await deepFoolBatch(
      model,
      tensor([1, 1], [0.1]),
      { labels: Int32Array.from([0]), targets: Int32Array.from([2]) },
      { eps: 1, norm: "inf" },
      { rng: createRng(0) },
    );
    expect(r.success[0]).toBe(1);
    expect(r.norms.linf[0]).toBeGreaterThanOrEqual(0.6);
    expect(r.norms.linf[0]).toBeLessThan(0.6 * 1.03);
  });
});

describe("Carlini–Wagner L2", () => {
  it("comes close to the minimal L2 perturbation of a linear model", async () => {
    const model = multiLossLinear(W, b);
    const r = await carliniWagnerBatch(
      model,
      x,
      { labels },
      { eps: 10, steps: 200, binarySteps: 6, initialConst: 1 },
      { rng: createRng(0) },
    );
    expect(r.success[0]).toBe(1);
    const minimal = 0.05 / Math.SQRT2;
    expect(r.norms.l2[0]).toBeGreaterThanOrEqual(minimal - 1e-4);
    expect(r.norms.l2[0]).toBeLessThan(minimal * 1.3);
    // Sample 1 needs L2 ≥ 0.6: found too (eps is large), and inside the bounds.
    expect(r.success[1]).toBe(1);
    for (const v of r.adversarial.data) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("reaches a target class", async () => {
    const model = multiLossLinear(W, [0, 0, -1]);
    const r = await carliniWagnerBatch(
      model,
      tensor([1, 2], [0.55, 0.5]),
      { labels: Int32Array.from([0]), targets: Int32Array.from([2]) },
      { eps: 10, steps: 200, binarySteps: 6, initialConst: 1 },
      { rng: createRng(0) },
    );
    expect(r.success[0]).toBe(1);
    const z = (await model.predict(r.adversarial)).data;
    expect(z[2]).toBeGreaterThan(Math.max(z[0], z[1]));
  });
});

describe("APGD", () => {
  it("places checkpoints at ⌈p_j·N⌉ (known answer for N = 100)", () => {
    expect(apgdCheckpoints(100)).toEqual([22, 41, 57, 70, 80, 87, 93, 99]);
  });

  for (const loss of ["ce", "dlr"] as const) {
    for (const norm of ["inf", "2"] as const) {
      it(`APGD-${loss} L${norm}: stays in the ball and the bounds and succeeds within reach`, async () => {
        const model = multiLossLinear(W, b);
        const r = await apgdBatch(
          model,
          x,
          { labels },
          { eps: 0.1, norm, loss, steps: 20 },
          { rng: createRng(3) },
        );
        expect(r.success[0]).toBe(1);
        expect(r.success[1]).toBe(0);
        const limit = norm === "inf" ? r.norms.linf : r.norms.l2;
        for (const v of limit) expect(v).toBeLessThanOrEqual(0.1 + 1e-6);
        for (const v of r.adversarial.data) expect(v >= 0 && v <= 1).toBe(true);
      });
    }
  }

  it("is repeatable for a seed", async () => {
    const run = () =>
      apgdBatch(
        multiLossLinear(W, b),
        x,
        { labels },
        { eps: 0.3, norm: "inf", loss: "dlr", steps: 10 },
        { rng: createRng(5) },
      );
    const [a, c] = [await run(), await run()];
    expect([...a.adversarial.data]).toEqual([...c.adversarial.data]);
  });
});

describe("CLEVER score", () => {
  it("equals the exact minimal distance for a linear model (constant gradient)", async () => {
    const model = multiLossLinear(W, b);
    const one = tensor([1, 2], [0.55, 0.5]);
    const l2 = await cleverScore(model, one, 0, { radius: 1, norm: "2", rng: createRng(0) });
    // g_1 = z_0 − z_1 = 0.4, ||W_0 − W_1||₂ = 8√2: 0.4 / (8√2) = 0.05/√2.
    expect(l2.nearestClass).toBe(1);
    expect(l2.score).toBeCloseTo(0.05 / Math.SQRT2, 5);
    // The batch maxima all equal ||W_0 − W_1||₂ (up to float32 noise): the fit's location.
    expect(l2.lipschitz[1]).toBeCloseTo(8 * Math.SQRT2, 4);
    expect(l2.fits[1]?.method).toBe("degenerate");
    expect(l2.fits[0]).toBeNull();
    const linf = await cleverScore(model, one, 0, { radius: 1, norm: "inf", rng: createRng(0) });
    expect(linf.score).toBeCloseTo(0.025, 5);
    // L∞ ball: the dual L1 norm ||W_0 − W_1||₁ = 16.
    expect(linf.lipschitz[1]).toBeCloseTo(16, 4);
    // Capped at the radius, and 0 for a misclassified sample.
    const capped = await cleverScore(model, one, 0, { radius: 0.01, norm: "2", rng: createRng(0) });
    expect(capped.score).toBe(0.01);
    const wrong = await cleverScore(model, one, 1, { radius: 1, norm: "2", rng: createRng(0) });
    expect(wrong.score).toBe(0);
  });
});
