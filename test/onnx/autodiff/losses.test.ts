import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LossKind } from "../../../src/core/index.js";
import { DataType } from "../../../src/onnx/ir.js";
import { fixture, GradientRunner } from "./gradcheck.js";

/** Logits = input: the gradient model's loss and gradient are the loss's own. */
async function identityRunner(classes: number, loss: LossKind, dtype: number = DataType.DOUBLE) {
  const f = fixture([1, classes], classes, (b, x) => b.op("Identity", [x]), dtype);
  return GradientRunner.create(f.model, loss);
}

function reference(loss: LossKind, z: number[], y: number): { loss: number; grad: number[] } {
  const c = z.length;
  switch (loss) {
    case "cross-entropy": {
      const m = Math.max(...z);
      const s = z.reduce((a, v) => a + Math.exp(v - m), 0);
      return {
        loss: m + Math.log(s) - z[y],
        grad: z.map((v, j) => Math.exp(v - m) / s - (j === y ? 1 : 0)),
      };
    }
    case "cw-margin": {
      let best = -1;
      for (let j = 0; j < c; j++) if (j !== y && (best < 0 || z[j] > z[best])) best = j;
      return {
        loss: z[y] - z[best],
        grad: z.map((_, j) => (j === y ? 1 : 0) - (j === best ? 1 : 0)),
      };
    }
    case "mse":
      return {
        loss: z.reduce((a, v, j) => a + (v - (j === y ? 1 : 0)) ** 2, 0) / c,
        grad: z.map((v, j) => (2 * (v - (j === y ? 1 : 0))) / c),
      };
  }
}

describe("autodiff losses", () => {
  it("known answers: CW ties go to the first arg-max, CE is stable for huge logits", async () => {
    const cw = await identityRunner(3, "cw-margin");
    const out = await cw.run(Float64Array.of(1, 3, 3), [1, 3], [0]);
    expect(Array.from(out[cw.gm.lossName])).toEqual([-2]);
    expect(Array.from(out[cw.gm.inputGradientName!])).toEqual([1, -1, 0]);

    const ce = await identityRunner(3, "cross-entropy", DataType.FLOAT);
    const big = await ce.run(Float32Array.of(1000, 0, -1000), [1, 3], [1]);
    expect(big[ce.gm.lossName][0]).toBeCloseTo(1000, 3);
    expect(Array.from(big[ce.gm.inputGradientName!])).toEqual([1, -1, 0]);

    const mse = await identityRunner(2, "mse");
    const m = await mse.run(Float64Array.of(0.5, 2), [1, 2], [1]);
    expect(m[mse.gm.lossName][0]).toBeCloseTo((0.25 + 1) / 2, 12);
    expect(Array.from(m[mse.gm.inputGradientName!])).toEqual([0.5, 1]);
  });

  for (const loss of ["cross-entropy", "cw-margin", "mse"] as const) {
    it(`${loss}: per-sample loss and gradient equal the closed form (property)`, async () => {
      const runners = new Map<number, GradientRunner>();
      for (let c = 2; c <= 5; c++) runners.set(c, await identityRunner(c, loss));
      const sample = fc.integer({ min: 2, max: 5 }).chain((c) =>
        fc.array(
          fc.tuple(
            fc.array(fc.double({ min: -20, max: 20, noNaN: true }), {
              minLength: c,
              maxLength: c,
            }),
            fc.integer({ min: 0, max: c - 1 }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
      );
      await fc.assert(
        fc.asyncProperty(sample, async (rows) => {
          const c = rows[0][0].length;
          const runner = runners.get(c)!;
          const x = Float64Array.from(rows.flatMap(([z]) => z));
          const out = await runner.run(
            x,
            [rows.length, c],
            rows.map(([, y]) => y),
          );
          rows.forEach(([z, y], i) => {
            const r = reference(loss, z, y);
            expect(out[runner.gm.lossName][i]).toBeCloseTo(r.loss, 9);
            r.grad.forEach((g, j) => {
              expect(out[runner.gm.inputGradientName!][i * c + j]).toBeCloseTo(g, 9);
            });
          });
        }),
        { numRuns: 60, seed: 42 },
      );
    });
  }
});
