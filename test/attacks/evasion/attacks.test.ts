import { describe, expect, it } from "vitest";
import { evaluateRobustness, fgsmBatch, pgdBatch } from "../../../src/attacks/index.js";
import { createRng, MlsecError, tensor } from "../../../src/core/index.js";
import { linearClassifier } from "../../helpers/linear-classifier.js";

// Two classes over two features: class 0 if x0 > x1.
const W = [
  [4, -4],
  [-4, 4],
];
const b = [0, 0];

describe("FGSM", () => {
  it("steps eps along sign(∇ loss) and clips to the bounds (known answer)", async () => {
    const model = linearClassifier(W, b);
    const x = tensor([2, 2], [0.6, 0.4, 0.95, 0.1]);
    const result = await fgsmBatch(
      model,
      x,
      { labels: Int32Array.from([0, 0]) },
      { eps: 0.15, norm: "inf" },
    );
    // The loss of class 0 grows when x0 falls and x1 rises.
    expect([...result.adversarial.data].map((v) => +v.toFixed(6))).toEqual([0.45, 0.55, 0.8, 0.25]);
    expect([...result.success]).toEqual([1, 0]);
    expect([...result.norms.linf].map((v) => +v.toFixed(6))).toEqual([0.15, 0.15]);
  });

  it("moves toward the target class when targeted", async () => {
    const model = linearClassifier([...W, [0, 0]], [...b, -10]);
    const x = tensor([1, 2], [0.6, 0.4]);
    const result = await fgsmBatch(
      model,
      x,
      { labels: Int32Array.from([0]), targets: Int32Array.from([1]) },
      { eps: 0.2, norm: "inf" },
    );
    expect([...result.adversarial.data].map((v) => +v.toFixed(6))).toEqual([0.4, 0.6]);
    expect([...result.success]).toEqual([1]);
  });
});

describe("PGD", () => {
  const x = tensor([3, 2], [0.7, 0.3, 0.9, 0.05, 0.55, 0.5]);
  const labels = Int32Array.from([0, 0, 0]);

  for (const norm of ["inf", "2", "1"] as const) {
    it(`keeps L${norm} adversarials in the ball and the bounds, and succeeds where the budget allows`, async () => {
      const model = linearClassifier(W, b);
      const result = await pgdBatch(
        model,
        x,
        { labels },
        { eps: 0.3, epsStep: 0.05, steps: 20, norm, randomInit: 2 },
        { rng: createRng(1) },
      );
      const limit = { inf: result.norms.linf, "2": result.norms.l2, "1": undefined }[norm];
      for (let i = 0; i < 3; i++) {
        if (limit) expect(limit[i]).toBeLessThanOrEqual(0.3 + 1e-6);
      }
      for (const v of result.adversarial.data) expect(v >= 0 && v <= 1).toBe(true);
      // Sample 2 (margin 0.05) falls under every norm; sample 1 (margin 0.85) is out of reach.
      expect(result.success[2]).toBe(1);
      expect(result.success[1]).toBe(0);
      const logits = await model.predict(result.adversarial);
      expect(logits.data[4] < logits.data[5]).toBe(true);
    });
  }

  it("is repeatable for a seed and stops early on success", async () => {
    const run = async () => {
      const model = linearClassifier(W, b);
      const r = await pgdBatch(
        model,
        x,
        { labels },
        { eps: 0.3, epsStep: 0.05, steps: 20, norm: "inf", randomInit: 3 },
        { rng: createRng(9) },
      );
      return { r, calls: model.calls };
    };
    const a = await run();
    const c = await run();
    expect([...a.r.adversarial.data]).toEqual([...c.r.adversarial.data]);
    expect([...a.r.queries]).toEqual([...c.r.queries]);
    // The easy sample needs a few steps, the impossible one uses every step of every restart.
    expect(a.r.queries[2]).toBeLessThan(a.r.queries[1]);
    expect(a.r.queries[1]).toBe(3 * 21);
  });

  it("rejects eps ≤ 0 and eps beyond the input range", async () => {
    const model = linearClassifier(W, b);
    for (const eps of [0, -1, 2]) {
      const error = await pgdBatch(
        model,
        x,
        { labels },
        { eps, epsStep: 0.1, steps: 1, norm: "inf", randomInit: 0 },
        { rng: createRng(0) },
      ).catch((e) => e);
      expect(error).toBeInstanceOf(MlsecError);
      expect(error.code).toBe("E_INVALID_ARGUMENT");
    }
  });
});

describe("evaluateRobustness", () => {
  it("counts clean mistakes as not robust and reports success over clean-correct samples", async () => {
    const model = linearClassifier(W, b);
    // Sample 3 is misclassified already (x0 < x1 with label 0).
    const xs = tensor([4, 2], [0.7, 0.3, 0.9, 0.05, 0.55, 0.5, 0.2, 0.8]);
    const ys = Int32Array.from([0, 0, 0, 0]);
    const { summary } = await evaluateRobustness(
      model,
      xs,
      ys,
      { attack: "fgsm", eps: 0.1, norm: "inf" },
      { batchSize: 3, rng: createRng(0) },
    );
    expect(summary.cleanAccuracy).toBe(0.75);
    expect(summary.robustAccuracy).toBe(0.5);
    expect(summary.successRate).toBeCloseTo(1 / 3, 10);
    expect(summary.n).toBe(4);
  });

  it("refuses a white-box attack on a model without gradients", async () => {
    const { predict, inputShape, numClasses, bounds } = linearClassifier(W, b);
    const blackBox = { predict, inputShape, numClasses, bounds };
    const error = await evaluateRobustness(
      blackBox,
      tensor([1, 2], [0.5, 0.4]),
      Int32Array.from([0]),
      { attack: "fgsm", eps: 0.1, norm: "inf" },
      { batchSize: 1, rng: createRng(0) },
    ).catch((e) => e);
    expect(error.code).toBe("E_INVALID_ARGUMENT");
    expect(error.hint).toMatch(/black-box/);
  });
});
