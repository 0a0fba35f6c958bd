import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const MLP = "examples/models/tabular-mlp.onnx";
const TAB = "examples/data/tabular-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-pdp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec pdp", () => {
  it("gives the average of the ICE curves on a quantile grid, and an SVG plot", () => {
    const out = join(dir, "pdp.svg");
    const r = runCli([
      ...["--format", "json", "pdp", MLP, "--data", TAB, "--feature", "2", "--class", "2"],
      ...["--grid", "6", "--out", out, "--threads", "1"],
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: "pdp", feature: 2, featureName: "x2", rows: 30 });
    expect(doc.grid).toHaveLength(6);
    expect(doc.ice).toHaveLength(30);
    for (let k = 0; k < 6; k++) {
      const mean = doc.ice.reduce((s: number, row: number[]) => s + row[k], 0) / 30;
      expect(doc.average[k]).toBeCloseTo(mean, 9);
    }
    // Petal length drives "virginica" up in this model.
    expect(doc.average[5]).toBeGreaterThan(doc.average[0]);
    expect(readFileSync(out, "utf8")).toContain("<polyline");
  });

  it("names CSV features by their header and refuses unknown features with exit 2", () => {
    const csv = join(dir, "t.csv");
    writeFileSync(csv, "a,b,c,d,label\n0.1,0.2,0.3,0.4,0\n1,1,1,1,1\n-1,0,1,2,2\n");
    const r = runCli(["--format", "json", "pdp", MLP, "--data", csv, "--feature", "c"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ feature: 2, featureName: "c", rows: 3 });
    const out = join(dir, "nope.svg");
    const bad = runCli(["pdp", MLP, "--data", csv, "--feature", "e", "--out", out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error[E_INVALID_ARGUMENT]");
    expect(bad.stderr).toContain("a, b, c, d");
    expect(existsSync(out)).toBe(false);
  });
});
