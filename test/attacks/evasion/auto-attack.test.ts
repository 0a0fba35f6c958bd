// The AutoAttack-style ensemble against PGD where it matters: the adversarially trained demo CNN
// (examples/models/digits-cnn-robust.onnx), on which PGD leaves most digits robust at eps 0.3.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTO_ATTACK_MEMBERS, evaluateRobustness } from "../../../src/attacks/index.js";
import { createRng } from "../../../src/core/index.js";
import { digits } from "./multi-loss-classifier.js";

let loaded: Awaited<ReturnType<typeof digits>>;
beforeAll(async () => {
  loaded = await digits(12, "examples/models/digits-cnn-robust.onnx");
});
afterAll(() => loaded.model.release());

describe("AutoAttack-style ensemble on the adversarially trained CNN", () => {
  it("lists FAB-T between APGD-T and Square, as AutoAttack's standard version", () => {
    expect(AUTO_ATTACK_MEMBERS).toEqual(["apgd-ce", "apgd-t", "fab-t", "square"]);
  });

  it("never reports higher robust accuracy than PGD on the same digits", async () => {
    const { model, x, y } = loaded;
    const eps = 0.3;
    const pgd = await evaluateRobustness(
      model,
      x,
      y,
      {
        attack: "pgd",
        eps,
        epsStep: 0.03,
        steps: 10,
        norm: "inf",
        randomInit: 0,
        earlyStop: true,
      },
      { batchSize: 12, rng: createRng(0) },
    );
    const auto = await evaluateRobustness(
      model,
      x,
      y,
      { attack: "autoattack", eps, norm: "inf", steps: 10, targetClasses: 1, maxQueries: 100 },
      { batchSize: 12, rng: createRng(0) },
    );
    expect(pgd.summary.robustAccuracy).toBeGreaterThan(0.3);
    expect(auto.summary.robustAccuracy).toBeLessThanOrEqual(pgd.summary.robustAccuracy);
    for (const v of auto.result.norms.linf) expect(v).toBeLessThanOrEqual(eps + 1e-6);
  });
});
