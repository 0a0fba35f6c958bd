import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-pii-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const TEXT =
  "Hi, I am Maria Garcia. Reach me at maria.garcia@example.com or +1 415 555 2671.\n" +
  "My card is 4111 1111 1111 1111 and my SSN is 536-22-8726.\n";

describe("mlsec pii (built binary)", () => {
  it("detect prints findings as JSON with code-point offsets", () => {
    const r = runCli(["--format", "json", "pii", "detect", "-", "--show-text"], { input: TEXT });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.results[0].findings.map((f: { type: string }) => f.type)).toEqual([
      "PERSON",
      "EMAIL_ADDRESS",
      "PHONE_NUMBER",
      "CREDIT_CARD",
      "US_SSN",
    ]);
    const email = doc.results[0].findings[1];
    expect(TEXT.slice(email.start, email.end)).toBe("maria.garcia@example.com");
    // Without --show-text the matched values are not echoed.
    const quiet = JSON.parse(
      runCli(["--format", "json", "pii", "detect", "-"], { input: TEXT }).stdout,
    );
    expect(quiet.results[0].findings[0].text).toBeUndefined();
  });

  it("detect reads JSONL with --text-field and filters --entities", () => {
    const p = file("d.jsonl", '{"id":1,"body":"mail bob@example.org"}\n{"id":2,"body":"none"}\n');
    const r = runCli([
      "--format",
      "json",
      "pii",
      "detect",
      p,
      "--jsonl",
      "--text-field",
      "body",
      "--entities",
      "EMAIL_ADDRESS",
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.documents).toBe(2);
    expect(doc.results).toEqual([
      { record: 1, findings: [{ type: "EMAIL_ADDRESS", start: 5, end: 20, score: 1 }] },
    ]);
  });

  it("anonymize with encrypt round-trips through deanonymize; a wrong key writes nothing", () => {
    const input = file("in.txt", TEXT);
    const key = file("k", "11".repeat(32));
    const wrong = file("w", "22".repeat(32));
    const ops = file(
      "ops.yaml",
      "default: {type: replace}\nentities:\n  EMAIL_ADDRESS: {type: encrypt}\n",
    );
    const out = join(dir, "anon.txt");
    const a = runCli(["pii", "anonymize", input, "--config", ops, "--key-file", key, "--out", out]);
    expect(a.status).toBe(0);
    const anon = readFileSync(out, "utf8");
    expect(anon).toContain("Hi, I am <PERSON>.");
    expect(anon).not.toContain("maria.garcia@example.com");
    const back = runCli(["pii", "deanonymize", out, "--key-file", key]);
    expect(back.status).toBe(0);
    expect(back.stdout).toContain("maria.garcia@example.com");
    const restored = join(dir, "restored.txt");
    const bad = runCli(["pii", "deanonymize", out, "--key-file", wrong, "--out", restored]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error[E_PII_KEY]");
    expect(existsSync(restored)).toBe(false);
  });

  it("anonymize CSV classifies columns; ragged CSV and invalid UTF-8 fail with exit 2", () => {
    const csv = file(
      "d.csv",
      'name,email,note\nAnna Schmidt,anna@example.de,ok\nJohn Smith,john@example.com,"in Paris, France"\n',
    );
    const r = runCli(["--format", "json", "pii", "redact", csv]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.columns.map((c: { type: string | null }) => c.type)).toEqual([
      "PERSON",
      "EMAIL_ADDRESS",
      null,
    ]);
    expect(doc.content).toContain("<PERSON>,<EMAIL_ADDRESS>,ok");
    expect(doc.content).toContain('"in <LOCATION>, <LOCATION>"');
    const ragged = file("r.csv", "a,b\n1,2,3\n");
    const out = join(dir, "r.out");
    const bad = runCli(["pii", "anonymize", ragged, "--out", out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error[E_DATA_FORMAT]");
    expect(existsSync(out)).toBe(false);
    const latin1 = file("l.txt", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const notUtf8 = runCli(["pii", "detect", latin1]);
    expect(notUtf8.status).toBe(2);
    expect(notUtf8.stdout).toBe("");
    expect(notUtf8.stderr).toContain("not valid UTF-8");
    expect(notUtf8.stderr).toContain("Convert the text to UTF-8");
  });

  it("rejects unknown entity names and a hash operator without a key", () => {
    expect(runCli(["pii", "detect", "-", "--entities", "NOPE"], { input: "x" }).status).toBe(2);
    const ops = file("h.yaml", "default: {type: hash}\n");
    const r = runCli(["pii", "anonymize", "-", "--config", ops], { input: TEXT });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_PII_KEY]");
  });
});
