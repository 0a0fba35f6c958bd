import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  activationClustering,
  poisonBackdoor,
  poisonMetrics,
  spectralSignatures,
  topEigenvectors,
} from "../../../src/defenses/poison/index.js";

/** Features of 3 classes in 8-D; in class 0 a share `poisonShare` sits shifted along one axis. */
function representations(perClass: number, poisonShare: number, seed: number) {
  const rng = createRng(seed);
  const dim = 8;
  const n = 3 * perClass;
  const features = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    mask[i] = labels[i] === 0 && i / 3 < perClass * poisonShare ? 1 : 0;
    for (let j = 0; j < dim; j++) features[i * dim + j] = 3 * labels[i] + rng.normal();
    if (mask[i]) features[i * dim + 5] += 6;
  }
  return { features, labels, mask, dim };
}

describe("BadNets backdoor", () => {
  it("stamps the patch, relabels and marks exactly the poisoned samples", () => {
    const n = 40;
    const x = { shape: [n, 1, 6, 6], data: new Float32Array(n * 36).fill(0.25) };
    const y = Int32Array.from({ length: n }, (_, i) => i % 4);
    const r = poisonBackdoor(x, y, {
      targetClass: 2,
      rate: 0.25,
      patchSize: 2,
      bounds: [0, 1],
      rng: createRng(1),
    });
    const poisoned = [...r.poisoned.keys()].filter((i) => r.poisoned[i]);
    expect(poisoned.length).toBe(10);
    for (const i of poisoned) {
      expect(y[i]).not.toBe(2);
      expect(r.y[i]).toBe(2);
      const img = r.x.data.subarray(i * 36, (i + 1) * 36);
      // Rows 3-4, columns 3-4 (one pixel from the bottom-right corner) are the trigger.
      expect([img[21], img[22], img[27], img[28]]).toEqual([1, 1, 1, 1]);
      expect(img[35]).toBe(0.25);
    }
    const untouched = [...r.poisoned.keys()].find((i) => !r.poisoned[i])!;
    expect(r.y[untouched]).toBe(y[untouched]);
    expect(Array.from(r.x.data.subarray(untouched * 36, (untouched + 1) * 36))).toEqual(
      new Array(36).fill(0.25),
    );
    // The input is not modified.
    expect(x.data.every((v) => v === 0.25)).toBe(true);
  });

  it("rate 1 poisons every sample not of the target class (a triggered test set)", () => {
    const x = { shape: [6, 5, 5], data: new Float32Array(150) };
    const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
    const r = poisonBackdoor(x, y, {
      targetClass: 0,
      rate: 1,
      pattern: "checkerboard",
      bounds: [0, 1],
      rng: createRng(1),
    });
    expect(Array.from(r.poisoned)).toEqual([0, 1, 1, 0, 1, 1]);
  });

  it("refuses patches that do not fit and tabular data", () => {
    const x = { shape: [2, 1, 3, 3], data: new Float32Array(18) };
    const y = Int32Array.from([0, 1]);
    expect(() =>
      poisonBackdoor(x, y, {
        targetClass: 0,
        rate: 0.5,
        patchSize: 3,
        bounds: [0, 1],
        rng: createRng(1),
      }),
    ).toThrow(/does not fit/);
    expect(() =>
      poisonBackdoor({ shape: [2, 4], data: new Float32Array(8) }, y, {
        targetClass: 0,
        rate: 0.5,
        bounds: [0, 1],
        rng: createRng(1),
      }),
    ).toThrow(/images/);
  });
});

describe("principal directions", () => {
  it("separates close leading eigenvalues", () => {
    // eigenvalues 5 and 4.99 on axes 0 and 3 of a 6-D diagonal matrix
    const m = new Float64Array(36);
    [5, 1, 0.5, 4.99, 0.1, 2].forEach((v, i) => {
      m[i * 6 + i] = v;
    });
    const [a, b] = topEigenvectors(m, 6, 2, createRng(3));
    expect(Math.abs(a[0])).toBeCloseTo(1, 6);
    expect(Math.abs(b[3])).toBeCloseTo(1, 6);
  });

  it("finds the eigenvectors of a diagonal matrix in order", () => {
    const m = Float64Array.from([1, 0, 0, 0, 5, 0, 0, 0, 3]);
    const [a, b] = topEigenvectors(m, 3, 2, createRng(1));
    expect(Math.abs(a[1])).toBeCloseTo(1, 6);
    expect(Math.abs(b[2])).toBeCloseTo(1, 6);
  });
});

describe("spectral signatures", () => {
  it("finds the shifted subpopulation among 1.5·ε·n flagged per class", () => {
    const { features, labels, mask, dim } = representations(400, 0.1, 3);
    const scan = spectralSignatures(features, dim, labels, 3, {
      expectedRate: 0.1,
      rng: createRng(1),
    });
    const m = poisonMetrics(scan.suspected, mask);
    expect(m.poisoned).toBe(40);
    expect(scan.suspected.length).toBe(3 * 60);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
  });

  it("scores the top K variance-normalized directions when a larger natural spread hides the poison", () => {
    const { features, labels, mask, dim } = representations(400, 0.05, 6);
    // Class 0 varies much more along axis 2 than along the poison's shift on axis 5.
    const rng = createRng(8);
    for (let i = 0; i < labels.length; i++)
      if (labels[i] === 0) features[i * dim + 2] += 12 * rng.normal();
    const scan = (directions: number) =>
      spectralSignatures(features, dim, labels, 3, {
        expectedRate: 0.1,
        directions,
        rng: createRng(1),
      });
    expect(poisonMetrics(scan(1).suspected, mask).recall).toBeLessThan(0.5);
    expect(poisonMetrics(scan(2).suspected, mask).recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe("activation clustering", () => {
  it("calls only the class with a small distinct cluster poisoned", () => {
    const { features, labels, mask, dim } = representations(400, 0.2, 4);
    const scan = activationClustering(features, dim, labels, 3, {
      components: 3,
      rng: createRng(1),
    });
    expect(scan.classes.map((c) => c.poisoned)).toEqual([true, false, false]);
    const m = poisonMetrics(scan.suspected, mask);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
    expect(m.precision).toBeGreaterThanOrEqual(0.9);
  });
});

describe("poisonMetrics", () => {
  it("counts precision and recall against the mask", () => {
    const m = poisonMetrics([0, 1, 5], Uint8Array.from([1, 0, 1, 0, 0, 1]));
    expect(m).toEqual({
      poisoned: 3,
      suspected: 3,
      truePositives: 2,
      precision: 2 / 3,
      recall: 2 / 3,
    });
    expect(() => poisonMetrics([9], new Uint8Array(3))).toThrow(/outside/);
  });
});
