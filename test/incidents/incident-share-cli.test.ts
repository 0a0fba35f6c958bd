import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-incident-share-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec incident export/import (built binary)", { timeout: 300_000 }, () => {
  it("exports a TLP-filtered, redacted bundle and imports it into another store", () => {
    const a = join(dir, "a.db");
    const b = join(dir, "b.db");
    const green = runCli([
      ...["--format", "json", "incident", "create", "--store", a, "--tlp", "green"],
      ...["--title", "Poisoned fine-tuning data", "--technique", "AML.T0020"],
      ...["--description", "Found by Maria Garcia, maria.garcia@example.com."],
    ]);
    expect(green.status).toBe(0);
    const red = runCli(["incident", "create", "--store", a, "--tlp", "red", "--title", "Secret"]);
    expect(red.status).toBe(0);

    const out = join(dir, "bundle.json");
    const exp = runCli(["--format", "json", "incident", "export", "--store", a, "--out", out]);
    expect(exp.status).toBe(0);
    const summary = JSON.parse(exp.stdout);
    expect(summary).toMatchObject({ command: "incident export", incidents: 2 });
    expect(summary.redactedFields).toBeGreaterThan(0);
    const text = readFileSync(out, "utf8");
    expect(text).not.toContain("maria.garcia@example.com");
    expect(text).not.toContain("Secret");

    const imp = runCli(["--format", "json", "incident", "import", out, "--store", b]);
    expect(imp.status).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ inserted: 1, updated: 0, rejected: [] });
    const again = runCli(["--format", "json", "incident", "import", out, "--store", b]);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 0, unchanged: 1 });
    const list = runCli(["--format", "json", "incident", "list", "--store", b]);
    const incidents = JSON.parse(list.stdout).incidents;
    expect(incidents.map((i: { title: string }) => i.title)).toEqual(["Poisoned fine-tuning data"]);
    expect(incidents[0].techniques).toEqual(["AML.T0020"]);
  });

  it("exports AVID reports as JSON Lines, public incidents only unless --max-tlp says more", () => {
    const a = join(dir, "a.db");
    const out = join(dir, "avid.jsonl");
    const clear = runCli([
      ...["incident", "create", "--store", a, "--tlp", "clear", "--title", "Model stolen via API"],
      ...["--technique", "AML.T0024.002", "--description", "Reported by bob@example.com."],
    ]);
    expect(clear.status).toBe(0);
    const exp = runCli([
      ...["--format", "json", "incident", "export", "--as", "avid", "--store", a, "--out", out],
    ]);
    expect(exp.status).toBe(0);
    expect(JSON.parse(exp.stdout)).toMatchObject({ format: "avid", reports: 1 });
    expect(JSON.parse(exp.stdout).withheld).toHaveLength(2);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(report.problemtype.description.value).toBe("Model stolen via API");
    expect(report.impact.avid.sep_view).toContain("S0502: Model theft");
    expect(report.description.value).not.toContain("bob@example.com");

    const green = runCli([
      "incident",
      "export",
      "--as",
      "avid",
      "--store",
      a,
      "--max-tlp",
      "green",
    ]);
    expect(green.stdout.trim().split("\n")).toHaveLength(2);
  });

  it("rejects malformed bundles with exit 2 and writes nothing", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "[".repeat(1000));
    const r = runCli(["incident", "import", bad, "--store", join(dir, "c.db")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[E_LIMIT_EXCEEDED\]/);
    expect(existsSync(join(dir, "c.db"))).toBe(false);
    writeFileSync(bad, '{"type":"report"}');
    const r2 = runCli(["incident", "import", bad, "--store", join(dir, "c.db")]);
    expect(r2.stderr).toMatch(/^error\[E_STIX_FORMAT\]/);
  });
});
