import { describe, expect, it } from "vitest";
import {
  estimatedPgdBatch,
  hopSkipJumpBatch,
  imageGeometry,
  squareBatch,
  squareP,
} from "../../../src/attacks/index.js";
import { type Classifier, createRng, MlsecError, tensor } from "../../../src/core/index.js";
import { linearClassifier } from "../../helpers/linear-classifier.js";

// Class 0 when the first half of the features outweighs the second half (8 features).
const W = [
  [1, 1, 1, 1, -1, -1, -1, -1],
  [-1, -1, -1, -1, 1, 1, 1, 1],
];
const b = [0, 0];
// Sample 0 has margin 2·(0.1·4) = 0.8 logits: L∞ distance 0.05, L2 distance 0.1414.
// Sample 1 is far (L∞ distance 0.4).
const x = tensor(
  [2, 8],
  [0.6, 0.6, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1],
);
const labels = Int32Array.from([0, 0]);

/** The linear model seen through predict only (no lossGradient), counting predicted rows. */
function blackBox(): Classifier & { rows: number } {
  const { predict, inputShape, numClasses, bounds } = linearClassifier(W, b);
  const model = {
    rows: 0,
    inputShape,
    numClasses,
    bounds,
    predict: async (t: Parameters<typeof predict>[0]) => {
      model.rows += t.shape[0];
      return predict(t);
    },
  };
  return model;
}

describe("Square attack", () => {
  it("follows the p schedule of the paper (halving at 10, 50, 200, ... of 10,000)", () => {
    expect(squareP(0.8, 0, 10000)).toBe(0.8);
    expect(squareP(0.8, 10, 10000)).toBe(0.8);
    expect(squareP(0.8, 11, 10000)).toBe(0.4);
    expect(squareP(0.8, 300, 10000)).toBe(0.1);
    expect(squareP(0.8, 9000, 10000)).toBeCloseTo(0.8 / 512, 12);
    // The schedule is rescaled to the budget: 1,000 iterations reach the same final p.
    expect(squareP(0.8, 900, 1000)).toBeCloseTo(0.8 / 512, 12);
    expect(imageGeometry([1, 28, 28])).toEqual([1, 28, 28]);
    expect(imageGeometry([8])).toEqual([1, 1, 8]);
  });

  for (const norm of ["inf", "2"] as const) {
    it(`L${norm}: succeeds within reach, never beyond eps, bounds or the query budget`, async () => {
      const model = blackBox();
      const eps = norm === "inf" ? 0.1 : 0.3;
      const r = await squareBatch(
        model,
        x,
        { labels },
        { eps, norm, maxQueries: 200 },
        { rng: createRng(1) },
      );
      expect(r.success[0]).toBe(1);
      expect(r.success[1]).toBe(0);
      expect(r.queries[1]).toBe(200);
      expect(r.queries[0]).toBeLessThanOrEqual(200);
      expect(model.rows).toBe(r.queries[0] + r.queries[1]);
      const size = norm === "inf" ? r.norms.linf : r.norms.l2;
      for (const v of size) expect(v).toBeLessThanOrEqual(eps + 1e-5);
      for (const v of r.adversarial.data) expect(v >= 0 && v <= 1).toBe(true);
    });
  }

  it("is repeatable for a seed", async () => {
    const run = () =>
      squareBatch(
        blackBox(),
        x,
        { labels },
        { eps: 0.1, norm: "inf", maxQueries: 50 },
        { rng: createRng(7) },
      );
    const [a, c] = [await run(), await run()];
    expect([...a.adversarial.data]).toEqual([...c.adversarial.data]);
    expect([...a.queries]).toEqual([...c.queries]);
  });
});

describe("NES and SPSA gradient estimation", () => {
  for (const estimator of ["nes", "spsa"] as const) {
    it(`${estimator}: PGD on estimated gradients succeeds within reach and keeps to the budget`, async () => {
      const model = blackBox();
      const r = await estimatedPgdBatch(
        model,
        x,
        { labels },
        { estimator, eps: 0.1, epsStep: 0.02, norm: "inf", maxQueries: 500, samples: 5 },
        { rng: createRng(2) },
      );
      expect(r.success[0]).toBe(1);
      expect(r.success[1]).toBe(0);
      for (const q of r.queries) expect(q).toBeLessThanOrEqual(500);
      expect(model.rows).toBe(r.queries[0] + r.queries[1]);
      for (const v of r.norms.linf) expect(v).toBeLessThanOrEqual(0.1 + 1e-6);
    });
  }

  it("moves toward a target class", async () => {
    const model = linearClassifier([...W, [0, 0, 0, 0, 0, 0, 0, 0]], [0, 0, 0.5]);
    const r = await estimatedPgdBatch(
      model,
      x,
      { labels, targets: Int32Array.from([2, 2]) },
      { estimator: "nes", eps: 0.2, epsStep: 0.02, norm: "2", maxQueries: 400, samples: 5 },
      { rng: createRng(2) },
    );
    expect(r.success[0]).toBe(1);
  });

  it("refuses a budget below one step", async () => {
    const error = await estimatedPgdBatch(
      blackBox(),
      x,
      { labels },
      { estimator: "spsa", eps: 0.1, epsStep: 0.01, norm: "inf", maxQueries: 10, samples: 5 },
      { rng: createRng(0) },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(MlsecError);
    expect(error.code).toBe("E_INVALID_ARGUMENT");
  });
});

describe("HopSkipJump", () => {
  it("walks the boundary toward the minimal L2 perturbation using decisions only", async () => {
    const model = blackBox();
    const r = await hopSkipJumpBatch(
      model,
      x,
      { labels },
      { eps: 0.5, norm: "2", maxQueries: 2000, iterations: 20 },
      { rng: createRng(4) },
    );
    expect(r.success[0]).toBe(1);
    // The closest point of the boundary is 0.1414 away; the walk ends near it.
    expect(r.norms.l2[0]).toBeGreaterThanOrEqual(0.1414 - 1e-3);
    expect(r.norms.l2[0]).toBeLessThan(0.2);
    for (const q of r.queries) expect(q).toBeLessThanOrEqual(2000);
    expect(model.rows).toBe(r.queries[0] + r.queries[1]);
    // Sample 1 needs L2 0.8 > eps: not a success, and its output stays within eps.
    expect(r.success[1]).toBe(0);
    expect(r.norms.l2[1]).toBeLessThanOrEqual(0.5 + 1e-5);
  });

  it("L∞: ends within eps of the clean input", async () => {
    const r = await hopSkipJumpBatch(
      blackBox(),
      x,
      { labels },
      { eps: 0.1, norm: "inf", maxQueries: 1500, iterations: 15 },
      { rng: createRng(4) },
    );
    expect(r.success[0]).toBe(1);
    expect(r.norms.linf[0]).toBeLessThanOrEqual(0.1 + 1e-6);
  });
});
