// What each method gives when two features are near-duplicates and the model reads only one of
// them: every method here follows the model (interventional / independent perturbation), so the
// ignored duplicate gets nothing — none of them splits credit between correlated features.

import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import {
  exactShapley,
  integratedGradients,
  kernelShap,
  limeTabular,
  permutationImportance,
  uniformBackground,
} from "../../src/explain/index.js";
import { linearClassifier } from "../helpers/linear-classifier.js";

const model = linearClassifier(
  [
    [2, 0, 1],
    [-2, 0, -1],
  ],
  [0, 0],
  [-10, 10],
);
const rng = createRng(17);
const n = 120;
const data = new Float32Array(n * 3);
for (let i = 0; i < n; i++) {
  const a = rng.normal();
  data.set([a, a + 1e-3 * rng.normal(), rng.normal()], i * 3);
}
const bg = { shape: [n, 3], data };
const x = Float32Array.from([1.5, 1.5, -0.5]);

describe("near-duplicate features (feature 1 copies feature 0; the model reads only 0)", () => {
  it("exact Shapley and KernelSHAP give the duplicate exactly 0", async () => {
    const background = uniformBackground(bg);
    const e = await exactShapley(model, x, background, { classIndex: 0 });
    const k = await kernelShap(model, x, background, { classIndex: 0, rng: createRng(1) });
    expect(e.attributions[1]).toBe(0);
    expect(Math.abs(k.attributions[1])).toBeLessThan(1e-9);
    expect(e.attributions[0]).toBeGreaterThan(0);
  });

  it("Integrated Gradients gives the duplicate 0 (its gradient is 0 along the whole path)", async () => {
    const r = await integratedGradients(model, x, { classIndex: 0 });
    expect(Math.abs(r.attributions[1])).toBeLessThan(1e-6);
    expect(r.attributions[0]).toBeGreaterThan(0);
  });

  it("LIME and permutation importance give the duplicate ~0", async () => {
    const lime = await limeTabular(model, x, bg, { classIndex: 0, rng: createRng(2) });
    expect(Math.abs(lime.attributions[1])).toBeLessThan(0.02);
    expect(lime.attributions[0]).toBeGreaterThan(0.1);
    const y = Int32Array.from({ length: n }, (_, i) =>
      2 * data[i * 3] + data[i * 3 + 2] > 0 ? 0 : 1,
    );
    const p = await permutationImportance(model, bg, y, { rng: createRng(3) });
    expect(p.importances[1]).toBe(0);
    expect(p.importances[0]).toBeGreaterThan(0.1);
  });
});
