import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-pii-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
const file = (name: string, content: string) => {
  writeFileSync(path(name), content);
  return path(name);
};

const PATIENTS = [
  "name,age,zip,sex,diagnosis",
  ...Array.from({ length: 30 }, (_, i) =>
    [
      `P${i}`,
      20 + ((i * 7) % 50),
      `021${i % 7}${i % 3}`,
      i % 2 === 0 ? "F" : "M",
      ["flu", "cancer", "asthma", "hiv", "diabetes"][i % 5],
    ].join(","),
  ),
].join("\n");

describe("mlsec pii k-anonymize / risk (built binary)", () => {
  it("enforces k and l, writes the CSV and the report; risk gates with exit 1", () => {
    const csv = file("patients.csv", `${PATIENTS}\n`);
    const before = runCli(["pii", "risk", csv, "--quasi", "age,zip,sex", "--k", "5"]);
    expect(before.status).toBe(1);
    expect(before.stdout).toContain("NOT satisfied");
    const r = runCli([
      "--format",
      "json",
      "pii",
      "k-anonymize",
      csv,
      "--quasi",
      "age,zip,sex",
      "--sensitive",
      "diagnosis",
      "--k",
      "5",
      "--l",
      "3",
      "--hierarchy",
      "zip=prefix",
      "--drop",
      "name",
      "--out",
      path("anon.csv"),
      "--report",
      path("risk.json"),
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.satisfied).toBe(true);
    expect(doc.achieved.k).toBeGreaterThanOrEqual(5);
    const report = JSON.parse(readFileSync(path("risk.json"), "utf8"));
    expect(report.risk.prosecutor.highest).toBeLessThanOrEqual(0.2);
    const out = readFileSync(path("anon.csv"), "utf8");
    expect(out.split("\r\n")[0]).toBe("age,zip,sex,diagnosis");
    expect(out).not.toContain("P1,");
    const after = runCli(["pii", "risk", path("anon.csv"), "--quasi", "age,zip,sex", "--k", "5"]);
    expect(after.status).toBe(0);
    // Without --out, the JSON document carries the anonymized CSV.
    const inline = runCli([
      "--format",
      "json",
      "pii",
      "k-anonymize",
      csv,
      "--quasi",
      "age",
      "--k",
      "3",
    ]);
    expect(JSON.parse(inline.stdout).content.split("\r\n")[0]).toBe("name,age,zip,sex,diagnosis");
  });
  it("k larger than the data and ragged rows exit 2 with nothing written", () => {
    const csv = file("small.csv", "age,sex\n30,F\n31,M\n");
    const big = runCli([
      "pii",
      "k-anonymize",
      csv,
      "--quasi",
      "age",
      "--k",
      "5",
      "--out",
      path("k.csv"),
    ]);
    expect(big.status).toBe(2);
    expect(big.stderr).toContain("E_PII_ANONYMITY");
    const ragged = file("ragged.csv", "age,sex\n30,F\n31\n");
    const bad = runCli([
      "pii",
      "k-anonymize",
      ragged,
      "--quasi",
      "age",
      "--k",
      "1",
      "--out",
      path("k.csv"),
    ]);
    expect(bad.status).toBe(2);
    expect(existsSync(path("k.csv"))).toBe(false);
  });
});

describe("mlsec pii encrypt / decrypt / forget / enforce-retention / receipts (built binary)", () => {
  it("encrypts per subject, forgets one with a receipt, enforces retention, verifies the log", () => {
    const key = file("master.key", randomBytes(32).toString("hex"));
    const data = file(
      "users.jsonl",
      [
        { user: "u1", email: "a@x.org", created: "2026-01-02" },
        { user: "u2", email: "b@y.org", created: "2026-11-01" },
        { user: "u1", email: "a2@x.org", created: "2026-11-20" },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const common = ["--key-file", key, "--keys", path("keys.json"), "--subject-field", "user"];
    const enc = runCli([
      "pii",
      "encrypt",
      data,
      ...common,
      "--fields",
      "email",
      "--out",
      path("enc.jsonl"),
    ]);
    expect(enc.status).toBe(0);
    expect(readFileSync(path("enc.jsonl"), "utf8")).not.toContain("a@x.org");
    const log = ["--audit-log", path("deletions.jsonl")];
    const forget = runCli([
      "pii",
      "forget",
      path("enc.jsonl"),
      "--subject",
      "u1",
      ...common,
      ...log,
    ]);
    expect(forget.status).toBe(0);
    expect(forget.stdout).toContain("2 record(s) removed");
    const dec = runCli(["--format", "json", "pii", "decrypt", path("enc.jsonl"), ...common]);
    expect(dec.status).toBe(0);
    const content = JSON.parse(dec.stdout).content as string;
    expect(content).toContain("b@y.org");
    expect(content).not.toContain("a@x.org");
    const retention = runCli([
      "pii",
      "enforce-retention",
      path("enc.jsonl"),
      ...common,
      ...log,
      "--time-field",
      "created",
      "--max-age-days",
      "7",
      "--now",
      "2026-11-28T00:00:00Z",
    ]);
    expect(retention.status).toBe(0);
    expect(readFileSync(path("enc.jsonl"), "utf8")).toBe("");
    const verify = runCli(["pii", "receipts", ...log, "--key-file", key]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain("2 receipt(s): chain and signatures verify");
    // A tampered log fails the check (exit 1).
    const text = readFileSync(path("deletions.jsonl"), "utf8");
    writeFileSync(path("deletions.jsonl"), text.replace('"keysDestroyed":1', '"keysDestroyed":0'));
    expect(runCli(["pii", "receipts", ...log, "--key-file", key]).status).toBe(1);
  });
  it("a wrong master key fails with E_PII_KEY and writes nothing", () => {
    const key = file("k1.key", randomBytes(32).toString("hex"));
    const other = file("k2.key", randomBytes(32).toString("hex"));
    const data = file("d.csv", "user,email\nu1,a@x.org\n");
    const keys = ["--keys", path("k.json"), "--subject-field", "user"];
    expect(
      runCli([
        "pii",
        "encrypt",
        data,
        "--key-file",
        key,
        ...keys,
        "--fields",
        "email",
        "--out",
        path("e.csv"),
      ]).status,
    ).toBe(0);
    const r = runCli([
      "pii",
      "decrypt",
      path("e.csv"),
      "--key-file",
      other,
      ...keys,
      "--out",
      path("p.csv"),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("E_PII_KEY");
    expect(existsSync(path("p.csv"))).toBe(false);
  });
});

describe("the issue's command names: mlsec anonymize, mlsec data … (built binary)", () => {
  it("anonymize enforces k like pii k-anonymize; data encrypt/decrypt round-trips", () => {
    const csv = file("people.csv", `${PATIENTS}\n`);
    const r = runCli([
      ...["--format", "json", "anonymize", csv, "--quasi", "age,zip,sex"],
      ...["--sensitive", "diagnosis", "--k", "5", "--drop", "name", "--out", path("a.csv")],
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).satisfied).toBe(true);
    expect(readFileSync(path("a.csv"), "utf8")).not.toContain("P0,");

    const key = file("data.key", randomBytes(32).toString("hex"));
    const users = file("u.jsonl", `${JSON.stringify({ user: "u9", email: "z@z.org" })}\n`);
    const common = ["--key-file", key, "--keys", path("dk.json"), "--subject-field", "user"];
    const enc = [
      "data",
      "encrypt",
      users,
      ...common,
      "--fields",
      "email",
      "--out",
      path("u.enc.jsonl"),
    ];
    expect(runCli(enc).status).toBe(0);
    expect(readFileSync(path("u.enc.jsonl"), "utf8")).not.toContain("z@z.org");
    const dec = runCli(["data", "decrypt", path("u.enc.jsonl"), ...common]);
    expect(dec.status).toBe(0);
    expect(dec.stdout).toContain("z@z.org");
  });
});
