import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("mlsec lint", () => {
  it("exits 1 with JSON findings on unsafe code and 0 on clean code", () => {
    const bad = runCli(["lint", "test/lint/fixtures/unsafe", "--format", "json"]);
    expect(bad.status).toBe(1);
    const out = JSON.parse(bad.stdout);
    expect(out.schemaVersion).toBe(1);
    expect(out.findings.some((f: { ruleId: string }) => f.ruleId === "torch-load")).toBe(true);
    const clean = runCli(["lint", "test/lint/fixtures/clean"]);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain("3 file(s), 0 finding(s)");
  });

  it("prints SARIF 2.1.0 and refuses a missing path with exit 2", () => {
    const r = runCli(["lint", "test/lint/fixtures/unsafe/serve_unsafe.mjs", "--sarif", "-"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).version).toBe("2.1.0");
    const missing = runCli(["lint", "no/such/dir"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("error[E_FILE_NOT_FOUND]");
  });
});
