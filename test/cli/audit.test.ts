import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
      "signature",
      "model",
      "accuracy",
      "robustness",
      "membership",
      "explanations",
      "threats",
    ]);
    expect(report.sections.membership.members).toBe(500);
    const square = report.sections.robustness.points.filter(
      (p: { attack: string }) => p.attack === "square",
    );
    expect(square).toEqual([expect.objectContaining({ eps: 0.1, samples: 100 })]);
    expect(report.sections.explanations.method).toBe("integrated gradients");
    expect(report.sections.explanations.values).toHaveLength(784);
    const page = readFileSync(html, "utf8");
    for (const id of ["threats", "signature", "robustness", "explanations"])
      expect(page).toContain(`<section id="${id}">`);
    expect(JSON.parse(readFileSync(sarif, "utf8")).version).toBe("2.1.0");
  });

  it("audits membership leakage and a tampered signature of a tabular model", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-audit-"));
    const model = join(dir, "iris.onnx");
    copyFileSync("examples/models/tabular-mlp.onnx", model);
    const key = join(dir, "key");
    expect(runCli(["keygen", "--type", "ecdsa-p256", "--out", key]).status).toBe(0);
    expect(runCli(["sign", model, "--key", key]).status).toBe(0);
    // Flip one bit inside the weights: still a valid model, no longer the signed one.
    const bytes = readFileSync(model);
    bytes[700] ^= 1;
    writeFileSync(model, bytes);
    const r = runCli([
      ...["--format", "json", "audit", model, "--data", "examples/data/tabular-test.npz"],
      ...["--train", "examples/data/tabular-train.npz", "--public-key", `${key}.pub`],
    ]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.sections.signature.status).toBe("failed");
    expect(report.findings[0]).toMatchObject({ id: "signature.invalid", severity: "critical" });
    expect(report.sections.membership).toMatchObject({ members: 30, nonMembers: 30 });
    expect(report.sections.explanations.features).toHaveLength(4);
    // No input bounds on the Iris MLP: no ε scale, so no attack ran.
    expect(report.sections.robustness.points).toEqual([]);
  });

  it("refuses a missing model with exit 2 and writes nothing", () => {
    const r = runCli(["audit", "no-such.onnx"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[");
  });
});
