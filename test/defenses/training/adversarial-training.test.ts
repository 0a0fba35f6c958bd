import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  type AdversarialMethod,
  adversarialTraining,
} from "../../../src/defenses/training/index.js";
import { train } from "../../../src/onnx/trainer/index.js";
import { accuracies, EPS, robustVsWeak, tinyMlp } from "./synthetic.js";

const trainSet = robustVsWeak(400, 1);
const testSet = robustVsWeak(200, 2);
const common = {
  epochs: 12,
  batchSize: 50,
  learningRate: 0.01,
  optimizer: { type: "adam" as const },
  intraOpThreads: 1,
};

async function hardened(method: AdversarialMethod, seed = 3, keepBest = false) {
  return adversarialTraining(tinyMlp(createRng(seed)), trainSet, {
    ...common,
    method,
    eps: EPS,
    steps: 5,
    rampEpochs: 2,
    rng: createRng(4),
    validation: testSet,
    validationAttackSamples: 100,
    validationAttackSteps: 10,
    keepBest,
  });
}

describe("adversarial training", () => {
  it("raises PGD accuracy far above standard training of the same model (pgd, fast, trades)", async () => {
    const standard = await train(tinyMlp(createRng(3)), trainSet, { ...common, rng: createRng(4) });
    const baseline = await accuracies(standard.model, testSet);
    expect(baseline.clean).toBeGreaterThan(0.95);
    expect(baseline.robust).toBeLessThan(0.5);
    for (const method of ["pgd", "fast", "trades"] as const) {
      const result = await hardened(method);
      const scores = await accuracies(result.model, testSet);
      expect(scores.clean, method).toBeGreaterThan(0.9);
      expect(scores.robust, method).toBeGreaterThan(baseline.robust + 0.3);
      // The per-epoch validation attack tells the same story.
      const last = result.history[result.history.length - 1];
      expect(last.valAdversarialAccuracy!, method).toBeGreaterThan(baseline.robust + 0.2);
    }
  });

  it("ramps eps up, keeps the model's bounds metadata and is repeatable for a seed", async () => {
    const a = await hardened("fast", 5);
    const b = await hardened("fast", 5);
    expect(a.history.map((h) => h.trainLoss)).toEqual(b.history.map((h) => h.trainLoss));
    expect(a.history[0].eps).toBeLessThan(EPS);
    expect(a.history[1].eps).toBeCloseTo(EPS, 10);
    expect(a.history[11].eps).toBe(EPS);
    const bounds = a.model.metadataProps.find((p) => p.key === "mlsec.bounds");
    expect(bounds?.value).toBe("[0,1]");
  });

  it("keepBest returns the weights of the epoch with the best validation PGD accuracy", async () => {
    const result = await hardened("trades", 6, true);
    const scores = result.history.map((h) => h.valAdversarialAccuracy!);
    expect(result.epoch).toBe(scores.indexOf(Math.max(...scores)) + 1);
    const plain = await hardened("trades", 6);
    expect(plain.epoch).toBe(12);
    // Same run, so the kept weights differ from the last ones exactly when an earlier epoch won.
    const same =
      JSON.stringify(result.model.graph!.initializer) ===
      JSON.stringify(plain.model.graph!.initializer);
    expect(same).toBe(result.epoch === 12);
  });

  it("refuses bad settings and data with typed errors", async () => {
    const run = (over: object, data = trainSet) =>
      adversarialTraining(tinyMlp(createRng(1)), data, {
        ...common,
        method: "pgd",
        eps: EPS,
        rng: createRng(1),
        ...over,
      });
    await expect(run({ eps: 0 })).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
    await expect(run({ eps: 2 })).rejects.toThrow(/exceeds the model's input range/);
    await expect(run({ stepSize: -1 })).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
    await expect(run({ method: "trades", beta: -1 })).rejects.toThrow(/beta/);
    await expect(run({ method: "free" })).rejects.toThrow(/unknown method/);
    await expect(run({ epochs: 0 })).rejects.toMatchObject({ code: "E_TRAINING" });
    await expect(run({ keepBest: true })).rejects.toThrow(/needs the validation attack/);
    const outside = {
      x: { ...trainSet.x, data: trainSet.x.data.map((v) => v + 1) },
      y: trainSet.y,
    };
    await expect(run({}, outside)).rejects.toMatchObject({ code: "E_OUT_OF_BOUNDS" });
    const badLabels = { x: trainSet.x, y: trainSet.y.map(() => 7) };
    await expect(run({}, badLabels)).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
  });
});
