import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createRng,
  type Differentiable,
  isDifferentiable,
  isMlsecError,
  MlsecError,
} from "../../../src/core/index.js";
import {
  bitDepth,
  gaussianNoise,
  jpegCompression,
  medianFilter,
  parsePreprocessor,
  withPreprocessor,
} from "../../../src/defenses/preprocess/index.js";
import { linearClassifier } from "../../helpers/linear-classifier.js";

const rng = createRng(1);
const image = (h: number, w: number, values: number[]) => ({
  shape: [1, 1, h, w],
  data: Float32Array.from(values),
});

describe("bit-depth reduction", () => {
  it("rounds to 2^bits - 1 levels of the bounds", () => {
    const x = { shape: [1, 4], data: Float32Array.from([0.1, 0.49, 0.51, 0.9]) };
    expect(Array.from(bitDepth(1).apply(x, [0, 1], rng).data)).toEqual([0, 0, 1, 1]);
    const y = { shape: [1, 3], data: Float32Array.from([-1, 0.2, 1]) };
    // Two bits on [-1, 1]: levels -1, -1/3, 1/3, 1.
    expect(Array.from(bitDepth(2).apply(y, [-1, 1], rng).data)).toEqual(
      [-1, 1 / 3, 1].map(Math.fround),
    );
  });
});

describe("median filter", () => {
  it("matches scipy.ndimage.median_filter(size=2, mode='reflect')", () => {
    // Expected values computed with scipy 1.17.1:
    // median_filter(np.arange(1, 10.).reshape(3, 3), size=2, mode="reflect").
    const out = medianFilter(2).apply(image(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]), [0, 10], rng);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4, 4, 5, 7, 7, 8]);
    const spike = medianFilter(3).apply(image(3, 3, [0, 0, 0, 0, 9, 0, 0, 0, 0]), [0, 10], rng);
    expect(Array.from(spike.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("refuses tabular inputs with a typed error", () => {
    expect(() =>
      medianFilter(2).apply({ shape: [2, 4], data: new Float32Array(8) }, [0, 1], rng),
    ).toThrow(/images/);
  });
});

describe("JPEG compression", () => {
  it("stays inside the bounds and near the input at high quality", () => {
    const r = createRng(4);
    const x = { shape: [2, 1, 8, 8], data: Float32Array.from({ length: 128 }, () => r.next()) };
    const out = jpegCompression(95).apply(x, [0, 1], rng);
    let maxError = 0;
    for (let i = 0; i < 128; i++) {
      expect(out.data[i]).toBeGreaterThanOrEqual(0);
      expect(out.data[i]).toBeLessThanOrEqual(1 + 1e-6);
      maxError = Math.max(maxError, Math.abs(out.data[i] - x.data[i]));
    }
    expect(maxError).toBeLessThan(0.25);
    const flat = { shape: [1, 1, 8, 8], data: new Float32Array(64).fill(0.5) };
    for (const v of jpegCompression(10).apply(flat, [0, 1], rng).data)
      expect(v).toBeCloseTo(0.5, 1);
  });
});

describe("Gaussian noise", () => {
  it("is randomized, seeded and clipped to the bounds", () => {
    const x = { shape: [1, 1000], data: new Float32Array(1000).fill(0.5) };
    const a = gaussianNoise(0.5).apply(x, [0, 1], createRng(7));
    const b = gaussianNoise(0.5).apply(x, [0, 1], createRng(7));
    expect(gaussianNoise(0.5).randomized).toBe(true);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(a.data.some((v) => v === 0) && a.data.some((v) => v === 1)).toBe(true);
  });
});

describe("parsePreprocessor", () => {
  it("reads NAME:PARAM", () => {
    expect(parsePreprocessor("bit-depth:4").name).toBe("bit-depth(4)");
    expect(parsePreprocessor("median:3").name).toBe("median(3x3)");
    expect(parsePreprocessor("jpeg:75").name).toBe("jpeg(75)");
    expect(parsePreprocessor("gaussian:0.1").name).toBe("gaussian(0.1)");
  });

  it("turns any other text into E_USAGE (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (spec) => {
        try {
          parsePreprocessor(spec);
        } catch (error) {
          return isMlsecError(error) && error.code === "E_USAGE";
        }
        return true;
      }),
      { numRuns: 500 },
    );
    for (const bad of ["constructor:1", "__proto__:1", "bit-depth:0", "jpeg:101", "median:1.5"]) {
      expect(() => parsePreprocessor(bad)).toThrow(MlsecError);
    }
  });
});

describe("withPreprocessor (BPDA / EOT)", () => {
  const model = linearClassifier(
    [
      [1, -1, 0.5],
      [-1, 1, 0],
    ],
    [0, 0],
  );

  it("predicts on the preprocessed input", async () => {
    const defended = withPreprocessor(model, bitDepth(1), { rng });
    const x = { shape: [1, 3], data: Float32Array.from([0.4, 0.6, 0.2]) };
    const direct = await model.predict({ shape: [1, 3], data: Float32Array.from([0, 1, 0]) });
    expect(Array.from((await defended.predict(x)).data)).toEqual(Array.from(direct.data));
  });

  it("uses the model's gradient at the preprocessed point as the gradient at x (BPDA)", async () => {
    const defended = withPreprocessor(model, bitDepth(1), { rng });
    expect(isDifferentiable(defended)).toBe(true);
    const x = { shape: [1, 3], data: Float32Array.from([0.4, 0.6, 0.2]) };
    const labels = Int32Array.from([0]);
    const at = await model.lossGradient(
      { shape: [1, 3], data: Float32Array.from([0, 1, 0]) },
      labels,
    );
    const r = await (defended as Differentiable).lossGradient(x, labels);
    expect(Array.from(r.gradient.data)).toEqual(Array.from(at.gradient.data));
    expect(Array.from(r.loss)).toEqual(Array.from(at.loss));
  });

  it("averages gradients over random draws for randomized preprocessors (EOT)", async () => {
    const x = { shape: [1, 3], data: Float32Array.from([0.5, 0.5, 0.5]) };
    const labels = Int32Array.from([1]);
    const one = withPreprocessor(model, gaussianNoise(0.1), { rng: createRng(2), eotSamples: 1 });
    const many = withPreprocessor(model, gaussianNoise(0.1), { rng: createRng(2), eotSamples: 50 });
    const clean = await model.lossGradient(x, labels);
    const g1 = await (one as Differentiable).lossGradient(x, labels);
    const g50 = await (many as Differentiable).lossGradient(x, labels);
    const error = (g: Float32Array) =>
      Math.hypot(...Array.from(g, (v, i) => v - clean.gradient.data[i]));
    // The softmax-linear gradient varies little around x, so averaging draws moves towards it.
    expect(error(g50.gradient.data)).toBeLessThan(error(g1.gradient.data) + 1e-3);
    expect(g50.logits?.shape).toEqual([1, 2]);
  });

  it("stays predict-only around a model without gradients", () => {
    const predictOnly = { ...model, lossGradient: undefined } as unknown as typeof model;
    const { lossGradient: _, ...plain } = predictOnly;
    expect(isDifferentiable(withPreprocessor(plain, bitDepth(1), { rng }))).toBe(false);
  });
});
