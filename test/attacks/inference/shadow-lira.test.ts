import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  auditWithShadowModels,
  fitLogistic,
  liraOutStatistics,
  liraScores,
  reinitialise,
  type ShadowModel,
  scaledConfidence,
  withoutRows,
} from "../../../src/attacks/index.js";
import { createRng, type Tensor } from "../../../src/core/index.js";
import { loadDataset } from "../../../src/data/index.js";
import { buildMlp } from "../../../src/onnx/architectures/index.js";
import { OnnxClassifier } from "../../../src/onnx/index.js";
import { readParameters, train, trainableParameterNames } from "../../../src/onnx/trainer/index.js";
import { linearClassifier } from "../../helpers/linear-classifier.js";

const shadowOf = (W: number[][], b: number[]): ShadowModel => ({
  classifier: Object.assign(linearClassifier(W, b), { release: async () => {} }),
  inSet: new Uint8Array(0),
});

describe("logit-scaled confidence", () => {
  it("is log(p_y / (1 - p_y)) of the softmax", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -15, max: 15, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.nat(),
        (z, k) => {
          const y = k % z.length;
          const e = z.map(Math.exp);
          const others = e.reduce((a, b, j) => (j === y ? a : a + b), 0);
          // log(p / (1 - p)) = z_y - log(sum of the other exponentials), without the
          // cancellation in 1 - p when p is within 1e-10 of 1.
          expect(scaledConfidence(z, y)).toBeCloseTo(z[y] - Math.log(others), 6);
          const p = e[y] / (e[y] + others);
          if (1 - p > 1e-6) expect(scaledConfidence(z, y)).toBeCloseTo(Math.log(p / (1 - p)), 6);
        },
      ),
    );
  });
});

describe("offline LiRA", () => {
  it("fits mu_out per sample and a pooled sigma_out, and scores (phi - mu) / sigma", async () => {
    // One feature, two classes; the shadows give phi = ±(w x) for the labelled class.
    const samples = {
      x: { shape: [2, 1], data: Float32Array.of(1, 2) } as Tensor,
      y: Int32Array.of(1, 1),
    };
    const shadows = [shadowOf([[0], [1]], [0, 0]), shadowOf([[0], [3]], [0, 0])];
    const out = await liraOutStatistics(shadows, samples, 2);
    // phi(x) = z_1 - z_0 = w x: sample 1 gets 1 and 3, sample 2 gets 2 and 6.
    expect(Array.from(out.mean)).toEqual([2, 4]);
    // Pooled variance: ((1 + 1) + (4 + 4)) / (2 samples * (2 - 1)) = 5.
    expect(out.std[0]).toBeCloseTo(Math.sqrt(5), 5);
    expect(out.std[1]).toBe(out.std[0]);
    const scores = liraScores(Float64Array.of(2 + Math.sqrt(5), 4), out);
    expect(scores[0]).toBeCloseTo(1, 5);
    expect(scores[1]).toBeCloseTo(0, 6);
    const perSample = await liraOutStatistics(shadows, samples, 2, true);
    expect(perSample.std[0]).toBeCloseTo(Math.SQRT2, 5);
    expect(perSample.std[1]).toBeCloseTo(2 * Math.SQRT2, 5);
  });

  it("needs OUT shadow models", async () => {
    const samples = {
      x: { shape: [1, 1], data: Float32Array.of(1) } as Tensor,
      y: Int32Array.of(0),
    };
    await expect(liraOutStatistics([], samples, 2)).rejects.toMatchObject({
      code: "E_INVALID_ARGUMENT",
    });
  });
});

describe("shadow-model attack pieces", () => {
  it("logistic regression separates separable features", () => {
    const rng = createRng(1);
    const f: number[][] = [];
    const m: number[] = [];
    for (let i = 0; i < 200; i++) {
      const label = i % 2;
      f.push([rng.normal() + 3 * label, rng.normal()]);
      m.push(label);
    }
    const model = fitLogistic(f, m);
    expect(model.weights[0]).toBeGreaterThan(1);
    expect(Math.abs(model.weights[1])).toBeLessThan(0.5);
  });

  it("withoutRows drops exactly the rows equal to an excluded sample", () => {
    const data = {
      x: { shape: [4, 2], data: Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7) },
      y: Int32Array.of(0, 1, 2, 3),
    };
    const exclude = {
      x: { shape: [2, 2], data: Float32Array.of(2, 3, 7, 6) },
      y: Int32Array.of(9, 9),
    };
    const kept = withoutRows(data, [exclude]);
    expect(Array.from(kept.y)).toEqual([0, 2, 3]);
    expect(Array.from(kept.x.data)).toEqual([0, 1, 4, 5, 6, 7]);
  });

  it("reinitialise redraws every trainable parameter and keeps the shapes", () => {
    const m = buildMlp({ inputShape: [3], numClasses: 2, rng: createRng(1), hidden: [4] });
    const names = trainableParameterNames(m);
    const a = readParameters(m, names);
    const b = readParameters(reinitialise(m, createRng(2)), names);
    for (const n of names) {
      expect(b.get(n)!.dims).toEqual(a.get(n)!.dims);
      if (n.endsWith("weight")) expect(b.get(n)!.data).not.toEqual(a.get(n)!.data);
    }
  });
});

describe("auditWithShadowModels", () => {
  it("finds the members of an overfit model better than chance (shadow and lira)", async () => {
    const all = await loadDataset("examples/data/tabular-train.npz");
    const rows = (from: number, to: number) => ({
      x: { shape: [to - from, 4], data: all.x.data.slice(from * 4, to * 4) } as Tensor,
      y: all.y.slice(from, to),
    });
    // Target: a wide MLP overfit to 30 rows; non-members and shadow data from the rest.
    const members = rows(0, 30);
    const nonMembers = rows(30, 60);
    const shadowData = rows(60, 120);
    const arch = buildMlp({ inputShape: [4], numClasses: 3, rng: createRng(3), hidden: [32] });
    const trained = await train(arch, members, {
      epochs: 200,
      batchSize: 30,
      learningRate: 0.02,
      optimizer: { type: "adam" },
      rng: createRng(4),
      intraOpThreads: 1,
    });
    const target = await OnnxClassifier.create(trained.model);
    try {
      for (const attack of ["shadow", "lira"] as const) {
        const r = await auditWithShadowModels(
          target,
          trained.model,
          members,
          nonMembers,
          shadowData,
          {
            attack,
            rng: createRng(5),
            shadowModels: 4,
            shadowEpochs: 200,
            shadowBatchSize: 30,
            shadowLearningRate: 0.02,
            intraOpThreads: 1,
          },
        );
        expect(r.attack).toBe(attack);
        expect(r.members).toBe(30);
        expect(r.shadowModels).toBe(4);
        expect(r.shadowSamples).toBe(60);
        expect(r.auc).toBeGreaterThan(0.5);
        expect(r.roc[0]).toEqual([0, 0]);
      }
      // Shadow data that is all audited rows leaves nothing to train on.
      await expect(
        auditWithShadowModels(target, trained.model, members, nonMembers, members, {
          attack: "lira",
          rng: createRng(5),
        }),
      ).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
    } finally {
      await target.release();
    }
  });
});
