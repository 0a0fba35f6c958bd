import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, readNpz } from "../../src/data/index.js";
import { runCli } from "../helpers/cli.js";

const MODEL = "examples/models/digits-mlp.onnx";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlsec-poison-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec poison", () => {
  it("generates a poisoned dataset with its ground-truth mask", async () => {
    const out = join(dir, "poisoned.npz");
    const r = runCli([
      "--format",
      "json",
      "poison",
      "generate",
      "--data",
      "examples/data/digits-test.npz",
      "--out",
      out,
      "--target",
      "7",
      "--rate",
      "0.05",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      command: "poison generate",
      poisoned: 100,
      samples: 2000,
    });
    const data = await loadDataset(out);
    const mask = (await readNpz(out, { names: ["poisoned"] })).get("poisoned")!;
    expect(mask.shape).toEqual([2000]);
    const poisoned = [...(mask.data as Uint8Array).keys()].filter(
      (i) => (mask.data as Uint8Array)[i],
    );
    expect(poisoned.length).toBe(100);
    expect(poisoned.every((i) => data.y[i] === 7)).toBe(true);
  });

  it("reports suspects with precision and recall against the mask", () => {
    const data = join(dir, "poisoned.npz");
    for (const method of ["spectral", "activation-clustering"]) {
      const r = runCli([
        "--format",
        "json",
        "poison",
        "detect",
        MODEL,
        "--data",
        data,
        "--labels-poisoned",
        data,
        "--method",
        method,
        "--limit",
        "600",
        "--threads",
        "1",
      ]);
      expect([0, 1], r.stderr).toContain(r.status);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ command: "poison detect", method, samples: 600 });
      expect(out.metrics.precision).toBeGreaterThanOrEqual(0);
      expect(out.metrics.recall).toBeLessThanOrEqual(1);
      expect(out.suspected.every((i: number) => i >= 0 && i < 600)).toBe(true);
    }
  });

  it("refuses bad input with a typed error and no output", () => {
    const out = join(dir, "bad.npz");
    const r = runCli([
      "poison",
      "generate",
      "--data",
      "examples/data/tabular-test.npz",
      "--out",
      out,
      "--target",
      "0",
      "--rate",
      "0.1",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error\[E_SHAPE_MISMATCH\]/);
    expect(existsSync(out)).toBe(false);
    const mask = runCli([
      "poison",
      "detect",
      MODEL,
      "--data",
      "examples/data/digits-test.npz",
      "--labels-poisoned",
      "examples/data/digits-test.npz",
    ]);
    expect(mask.status).toBe(2);
    expect(mask.stderr).toMatch(/error\[E_DATA_MISSING_ARRAY\]/);
  });
});
