import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  auditMembership,
  auditMembershipSampled,
  balancedSample,
  logMaxProbability,
  membershipScores,
  negativeCrossEntropy,
} from "../../../src/attacks/index.js";
import { createRng, MlsecError, tensor } from "../../../src/core/index.js";
import { linearClassifier } from "../../helpers/linear-classifier.js";

/** Plain float64 log-softmax, for moderate logits. */
function logSoftmax(z: readonly number[]): number[] {
  const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
  return z.map((v) => v - lse);
}

const logits = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), {
  minLength: 2,
  maxLength: 8,
});

describe("membership scores", () => {
  it("loss score is log softmax of the label; confidence is log of the top probability", () => {
    fc.assert(
      fc.property(logits, fc.nat(), (z, k) => {
        const label = k % z.length;
        const ls = logSoftmax(z);
        expect(negativeCrossEntropy(z, label)).toBeCloseTo(ls[label], 10);
        expect(logMaxProbability(z)).toBeCloseTo(Math.max(...ls), 10);
      }),
    );
  });

  it("keeps resolution near zero loss, where float32 softmax rounds to 1", () => {
    // -CE = -log(1 + 2e^-30) ≈ -1.87e-13, not 0.
    expect(negativeCrossEntropy([30, 0, 0], 0)).toBeCloseTo(-2 * Math.exp(-30), 25);
    expect(negativeCrossEntropy([30, 0, 0], 0)).toBeLessThan(0);
    expect(negativeCrossEntropy([30, 0, 0], 1)).toBeCloseTo(-30, 10);
    expect(logMaxProbability([0, 0])).toBeCloseTo(Math.log(0.5), 15);
  });

  // Class 0 if x0 > x1, with logits 4(x0 - x1) and 4(x1 - x0).
  const model = linearClassifier(
    [
      [4, -4],
      [-4, 4],
    ],
    [0, 0],
  );

  it("scores in batches exactly as in one call, and reports accuracy", async () => {
    const rng = createRng(1);
    const x = tensor(
      [37, 2],
      Array.from({ length: 74 }, () => rng.next()),
    );
    const y = Int32Array.from({ length: 37 }, (_, i) =>
      x.data[2 * i] > x.data[2 * i + 1] ? 0 : 1,
    );
    y[0] = 1 - y[0];
    const whole = await membershipScores(model, x, y, "loss", { batchSize: 256 });
    const events: number[] = [];
    const batched = await membershipScores(model, x, y, "loss", {
      batchSize: 5,
      onProgress: (e) => events.push(e.done),
    });
    expect(Array.from(batched.scores)).toEqual(Array.from(whole.scores));
    expect(whole.accuracy).toBeCloseTo(36 / 37, 12);
    expect(events).toEqual([5, 10, 15, 20, 25, 30, 35, 37]);
  });

  it("rejects labels outside the model's classes and mismatched lengths", async () => {
    const x = tensor([2, 2], [0.1, 0.2, 0.3, 0.4]);
    await expect(membershipScores(model, x, Int32Array.of(0, 2), "loss")).rejects.toThrow(
      /outside the model's 2 classes/,
    );
    await expect(membershipScores(model, x, Int32Array.of(0), "loss")).rejects.toThrow(MlsecError);
  });

  it("tells confidently fitted members from borderline non-members (AUC 1)", async () => {
    // Members far from the boundary (low loss), non-members close to it.
    const members = { x: tensor([3, 2], [1, 0, 0, 1, 0.9, 0.1]), y: Int32Array.of(0, 1, 0) };
    const non = {
      x: tensor([3, 2], [0.55, 0.45, 0.45, 0.55, 0.5, 0.4]),
      y: Int32Array.of(0, 1, 0),
    };
    for (const attack of ["loss", "confidence"] as const) {
      const r = await auditMembership(model, members, non, { attack });
      expect(r.auc).toBe(1);
      expect(r.tprAtFpr).toEqual({ "0.001": 1, "0.01": 1 });
      expect(r.advantage).toBe(1);
      expect(r.members).toBe(3);
      expect(r.roc[0]).toEqual([0, 0]);
      expect(r.roc[r.roc.length - 1]).toEqual([1, 1]);
    }
    // Swapped roles: the attack calls the wrong set members.
    const swapped = await auditMembership(model, non, members, { attack: "loss" });
    expect(swapped.auc).toBe(0);
  });
});

describe("balanced sampling", () => {
  it("draws the same number of distinct rows from each set, repeatably", () => {
    const a = balancedSample(100, 30, createRng(5));
    expect(a.members).toHaveLength(30);
    expect(a.nonMembers).toHaveLength(30);
    expect(new Set(a.members).size).toBe(30);
    expect(Array.from(a.nonMembers).sort((p, q) => p - q)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(a.members.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(balancedSample(100, 30, createRng(5))).toEqual(a);
    expect(balancedSample(100, 30, createRng(6)).members).not.toEqual(a.members);
    expect(balancedSample(100, 30, createRng(5), 4).members).toHaveLength(4);
    expect(() => balancedSample(0, 30, createRng(5))).toThrow(MlsecError);
  });

  it("audits a seeded balanced sample", async () => {
    const model = linearClassifier([[1], [-1]], [0, 0]);
    const rng = createRng(2);
    const set = (n: number) => ({
      x: tensor(
        [n, 1],
        Array.from({ length: n }, () => rng.next()),
      ),
      y: new Int32Array(n),
    });
    const members = set(50);
    const non = set(20);
    const r1 = await auditMembershipSampled(model, members, non, createRng(9), {
      attack: "loss",
      limit: 10,
    });
    const r2 = await auditMembershipSampled(model, members, non, createRng(9), {
      attack: "loss",
      limit: 10,
    });
    expect(r1.members).toBe(10);
    expect(r1.nonMembers).toBe(10);
    expect(r2).toEqual(r1);
  });
});
