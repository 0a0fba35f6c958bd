import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { datasetFromArrays, loadDataset, readNpz } from "../../src/data/index.js";

const example = (name: string) =>
  fileURLToPath(new URL(`../../examples/data/${name}`, import.meta.url));

function classCounts(y: Int32Array): number[] {
  const counts: number[] = [];
  for (const v of y) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describe("the committed demo datasets (npm run make:data)", () => {
  it("digits: x float32 [N,1,28,28] in [0,1], y int64 with all ten classes, 8,000/2,000", async () => {
    for (const [name, n] of [
      ["digits-train.npz", 8000],
      ["digits-test.npz", 2000],
    ] as const) {
      const arrays = await readNpz(example(name));
      expect(arrays.get("x")!.dtype).toBe("float32");
      expect(arrays.get("y")!.dtype).toBe("int64");
      const { x, y } = datasetFromArrays(arrays);
      expect(x.shape).toEqual([n, 1, 28, 28]);
      let min = Infinity;
      let max = -Infinity;
      for (const v of x.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).toEqual([0, 1]);
      const counts = classCounts(y);
      expect(counts).toHaveLength(10);
      expect(Math.min(...counts)).toBeGreaterThan(n / 20);
    }
  });

  it("tabular: x standardized with the training split's statistics, 3 classes, 120/30", async () => {
    const train = await loadDataset(example("tabular-train.npz"));
    const test = await loadDataset(example("tabular-test.npz"));
    expect(train.x.shape).toEqual([120, 4]);
    expect(test.x.shape).toEqual([30, 4]);
    for (let j = 0; j < 4; j++) {
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < 120; i++) sum += train.x.data[i * 4 + j];
      const mean = sum / 120;
      for (let i = 0; i < 120; i++) sq += (train.x.data[i * 4 + j] - mean) ** 2;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.sqrt(sq / 120)).toBeCloseTo(1, 4);
    }
    expect(classCounts(train.y)).toHaveLength(3);
    expect(classCounts(test.y)).toHaveLength(3);
  });
});
