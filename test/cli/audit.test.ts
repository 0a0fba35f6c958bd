import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("mlsec audit", () => {
  it("--demo writes HTML, JSON and SARIF reports and fails on high findings", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-audit-"));
    const html = join(dir, "report.html");
    const json = join(dir, "report.json");
    const sarif = join(dir, "report.sarif");
    const r = runCli([
      "--quiet",
      "audit",
      "--demo",
      "--out",
      html,
      "--json",
      json,
      "--sarif",
      sarif,
      "--fail-on",
      "high",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/score \d+\/100/);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.schemaVersion).toBe(1);
    expect(report.sections.accuracy.accuracy).toBeGreaterThan(0.95);
    const pgd = report.sections.robustness.points.filter(
      (p: { attack: string }) => p.attack === "pgd",
    );
    expect(pgd.length).toBe(4);
    // Robust accuracy never rises with a larger budget for PGD from the same start.
    for (let i = 1; i < pgd.length; i++)
      expect(pgd[i].robustAccuracy).toBeLessThanOrEqual(pgd[i - 1].robustAccuracy);
    expect(report.timings.map((t: { section: string }) => t.section)).toEqual([
      "scan",
      "model",
      "accuracy",
      "robustness",
      "threats",
    ]);
    expect(readFileSync(html, "utf8")).toContain('<section id="threats">');
    expect(JSON.parse(readFileSync(sarif, "utf8")).version).toBe("2.1.0");
  });

  it("refuses a missing model with exit 2 and writes nothing", () => {
    const r = runCli(["audit", "no-such.onnx"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[");
  });
});
