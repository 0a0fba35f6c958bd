import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const MLP = "examples/models/tabular-mlp.onnx";
const TAB = "examples/data/tabular-test.npz";
const CNN = "examples/models/digits-cnn.onnx";
const DIGITS = "examples/data/digits-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-explain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = (args: string[]) => {
  const r = runCli(["explain", ...args, "--format", "json", "--threads", "1"]);
  expect(r.stderr).not.toContain("error[");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
};

describe("mlsec explain", () => {
  it("exact Shapley and KernelSHAP agree on the Iris MLP and are efficient", () => {
    const args = [
      MLP,
      "--data",
      TAB,
      "--background",
      "examples/data/tabular-train.npz",
      "--index",
      "3",
    ];
    const exact = json([...args, "--method", "exact"]);
    expect(exact.schemaVersion).toBe(1);
    expect(exact.attributions).toHaveLength(4);
    expect(exact.parameters.kmeansCentroids).toBe(50);
    expect(Math.abs(exact.quality.efficiencyGap)).toBeLessThan(1e-6);
    const sum = exact.attributions.reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(exact.prediction - exact.baseValue, 6);
    const kernel = json([...args, "--method", "kernelshap"]);
    // 4 features: all 14 proper coalitions fit the default 2,048, so KernelSHAP is exact.
    kernel.attributions.forEach((v: number, i: number) => {
      expect(v).toBeCloseTo(exact.attributions[i], 6);
    });
    expect(kernel.notes.join(" ")).toContain("near-duplicate");
  });

  it("integrated gradients on the CNN: complete within 1%, SVG heat-map written", () => {
    const out = join(dir, "ig.svg");
    const html = join(dir, "ig.html");
    const r = json([
      ...[CNN, "--data", DIGITS, "--method", "ig", "--index", "2"],
      ...["--out", out, "--html", html],
    ]);
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<h1>ig explanation</h1>");
    expect(page).toContain("relativeConvergenceDelta");
    expect(page).toContain("<svg");
    expect(page).not.toContain("<script");
    expect(r.attributions).toHaveLength(784);
    expect(r.quality.relativeConvergenceDelta).toBeLessThan(0.01);
    expect(r.heatmap).toBe(out);
    const svg = readFileSync(out, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('fill="#d62728"');
  });

  it("text output lists the top features", () => {
    const r = runCli([
      "explain",
      CNN,
      "--data",
      DIGITS,
      "--method",
      "smoothgrad",
      "--samples",
      "8",
      "--top",
      "3",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("top 3 of 784 features");
  });

  it("permutation importance is global, seeded and repeatable", () => {
    const args = [MLP, "--data", TAB, "--method", "permutation", "--repeats", "3", "--seed", "4"];
    const a = json(args);
    const b = json(args);
    expect(a.attributions).toEqual(b.attributions);
    expect(a.attributions).toHaveLength(4);
    expect(a.parameters.std).toHaveLength(4);
    expect(a.prediction).toBeGreaterThan(0.8);
    expect(Math.max(...a.attributions)).toBeGreaterThan(0.1);
  });

  it("LIME fits a surrogate on the Iris MLP, and on superpixels of a digit", () => {
    const r = json([MLP, "--data", TAB, "--method", "lime", "--index", "3", "--samples", "1000"]);
    expect(r.attributions).toHaveLength(4);
    expect(r.parameters.samples).toBe(1000);
    expect(r.quality.score).toBeGreaterThan(0);
    expect(r.quality.localPrediction).toBeCloseTo(r.baseValue + r.attributionSum, 6);
    const out = join(dir, "lime.svg");
    const img = json([CNN, "--data", DIGITS, "--method", "lime", "--cell", "7", "--out", out]);
    expect(img.attributions).toHaveLength(784);
    expect(img.parameters.cell).toBe(7);
    // 16 cells of 7×7: every pixel of a cell carries the cell's coefficient.
    expect(new Set(img.attributions).size).toBeLessThanOrEqual(16);
    expect(img.attributions[0]).toBe(img.attributions[6 * 28 + 6]);
    expect(img.quality.localPrediction).toBeCloseTo(img.baseValue + img.attributionSum, 6);
    expect(readFileSync(out, "utf8").startsWith("<svg")).toBe(true);
  });

  it("permutation SHAP is exactly efficient and close to exact Shapley on the Iris MLP", () => {
    const args = [MLP, "--data", TAB, "--index", "3", "--background-size", "10"];
    const exact = json([...args, "--method", "exact"]);
    const perm = json([...args, "--method", "permshap", "--samples", "3000"]);
    expect(Math.abs(perm.quality.efficiencyGap)).toBeLessThan(1e-9);
    expect(perm.parameters.permutations).toBe(499);
    perm.attributions.forEach((v: number, i: number) => {
      expect(Math.abs(v - exact.attributions[i])).toBeLessThan(
        5 * perm.parameters.standardErrors[i] + 1e-9,
      );
    });
  });

  it("reads a CSV with a header: same values as the .npz, features named by the header", async () => {
    const { loadDataset } = await import("../../src/data/index.js");
    const { x, y } = await loadDataset(TAB);
    const lines = ["sepal_length,sepal_width,petal_length,petal_width,species"];
    for (let i = 0; i < y.length; i++) {
      lines.push([...x.data.subarray(i * 4, i * 4 + 4)].map(String).concat(String(y[i])).join(","));
    }
    const csv = join(dir, "iris.csv");
    writeFileSync(csv, `${lines.join("\n")}\n`);
    const args = ["--index", "3", "--method", "exact", "--background-size", "10"];
    const html = join(dir, "iris.html");
    const fromCsv = json([
      ...[MLP, "--data", csv, "--label-column", "species", ...args],
      ...["--html", html],
    ]);
    expect(readFileSync(html, "utf8")).toContain("<td>petal_length</td>");
    const fromNpz = json([MLP, "--data", TAB, ...args]);
    expect(fromCsv.features).toEqual([
      "sepal_length",
      "sepal_width",
      "petal_length",
      "petal_width",
    ]);
    expect(fromCsv.label).toBe(fromNpz.label);
    fromCsv.attributions.forEach((v: number, i: number) => {
      expect(v).toBeCloseTo(fromNpz.attributions[i], 6);
    });
    const wrong = runCli(["explain", MLP, "--data", csv]);
    expect(wrong.status).toBe(2); // "species" is not a default label column: 5 features
    expect(wrong.stderr).toContain("error[E_SHAPE_MISMATCH]");
  });

  it("rejects bad input with exit 2 and writes nothing", () => {
    const out = join(dir, "nope.svg");
    const a = runCli(["explain", MLP, "--data", TAB, "--index", "999"]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain("error[E_INVALID_ARGUMENT]");
    const b = runCli(["explain", MLP, "--data", TAB, "--method", "ig", "--out", out]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain("error[E_EXPLAIN_METHOD]");
    expect(existsSync(out)).toBe(false);
    const c = runCli(["explain", CNN, "--data", DIGITS, "--method", "exact"]);
    expect(c.status).toBe(2);
    expect(c.stderr).toContain("error[E_EXPLAIN_METHOD]");
  });

  it("refuses data or background of the wrong shape for the model", () => {
    const data = runCli(["explain", MLP, "--data", DIGITS, "--method", "ig"]);
    expect(data.status).toBe(2);
    expect(data.stderr).toContain("error[E_SHAPE_MISMATCH]");
    const background = runCli([
      "explain",
      MLP,
      "--data",
      TAB,
      "--background",
      DIGITS,
      "--method",
      "kernelshap",
    ]);
    expect(background.status).toBe(2);
    expect(background.stderr).toContain("error[E_SHAPE_MISMATCH]");
  });
});
