import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Adam } from "../../../src/onnx/trainer/adam.js";
import { createOptimizer } from "../../../src/onnx/trainer/create-optimizer.js";
import type { Parameter } from "../../../src/onnx/trainer/optimizer.js";
import { Sgd } from "../../../src/onnx/trainer/sgd.js";

const one = (values: number[]): Map<string, Parameter> =>
  new Map([["w", { dims: [values.length], data: Float32Array.from(values) }]]);
const grad = (values: number[]) => new Map([["w", Float32Array.from(values)]]);

describe("SGD (Polyak momentum, Sutskever et al. 2013 Nesterov form)", () => {
  it("without momentum takes w ← w − ηg", () => {
    const p = one([1, -2]);
    new Sgd({ momentum: 0 }).step(p, grad([0.5, -1]), 0.1);
    expect(Array.from(p.get("w")!.data)).toEqual([Math.fround(0.95), Math.fround(-1.9)]);
  });

  it("heavy-ball momentum: known answers for a constant gradient", () => {
    // v1 = 1, v2 = 1.9, v3 = 2.71; w = −η Σ v = −0.1, −0.29, −0.561.
    const p = one([0]);
    const sgd = new Sgd({ momentum: 0.9 });
    const seen: number[] = [];
    for (let t = 0; t < 3; t++) {
      sgd.step(p, grad([1]), 0.1);
      seen.push(p.get("w")!.data[0]);
    }
    expect(seen[0]).toBeCloseTo(-0.1, 6);
    expect(seen[1]).toBeCloseTo(-0.29, 6);
    expect(seen[2]).toBeCloseTo(-0.561, 6);
  });

  it("Nesterov momentum: known answers for a constant gradient", () => {
    // step 1: v = 1, w −= 0.1 (1 + 0.9) → −0.19; step 2: v = 1.9, w −= 0.1 (1 + 1.71) → −0.461.
    const p = one([0]);
    const sgd = new Sgd({ momentum: 0.9, nesterov: true });
    sgd.step(p, grad([1]), 0.1);
    expect(p.get("w")!.data[0]).toBeCloseTo(-0.19, 6);
    sgd.step(p, grad([1]), 0.1);
    expect(p.get("w")!.data[0]).toBeCloseTo(-0.461, 6);
  });

  it("weight decay adds λw to the gradient", () => {
    const p = one([2]);
    new Sgd({ momentum: 0, weightDecay: 0.5 }).step(p, grad([0]), 0.1);
    expect(p.get("w")!.data[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
  });

  it("leaves parameters without a gradient alone", () => {
    const params = new Map<string, Parameter>([
      ["a", { dims: [1], data: Float32Array.of(1) }],
      ["b", { dims: [1], data: Float32Array.of(1) }],
    ]);
    new Sgd().step(params, new Map([["a", Float32Array.of(1)]]), 0.5);
    expect(params.get("a")!.data[0]).toBeCloseTo(0.5, 6);
    expect(params.get("b")!.data[0]).toBe(1);
  });

  it("rejects inconsistent settings with E_TRAINING", () => {
    expect(() => new Sgd({ momentum: 1 })).toThrow(expect.objectContaining({ code: "E_TRAINING" }));
    expect(() => new Sgd({ momentum: 0, nesterov: true })).toThrow(
      expect.objectContaining({ code: "E_TRAINING" }),
    );
    expect(() => new Sgd({ weightDecay: -1 })).toThrow(
      expect.objectContaining({ code: "E_TRAINING" }),
    );
  });
});

/** Kingma & Ba 2015, Algorithm 1, written literally in float64. */
function adamReference(w0: number[], grads: number[][], lr: number, b1 = 0.9, b2 = 0.999) {
  const w = [...w0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < w.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      w[i] -= (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  });
  return w;
}

describe("Adam (Kingma & Ba 2015)", () => {
  it("first step moves every weight by about η against the gradient's sign", () => {
    const p = one([1, 1, 1]);
    new Adam().step(p, grad([3, -0.01, 100]), 0.01);
    const w = Array.from(p.get("w")!.data);
    expect(w[0]).toBeCloseTo(0.99, 5);
    expect(w[1]).toBeCloseTo(1.01, 5);
    expect(w[2]).toBeCloseTo(0.99, 5);
  });

  it("matches Algorithm 1 over many random steps", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (grads) => {
          const p = one([0.5, -0.5, 2]);
          const adam = new Adam();
          for (const g of grads) adam.step(p, grad(g), 0.01);
          const expected = adamReference([0.5, -0.5, 2], grads, 0.01);
          Array.from(p.get("w")!.data).forEach((v, i) => {
            expect(v).toBeCloseTo(expected[i], 4);
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("AdamW decays the weights by (1 − ηλ) per step, apart from the gradient", () => {
    const p = one([2]);
    const adamw = new Adam({ weightDecay: 0.1, decoupled: true });
    expect(adamw.name).toBe("adamw");
    for (let t = 0; t < 5; t++) adamw.step(p, grad([0]), 0.5);
    expect(p.get("w")!.data[0]).toBeCloseTo(2 * (1 - 0.05) ** 5, 5);
  });

  it("rejects bad hyper-parameters with E_TRAINING", () => {
    expect(() => new Adam({ beta1: 1 })).toThrow(expect.objectContaining({ code: "E_TRAINING" }));
    expect(() => new Adam({ epsilon: 0 })).toThrow(expect.objectContaining({ code: "E_TRAINING" }));
  });
});

describe("every optimiser", () => {
  for (const config of [
    { type: "sgd", momentum: 0.9 },
    { type: "sgd", momentum: 0.9, nesterov: true },
    { type: "adam" },
  ] as const) {
    it(`${JSON.stringify(config)} minimises a quadratic`, () => {
      // f(w) = ½‖w − c‖², ∇f = w − c.
      const c = [3, -1, 0.5, 10];
      const p = one([0, 0, 0, 0]);
      const opt = createOptimizer(config);
      const lr = config.type === "adam" ? 0.1 : 0.05;
      for (let t = 0; t < 1000; t++) {
        const w = p.get("w")!.data;
        opt.step(p, grad(Array.from(w, (v, i) => v - c[i])), lr);
      }
      Array.from(p.get("w")!.data).forEach((v, i) => {
        expect(v).toBeCloseTo(c[i], 2);
      });
    });
  }

  it("an unknown optimiser type is E_TRAINING", () => {
    expect(() => createOptimizer({ type: "rmsprop" } as never)).toThrow(
      expect.objectContaining({ code: "E_TRAINING" }),
    );
  });
});
