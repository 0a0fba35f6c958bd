import { describe, expect, it } from "vitest";
import { createRng, type Tensor } from "../../../src/core/index.js";
import { buildMlp } from "../../../src/onnx/architectures/index.js";
import { readParameters, trainableParameterNames } from "../../../src/onnx/trainer/index.js";
import { createAccountant, dpSgdEvent } from "../../../src/privacy/accounting/index.js";
import { poissonSample, trainDpSgd } from "../../../src/privacy/dpsgd/index.js";

/** Two Gaussian blobs in 4-D, labels 0/1. */
function blobs(n: number, seed: number) {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  const x: Tensor = {
    shape: [n, 4],
    data: Float32Array.from({ length: n * 4 }, (_, k) => rng.normal() * 0.5 + (y[k >> 2] ? 1 : -1)),
  };
  return { x, y };
}

const model = () => buildMlp({ inputShape: [4], numClasses: 2, rng: createRng(7), hidden: [8] });

describe("Poisson sampling", () => {
  it("includes each example independently with probability q", () => {
    const rng = createRng(1);
    const n = 1000;
    const q = 0.05;
    const counts = new Float64Array(n);
    const sizes: number[] = [];
    let increasing = true;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const rows = poissonSample(n, q, rng);
      sizes.push(rows.length);
      for (const r of rows) counts[r] += 1;
      for (let i = 1; i < rows.length; i++) increasing &&= rows[i] > rows[i - 1];
    }
    expect(increasing).toBe(true);
    const mean = sizes.reduce((a, b) => a + b, 0) / trials;
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (trials - 1);
    // Binomial(n, q): mean 50, variance 47.5; the batch size varies, as Poisson sampling must.
    expect(mean).toBeGreaterThan(49);
    expect(mean).toBeLessThan(51);
    expect(variance).toBeGreaterThan(47.5 * 0.85);
    expect(variance).toBeLessThan(47.5 * 1.15);
    // Every example is drawn about q * trials = 100 times.
    const perExample = Array.from(counts);
    expect(Math.min(...perExample)).toBeGreaterThan(60);
    expect(Math.max(...perExample)).toBeLessThan(145);
  });

  it("rejects sampling rates outside (0, 1]", () => {
    expect(() => poissonSample(10, 0, createRng(1))).toThrow(/sampling rate/);
    expect(() => poissonSample(10, 1.5, createRng(1))).toThrow(/sampling rate/);
  });
});

describe("trainDpSgd", () => {
  it("reports per epoch the epsilon the accountant gives for the steps taken", async () => {
    const data = blobs(64, 2);
    const result = await trainDpSgd(model(), data, {
      epochs: 3,
      batchSize: 16,
      noiseMultiplier: 1.1,
      clipNorm: 1,
      delta: 1e-5,
      learningRate: 0.1,
      optimizer: { type: "sgd", momentum: 0 },
      rng: createRng(3),
      validation: blobs(32, 4),
      intraOpThreads: 1,
    });
    expect(result.samplingRate).toBe(0.25);
    expect(result.history.map((h) => h.steps)).toEqual([4, 8, 12]);
    for (const h of result.history) {
      const expected = createAccountant("rdp")
        .compose(dpSgdEvent(0.25, 1.1, h.steps))
        .getEpsilon(1e-5).epsilon;
      expect(h.epsilon).toBe(expected);
    }
    expect(result.epsilon).toBe(result.history[2].epsilon);
    expect(result.history[0].epsilon).toBeLessThan(result.history[2].epsilon);
    expect(result.gradientMethod).toBe("in-graph");
  });

  it("learns a separable problem under moderate noise", async () => {
    const result = await trainDpSgd(model(), blobs(128, 2), {
      epochs: 5,
      batchSize: 32,
      noiseMultiplier: 0.5,
      clipNorm: 1,
      delta: 1e-5,
      learningRate: 0.5,
      optimizer: { type: "sgd", momentum: 0.5 },
      rng: createRng(3),
      validation: blobs(64, 4),
      intraOpThreads: 1,
    });
    expect(result.validation?.accuracy).toBeGreaterThan(0.9);
  });

  it("adds Gaussian noise of standard deviation sigma * C to the summed gradient", async () => {
    // One step over all data (q = 1) with enormous noise: the clipped sum (norm <= n C) is
    // negligible and each parameter moves by lr * N(0, (sigma C)^2) / B.
    const m = model();
    const names = trainableParameterNames(m);
    const before = readParameters(m, names);
    const data = blobs(8, 5);
    const sigma = 1e4;
    const clip = 0.5;
    const lr = 1;
    const result = await trainDpSgd(m, data, {
      epochs: 1,
      batchSize: 8,
      noiseMultiplier: sigma,
      clipNorm: clip,
      delta: 1e-5,
      learningRate: lr,
      optimizer: { type: "sgd", momentum: 0 },
      rng: createRng(6),
      intraOpThreads: 1,
    });
    const after = readParameters(result.model, names);
    const deltas: number[] = [];
    for (const name of names) {
      const a = after.get(name)!.data;
      const b = before.get(name)!.data;
      for (let i = 0; i < a.length; i++) deltas.push((a[i] - b[i]) / ((lr * sigma * clip) / 8));
    }
    const mean = deltas.reduce((s, v) => s + v, 0) / deltas.length;
    const sd = Math.sqrt(deltas.reduce((s, v) => s + (v - mean) ** 2, 0) / (deltas.length - 1));
    // 58 parameters: standard normal to within sampling error.
    expect(deltas.length).toBe(58);
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(sd).toBeGreaterThan(0.75);
    expect(sd).toBeLessThan(1.25);
  });

  it("splitting a Poisson batch into physical chunks does not change the update", async () => {
    const run = (physicalBatchSize?: number) =>
      trainDpSgd(model(), blobs(40, 8), {
        epochs: 1,
        batchSize: 20,
        noiseMultiplier: 1,
        clipNorm: 1,
        delta: 1e-5,
        learningRate: 0.1,
        optimizer: { type: "sgd", momentum: 0 },
        rng: createRng(9),
        intraOpThreads: 1,
        physicalBatchSize,
      });
    const names = trainableParameterNames(model());
    const whole = readParameters((await run()).model, names);
    const split = readParameters((await run(3)).model, names);
    for (const n of names) {
      const a = whole.get(n)!.data;
      const b = split.get(n)!.data;
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    }
  });

  it("rejects bad settings with E_INVALID_ARGUMENT", async () => {
    const base = {
      epochs: 1,
      batchSize: 4,
      noiseMultiplier: 1,
      clipNorm: 1,
      delta: 1e-5,
      learningRate: 0.1,
      optimizer: { type: "sgd" as const },
      rng: createRng(1),
    };
    const data = blobs(8, 1);
    for (const bad of [
      { batchSize: 9 },
      { clipNorm: 0 },
      { noiseMultiplier: -1 },
      { delta: 1 },
      { epochs: 0 },
    ]) {
      await expect(trainDpSgd(model(), data, { ...base, ...bad })).rejects.toMatchObject({
        code: "E_INVALID_ARGUMENT",
      });
    }
  });
});
