import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { permutationImportance } from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

describe("permutation feature importance", () => {
  // Class = sign of feature 0; feature 1 is noise the model reads weakly; feature 2 is ignored.
  const model = linearClassifier(
    [
      [4, 0.1, 0],
      [-4, -0.1, 0],
    ],
    [0, 0],
    [-10, 10],
  );
  const rng = createRng(3);
  const n = 200;
  const data = new Float32Array(n * 3).map(() => rng.normal());
  const y = Int32Array.from({ length: n }, (_, i) => (data[i * 3] > 0 ? 0 : 1));
  const x = { shape: [n, 3], data };

  it("ranks the feature the model uses first and gives an ignored feature exactly 0", async () => {
    for (const metric of ["accuracy", "log-loss"] as const) {
      const r = await permutationImportance(model, x, y, { rng: createRng(1), metric, repeats: 4 });
      expect(r.importances[0]).toBeGreaterThan(r.importances[1]);
      expect(r.importances[0]).toBeGreaterThan(0.3);
      expect(r.importances[2]).toBe(0);
      expect(r.std[2]).toBe(0);
    }
  });

  it("is seeded and evaluates every permuted copy in one batched call", async () => {
    model.calls = 0;
    const a = await permutationImportance(model, x, y, { rng: createRng(7) });
    expect(model.calls).toBe(2); // the unshuffled data, then all 3 × 5 permuted copies at once
    const b = await permutationImportance(model, x, y, { rng: createRng(7) });
    expect([...a.importances]).toEqual([...b.importances]);
    expect(a.baselineScore).toBeGreaterThan(0.95);
  });
});
