import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  featureBias,
  featureDiagonal,
  linearSchedule,
  packSamples,
  planRotations,
  type SlotLayout,
  slotLayout,
  spreadFeatures,
  unpackSamples,
} from "../../src/he/diagonals.js";
import { evaluatePlan, type HePlan, type LinearLayer } from "../../src/he/plan.js";

/** Left rotation of a slot vector, as SEAL's rotate_vector by `steps`. */
const rotate = (v: Float64Array, steps: number) => {
  const n = v.length;
  return v.map((_, i) => v[(((i + steps) % n) + n) % n]);
};
const mul = (a: Float64Array, b: Float64Array) => a.map((x, i) => x * b[i]);
const add = (a: Float64Array, b: Float64Array) => a.map((x, i) => x + b[i]);

/** The server's BSGS diagonal product, replayed on cleartext slot vectors. */
function simulateLinear(x: Float64Array, layer: LinearLayer, layout: SlotLayout): Float64Array {
  const s = linearSchedule(layer);
  const k = layout.samplesPerCiphertext;
  const babies = Array.from({ length: Math.min(s.baby, s.diagonals) }, (_, j) => rotate(x, j * k));
  let acc = new Float64Array(layout.slots);
  for (let g = 0; g < s.giants; g++) {
    let inner = new Float64Array(layout.slots);
    for (let j = 0; j < s.baby && g * s.baby + j < s.diagonals; j++) {
      const d = featureDiagonal(layer, s, g * s.baby + j, g * s.baby, layout.period);
      if (d) inner = add(inner, mul(babies[j], spreadFeatures(d, layout)));
    }
    acc = add(acc, rotate(inner, g * s.baby * k));
  }
  for (const t of s.sumSteps) acc = add(acc, rotate(acc, t * k));
  return add(acc, spreadFeatures(featureBias(layer, s, layout.period), layout));
}

const layerArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 20 }),
    cols: fc.integer({ min: 1, max: 20 }),
    seed: fc.integer(),
  })
  .map(({ rows, cols, seed }): LinearLayer => {
    let state = seed >>> 0 || 1;
    const next = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    };
    return {
      kind: "linear",
      name: "fc1",
      rows,
      cols,
      weight: Float64Array.from({ length: rows * cols }, next),
      bias: Float64Array.from({ length: rows }, next),
    };
  });

describe("diagonal method with baby-step giant-step rotations", () => {
  it("computes W x + b for every sample packed in the slots", () => {
    fc.assert(
      fc.property(layerArb, fc.integer({ min: 1, max: 4 }), (layer, slotsFactor) => {
        const plan: HePlan = {
          inputSize: layer.cols,
          outputSize: layer.rows,
          layers: [layer],
          notes: [],
        };
        const layout = slotLayout(plan, 32 * slotsFactor);
        const samples = Array.from({ length: layout.samplesPerCiphertext }, (_, s) =>
          Float64Array.from({ length: layer.cols }, (_, c) => Math.sin(s * 7 + c)),
        );
        const y = simulateLinear(packSamples(samples, layer.cols, layout), layer, layout);
        const got = unpackSamples(y, layer.rows, samples.length, layout);
        samples.forEach((x, s) => {
          const want = evaluatePlan(plan, x);
          for (let r = 0; r < layer.rows; r++) expect(got[s][r]).toBeCloseTo(want[r], 9);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("keeps a narrowing layer's output periodic, so the next layer can read it", () => {
    const first: LinearLayer = {
      kind: "linear",
      name: "fc1",
      rows: 3,
      cols: 10,
      weight: Float64Array.from({ length: 30 }, (_, i) => ((i * 37) % 11) - 5),
      bias: Float64Array.from([1, -2, 0.5]),
    };
    const plan: HePlan = { inputSize: 10, outputSize: 3, layers: [first], notes: [] };
    const layout = slotLayout(plan, 64);
    const x = Float64Array.from({ length: 10 }, (_, i) => i / 10);
    const y = simulateLinear(packSamples([x], 10, layout), first, layout);
    const want = evaluatePlan(plan, x);
    const k = layout.samplesPerCiphertext;
    for (let f = 0; f < layout.period; f++) {
      expect(y[f * k]).toBeCloseTo(f % 4 < 3 ? want[f % 4] : 0, 9);
    }
  });

  it("asks for the Galois keys of exactly the rotations it uses", () => {
    const layer: LinearLayer = {
      kind: "linear",
      name: "fc1",
      rows: 16,
      cols: 64,
      weight: new Float64Array(16 * 64).fill(1),
      bias: new Float64Array(16),
    };
    const plan: HePlan = { inputSize: 64, outputSize: 16, layers: [layer], notes: [] };
    const layout = slotLayout(plan, 128);
    expect(layout.samplesPerCiphertext).toBe(2);
    // 16 diagonals: baby steps 1..3, giant steps 4, 8, 12; rotate-and-sum 16, 32 (x2 for the stride).
    expect(planRotations(plan, layout)).toEqual([2, 4, 6, 8, 16, 24, 32, 64]);
  });
});
