import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const MLP = "examples/models/tabular-mlp.onnx";
const TAB = "examples/data/tabular-test.npz";
const CNN = "examples/models/digits-cnn.onnx";
const DIGITS = "examples/data/digits-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-model-card-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec model-card", { timeout: 300_000 }, () => {
  it("measures a tabular model: per-class accuracy, feature importance, stated caveats", () => {
    const out = join(dir, "card.json");
    const r = runCli(["model-card", MLP, "--data", TAB, "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("wrote");
    const card = JSON.parse(readFileSync(out, "utf8"));
    expect(card.schema).toBe("mlsec.model-card/1");
    const q = card.quantitativeAnalyses;
    expect(q.accuracy).toBeCloseTo(28 / 30, 6);
    expect(q.perClass.map((c: { support: number }) => c.support)).toEqual([9, 10, 11]);
    expect(q.featureImportance.features).toHaveLength(4);
    expect(q.robustness.skipped).toMatch(/bounds/);
    expect(card.details.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(card.caveats.join(" ")).toContain("intended use is not stated");
  });

  it("writes an HTML card with Mitchell et al.'s sections, robustness and membership figures", () => {
    const out = join(dir, "card.html");
    const r = runCli([
      ...["--format", "json", "model-card", CNN, "--data", DIGITS],
      ...["--metadata", "examples/model-cards/digits-cnn.yaml", "--members", DIGITS],
      ...["--robustness-samples", "20", "--out", out],
    ]);
    expect(r.status).toBe(0);
    const card = JSON.parse(r.stdout);
    expect(card.details.name).toBe("digits-cnn");
    expect(card.quantitativeAnalyses.robustness.points).toHaveLength(4);
    expect(card.quantitativeAnalyses.robustness.samples).toBe(20);
    // Members and non-members come from the same (held-out) set: nothing to tell apart.
    const mia = card.quantitativeAnalyses.membershipInference;
    expect(mia.members).toBe(1000);
    expect(Math.abs(mia.auc - 0.5)).toBeLessThan(0.05);
    expect(card.quantitativeAnalyses.featureImportance.skipped).toMatch(/tabular/);
    const html = readFileSync(out, "utf8");
    for (const id of [
      "details",
      "intended-use",
      "factors",
      "metrics",
      "evaluation-data",
      "training-data",
      "quantitative-analyses",
      "ethical-considerations",
      "caveats",
    ]) {
      expect(html).toContain(`<section id="${id}">`);
    }
    expect(html).toContain("<svg");
    expect(html).not.toContain("<script");
  });

  it("refuses bad metadata and output names with exit 2, writing nothing", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "intendedUse: [not, a, map]\n");
    const out = join(dir, "never.html");
    const r = runCli(["model-card", MLP, "--data", TAB, "--metadata", bad, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_MODEL_CARD]");
    expect(existsSync(out)).toBe(false);
    const txt = runCli(["model-card", MLP, "--data", TAB, "--out", join(dir, "card.txt")]);
    expect(txt.status).toBe(2);
    expect(txt.stderr).toContain("error[E_USAGE]");
  });
});
