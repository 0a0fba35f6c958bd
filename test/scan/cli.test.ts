import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { torchStateDictPickle, torchZip } from "./helpers/archives.js";
import { osSystemPickle, PickleWriter } from "./helpers/pickle-writer.js";

// End to end through the built binary (npm run build first).
describe("mlsec scan (built CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlsec-scan-cli-"));
  const good = join(dir, "good.pt");
  const bad = join(dir, "bad.pt");
  const custom = join(dir, "custom.pkl");
  writeFileSync(good, torchZip(torchStateDictPickle()));
  writeFileSync(bad, torchZip(osSystemPickle(2)));
  writeFileSync(
    custom,
    new PickleWriter().proto(2).global("mypkg.models", "Net").emptyTuple().reduce().stop().bytes(),
  );

  it("exits 0 on a clean model and 1 on a malicious one, with findings in JSON", () => {
    expect(runCli(["scan", good]).status).toBe(0);
    const r = runCli(["--format", "json", "scan", good, bad]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.files.map((f: { verdict: string }) => f.verdict)).toEqual(["safe", "malicious"]);
    expect(doc.files[1].findings[0]).toMatchObject({
      ruleId: "pickle.import.denied",
      callable: "os.system",
      location: { members: ["archive/data.pkl"] },
    });
    expect(doc.summary.verdicts).toEqual({ malicious: 1, suspicious: 0, invalid: 0, safe: 1 });
  });

  it("prints readable text", () => {
    const r = runCli(["scan", bad]);
    expect(r.stdout).toContain("MALICIOUS");
    expect(r.stdout).toContain('os.system("echo pwned")');
  });

  it("writes SARIF 2.1.0 to a file, or to stdout with -", () => {
    const out = join(dir, "scan.sarif");
    expect(runCli(["scan", dir, "--sarif", out]).status).toBe(1);
    const sarif = JSON.parse(readFileSync(out, "utf8"));
    expect(sarif.version).toBe("2.1.0");
    const results = sarif.runs[0].results;
    expect(results.map((x: { ruleId: string }) => x.ruleId).sort()).toEqual([
      "pickle.import.denied",
      "pickle.import.unknown",
    ]);
    const rules = sarif.runs[0].tool.driver.rules;
    for (const x of results) expect(rules[x.ruleIndex].id).toBe(x.ruleId);
    const stdout = runCli(["scan", bad, "--sarif", "-"]);
    expect(JSON.parse(stdout.stdout).runs[0].results[0].level).toBe("error");
  });

  it("applies a user policy, and rejects a bad one with exit 2", () => {
    expect(runCli(["scan", custom]).status).toBe(1); // unknown callable: suspicious
    const policy = join(dir, "policy.yaml");
    writeFileSync(policy, "allow:\n  - mypkg.models.Net\n");
    expect(runCli(["scan", custom, "--policy", policy]).status).toBe(0);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "allow: 7\n");
    const r = runCli(["scan", custom, "--policy", broken]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_SCAN_POLICY]");
  });

  it("--jobs 2 scans on worker threads with the same reports, in the same order", () => {
    const one = JSON.parse(runCli(["--format", "json", "scan", dir]).stdout);
    const two = runCli(["--format", "json", "scan", "--jobs", "2", dir]);
    expect(two.status).toBe(1);
    expect(JSON.parse(two.stdout)).toEqual(one);
  });

  it("exits 2 on a missing path and leaves no SARIF file behind", () => {
    const out = join(dir, "none.sarif");
    const r = runCli(["scan", join(dir, "missing.pt"), "--sarif", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_FILE_NOT_FOUND]");
    expect(existsSync(out)).toBe(false);
  });
});
