import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type LrSchedule,
  learningRate,
  validateSchedule,
} from "../../../src/onnx/trainer/schedule.js";

const clock = (step: number, stepsPerEpoch = 10, totalSteps = 100) => ({
  step,
  stepsPerEpoch,
  totalSteps,
});

describe("learning-rate schedules", () => {
  it("constant", () => {
    expect(learningRate({ type: "constant" }, 0.1, clock(0))).toBe(0.1);
    expect(learningRate({ type: "constant" }, 0.1, clock(99))).toBe(0.1);
  });

  it("step decay multiplies by gamma every stepEpochs epochs", () => {
    const s: LrSchedule = { type: "step", stepEpochs: 2, gamma: 0.5 };
    expect(learningRate(s, 1, clock(19))).toBe(1);
    expect(learningRate(s, 1, clock(20))).toBe(0.5);
    expect(learningRate(s, 1, clock(45))).toBe(0.25);
  });

  it("cosine goes from the base rate through the midpoint to the floor (SGDR eq. 5)", () => {
    const s: LrSchedule = { type: "cosine", minFactor: 0.1 };
    expect(learningRate(s, 1, clock(0))).toBeCloseTo(1, 9);
    expect(learningRate(s, 1, clock(50))).toBeCloseTo(0.55, 9);
    expect(learningRate(s, 1, clock(100))).toBeCloseTo(0.1, 9);
  });

  it("linear warm-up reaches the base rate when it ends", () => {
    const s: LrSchedule = { type: "cosine", warmupEpochs: 1 };
    expect(learningRate(s, 1, clock(0))).toBeCloseTo(1 / 11, 9);
    expect(learningRate(s, 1, clock(9))).toBeCloseTo(10 / 11, 9);
    expect(learningRate(s, 1, clock(10))).toBeCloseTo(1, 9);
  });

  it("one-cycle starts at peak/div, peaks at pctStart, ends at start/finalDiv", () => {
    const s: LrSchedule = { type: "one-cycle", pctStart: 0.25, divFactor: 10, finalDivFactor: 100 };
    expect(learningRate(s, 1, clock(0))).toBeCloseTo(0.1, 9);
    expect(learningRate(s, 1, clock(25))).toBeCloseTo(1, 9);
    expect(learningRate(s, 1, clock(100))).toBeCloseTo(0.001, 9);
  });

  it("every schedule stays within (0, base] at every step", () => {
    const schedules: LrSchedule[] = [
      { type: "constant", warmupEpochs: 2 },
      { type: "step", stepEpochs: 1, gamma: 0.9 },
      { type: "cosine", minFactor: 0.01, warmupEpochs: 1 },
      { type: "one-cycle" },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 1e-5, max: 10, noNaN: true }),
        (stepsPerEpoch, epochs, base) => {
          const totalSteps = stepsPerEpoch * epochs;
          for (const s of schedules) {
            for (let step = 0; step < totalSteps; step++) {
              const lr = learningRate(s, base, { step, stepsPerEpoch, totalSteps });
              expect(lr).toBeGreaterThan(0);
              expect(lr).toBeLessThanOrEqual(base * (1 + 1e-12));
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("inconsistent schedules are E_TRAINING", () => {
    for (const s of [
      { type: "step", stepEpochs: 0 },
      { type: "step", stepEpochs: 1, gamma: 2 },
      { type: "cosine", minFactor: 2 },
      { type: "one-cycle", pctStart: 1 },
      { type: "constant", warmupEpochs: -1 },
      { type: "exponential" },
    ]) {
      expect(() => validateSchedule(s as LrSchedule)).toThrow(
        expect.objectContaining({ code: "E_TRAINING" }),
      );
    }
  });
});
