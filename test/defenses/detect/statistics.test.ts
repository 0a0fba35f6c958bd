import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  combineLayerScores,
  featuresOf,
  fitMahalanobis,
  inverseSpd,
  kernelDensityScores,
  lidScores,
  mahalanobisScores,
  squeezeScores,
  thresholdAtFpr,
} from "../../../src/defenses/detect/index.js";

describe("Mahalanobis", () => {
  it("inverts a symmetric positive-definite matrix", () => {
    const m = Float64Array.from([4, 2, 0.5, 2, 3, 0.1, 0.5, 0.1, 2]);
    const inv = inverseSpd(m, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += m[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it("scores the squared distance to the nearest class mean under the shared covariance", () => {
    const rng = createRng(5);
    const n = 4000;
    const features = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      // Class means (0, 0) and (10, 0); shared covariance diag(1, 4).
      features[2 * i] = (labels[i] === 0 ? 0 : 10) + rng.normal();
      features[2 * i + 1] = 2 * rng.normal();
    }
    const p = fitMahalanobis(features, 2, labels, 2);
    expect(p.shrinkage).toBeGreaterThanOrEqual(0);
    expect(p.shrinkage).toBeLessThan(0.05);
    expect(p.means[2]).toBeCloseTo(10, 1);
    const s = mahalanobisScores(p, Float32Array.from([1, 0, 10, 4, 5, 0]));
    // (1, 0): 1/1; (10, 4): 16/4 = 4; (5, 0): 25 to either mean.
    expect(s[0]).toBeCloseTo(1, 0);
    expect(s[1]).toBeCloseTo(4, 0);
    expect(s[2]).toBeCloseTo(25, -1);
  });

  it("stays finite when a feature never varies (dead ReLU)", () => {
    const features = Float32Array.from([1, 0, 2, 0, 3, 0, 4, 0]);
    const p = fitMahalanobis(features, 2, Int32Array.from([0, 0, 1, 1]), 2);
    expect(
      Array.from(mahalanobisScores(p, Float32Array.from([1.5, 3]))).every(Number.isFinite),
    ).toBe(true);
  });

  it("names a class without samples", () => {
    expect(() => fitMahalanobis(new Float32Array(4), 2, Int32Array.from([0, 0]), 2)).toThrow(
      /class 1 has no samples/,
    );
  });
});

describe("LID", () => {
  it("is the maximum-likelihood estimate −(mean log(r_i / r_k))⁻¹", () => {
    // References at distances 1 and 2 from the origin: LID = −1 / ((log ½ + log 1) / 2) = 2 / ln 2.
    const lid = lidScores(
      { dim: 1, references: Float32Array.from([1, 2, 7]), k: 2 },
      Float32Array.from([0]),
    );
    expect(lid[0]).toBeCloseTo(2 / Math.LN2, 5);
  });

  it("skips a reference identical to the sample", () => {
    const refs = Float32Array.from([0, 1, 2]);
    const withSelf = lidScores({ dim: 1, references: refs, k: 2 }, Float32Array.from([0]));
    expect(withSelf[0]).toBeCloseTo(2 / Math.LN2, 5);
  });
});

describe("kernel density", () => {
  it("gives lower scores near the predicted class's training features", () => {
    const params = {
      classes: 2,
      dim: 1,
      bandwidth: 1,
      features: Float32Array.from([0, 0.1, 5, 5.2]),
      counts: [2, 2],
    };
    const s = kernelDensityScores(params, Float32Array.from([0, 3, 0]), Int32Array.from([0, 0, 1]));
    expect(s[0]).toBeLessThan(s[1]);
    // Far from class 1's features: very low density.
    expect(s[2]).toBeGreaterThan(20);
    // Exact: −log(mean(exp(−0²), exp(−0.1²))).
    expect(s[0]).toBeCloseTo(-Math.log((1 + Math.exp(-0.01)) / 2), 5);
  });
});

describe("feature squeezing", () => {
  it("is the largest L1 distance between softmax outputs", () => {
    const original = { shape: [2, 2], data: Float32Array.from([0, 0, 5, 0]) };
    const same = { shape: [2, 2], data: Float32Array.from([0, 0, 5, 0]) };
    const flipped = { shape: [2, 2], data: Float32Array.from([0, 0, 0, 5]) };
    const s = squeezeScores(original, [same, flipped]);
    expect(s[0]).toBeCloseTo(0, 6);
    const p = 1 / (1 + Math.exp(-5));
    expect(s[1]).toBeCloseTo(2 * (p - (1 - p)), 5);
  });
});

describe("helpers", () => {
  it("pools convolutional maps to channel means", () => {
    const f = featuresOf({ shape: [1, 2, 2, 1], data: Float32Array.from([1, 3, 10, 20]) });
    expect(f.dim).toBe(2);
    expect(Array.from(f.data)).toEqual([2, 15]);
  });

  it("sets the threshold so that at most fpr of the scores exceed it", () => {
    const scores = Float32Array.from({ length: 100 }, (_, i) => i);
    const t = thresholdAtFpr(scores, 0.05);
    expect(scores.filter((s) => s > t).length).toBe(5);
    expect(thresholdAtFpr(scores, 0)).toBe(99);
  });

  it("combines layers by the largest standardized score", () => {
    const c = combineLayerScores(
      [Float32Array.from([1, 10]), Float32Array.from([5, 5])],
      [
        { scoreMean: 0, scoreStd: 1 },
        { scoreMean: 4, scoreStd: 0.5 },
      ],
    );
    expect(Array.from(c)).toEqual([2, 10]);
  });
});
