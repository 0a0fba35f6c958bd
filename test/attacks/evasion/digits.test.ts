// Attack strength on the undefended demo CNN (examples/models/digits-cnn.onnx), on a few samples.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateRobustness } from "../../../src/attacks/index.js";
import { createRng } from "../../../src/core/index.js";
import { digits } from "./multi-loss-classifier.js";

let loaded: Awaited<ReturnType<typeof digits>>;
beforeAll(async () => {
  loaded = await digits(20);
});
afterAll(() => loaded.model.release());

describe("attacks on digits-cnn", () => {
  it("Square L∞ reaches ≥ 90% success at eps 0.3 within 5,000 queries (20 digits)", async () => {
    const { model, x, y } = loaded;
    const { summary, result } = await evaluateRobustness(
      model,
      x,
      y,
      { attack: "square", eps: 0.3, norm: "inf", maxQueries: 5000 },
      { batchSize: 20, rng: createRng(0) },
    );
    expect(summary.successRate).toBeGreaterThanOrEqual(0.9);
    for (const q of result.queries) expect(q).toBeLessThanOrEqual(5000);
    expect(summary.meanNorms.linf).toBeLessThanOrEqual(0.3 + 1e-6);
  });

  it("the AutoAttack-style ensemble never reports higher robust accuracy than PGD on the same digits", async () => {
    const { model, x, y } = loaded;
    const eps = 0.1;
    const pgd = await evaluateRobustness(
      model,
      x,
      y,
      {
        attack: "pgd",
        eps,
        epsStep: 0.01,
        steps: 20,
        norm: "inf",
        randomInit: 0,
        earlyStop: true,
      },
      { batchSize: 20, rng: createRng(0) },
    );
    const auto = await evaluateRobustness(
      model,
      x,
      y,
      { attack: "autoattack", eps, norm: "inf", steps: 20, targetClasses: 2, maxQueries: 300 },
      { batchSize: 20, rng: createRng(0) },
    );
    expect(auto.summary.robustAccuracy).toBeLessThanOrEqual(pgd.summary.robustAccuracy);
    expect(auto.summary.robustAccuracy).toBeLessThan(auto.summary.cleanAccuracy);
  });

  it("DeepFool, CW, APGD-DLR, FAB and HopSkipJump fool the CNN on most digits", async () => {
    const { model } = loaded;
    const { sliceBatch } = await import("../../../src/core/index.js");
    const x = sliceBatch(loaded.x, 0, 6);
    const y = loaded.y.slice(0, 6);
    for (const spec of [
      { attack: "deepfool", eps: 3, norm: "2", steps: 30, candidates: 10, overshoot: 0.02 },
      { attack: "cw", eps: 3, steps: 100, binarySteps: 1, initialConst: 10, confidence: 0 },
      { attack: "apgd-dlr", eps: 0.3, norm: "inf", steps: 20, restarts: 1 },
      { attack: "fab", eps: 0.3, norm: "inf", steps: 20, restarts: 1, earlyStop: true },
      { attack: "hopskipjump", eps: 5, norm: "2", maxQueries: 800, iterations: 5 },
    ] as const) {
      const { summary } = await evaluateRobustness(model, x, y, spec, {
        batchSize: 6,
        rng: createRng(1),
      });
      expect(summary.successRate, spec.attack).toBeGreaterThanOrEqual(4 / 6);
    }
  });

  it("targeted DeepFool pushes most digits to the target class", async () => {
    const { model } = loaded;
    const { sliceBatch } = await import("../../../src/core/index.js");
    const { summary } = await evaluateRobustness(
      model,
      sliceBatch(loaded.x, 0, 6),
      loaded.y.slice(0, 6),
      { attack: "deepfool", eps: 5, norm: "2", steps: 30, candidates: 10, overshoot: 0.02 },
      { batchSize: 6, rng: createRng(1), targetClass: 3 },
    );
    expect(summary.successRate).toBeGreaterThanOrEqual(4 / 6);
  });
});
