import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/pii/index.js";
import { runCli } from "../helpers/cli.js";

// `pii detect` reads plain text and JSONL files as they arrive; what it reports must be what
// analysing the whole input in the same pieces reports.

const dir = mkdtempSync(join(tmpdir(), "mlsec-pii-stream-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  "Please send the contract to Oskari T. Väänänen, 14 Mill Lane, Kettering NN16 0AB.",
  "Call +1 415 555 2671 or write to maria.garcia@example.com 😀 before 2024-03-01.",
  "Nothing personal on this line, only prose about compilers and caches.",
];

/** About 1.3 MiB: more than one analysis piece, with astral characters on the way. */
function bigText(): string {
  const lines: string[] = [];
  for (let i = 0, length = 0; length < 1_300_000; i++) {
    lines.push(LINES[i % LINES.length]);
    length += LINES[i % LINES.length].length + 1;
  }
  return `${lines.join("\n")}\n`;
}

describe("mlsec pii detect streams its input", () => {
  it("reports the same findings and code-point offsets as whole-text analysis", () => {
    const text = bigText();
    const path = join(dir, "big.txt");
    writeFileSync(path, text);
    const r = runCli(["--format", "json", "pii", "detect", path]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    // The expected offsets: the whole text analysed at once, in code points.
    const expected = analyze(text).map((f) => [f.type, f.start, f.end]);
    const got = doc.results[0].findings.map((f: { type: string; start: number; end: number }) => [
      f.type,
      f.start,
      f.end,
    ]);
    expect(got).toEqual(expected);
    const fromStdin = runCli(["--format", "json", "pii", "detect", "-"], { input: text });
    expect(JSON.parse(fromStdin.stdout).results).toEqual(doc.results);
  });

  it("numbers JSONL records as it reads them and stops at a record without the field", () => {
    const good = join(dir, "ok.jsonl");
    writeFileSync(
      good,
      `${JSON.stringify({ text: LINES[0] })}\n\n${JSON.stringify({ text: "x" })}\n`,
    );
    const doc = JSON.parse(runCli(["--format", "json", "pii", "detect", good]).stdout);
    expect(doc.documents).toBe(2);
    expect(doc.results.map((r: { record: number }) => r.record)).toEqual([1]);
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ text: LINES[0] })}\n${JSON.stringify({ body: "x" })}\n`);
    const r = runCli(["pii", "detect", bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('JSONL record 2 has no string field "text"');
    expect(r.stdout).toBe("");
  });

  it("prints the same report with --jobs 2 as with one thread", () => {
    const big = join(dir, "big-jobs.txt");
    writeFileSync(big, bigText());
    const records = join(dir, "many.jsonl");
    // More records than one batch to a worker holds.
    writeFileSync(
      records,
      Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: LINES[i % 3] })).join("\n"),
    );
    const table = join(dir, "people.csv");
    writeFileSync(table, `name,note\nAnn Lee,${LINES[1]}\nBo Chan,"${LINES[0]}"\n`);
    for (const [path, extra] of [
      [big, []],
      [records, ["--show-text"]],
      [table, []],
    ] as const) {
      const one = runCli(["--format", "json", "pii", "detect", path, ...extra]);
      const two = runCli(["--format", "json", "pii", "detect", path, ...extra, "--jobs", "2"]);
      expect(one.status).toBe(0);
      expect(two.status).toBe(0);
      expect(JSON.parse(one.stdout).summary.findings).toBeGreaterThan(0);
      expect(two.stdout).toBe(one.stdout);
    }
  });

  it("reports an error a worker meets, prints nothing, and does not hang", () => {
    const path = join(dir, "long-line.txt");
    // A line over the analyzer's 1 Mi limit, after a piece that analyses fine.
    writeFileSync(path, `${bigText()}${"word ".repeat(230_000)}\n`);
    const r = runCli(["pii", "detect", path, "--jobs", "2"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("E_LIMIT_EXCEEDED");
    expect(r.stdout).toBe("");
  });

  it("refuses --jobs with --ner-command, and --jobs 0", () => {
    const path = join(dir, "small.txt");
    writeFileSync(path, LINES[0]);
    const ner = runCli(["pii", "detect", path, "--jobs", "2", "--ner-command", "cat"]);
    expect(ner.status).toBe(2);
    expect(ner.stderr).toContain("--jobs does not combine with --ner-command");
    expect(runCli(["pii", "detect", path, "--jobs", "0"]).status).toBe(2);
  });

  it("anonymizes into a file as it reads, writing what it writes to stdout", () => {
    const big = join(dir, "anon.txt");
    writeFileSync(big, bigText());
    const records = join(dir, "anon.jsonl");
    writeFileSync(
      records,
      `${Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i, text: LINES[i % 3] })).join("\n")}\n`,
    );
    for (const input of [big, records]) {
      const out = `${input}.out`;
      const streamed = runCli(["pii", "anonymize", input, "--out", out]);
      expect(streamed.status).toBe(0);
      const inMemory = runCli(["pii", "anonymize", input]);
      expect(readFileSync(out, "utf8")).toBe(inMemory.stdout);
      expect(inMemory.stdout).toContain("<EMAIL_ADDRESS>");
    }
  });

  it("leaves no output file and no temporary file when bad input ends an anonymization", () => {
    const sub = mkdtempSync(join(dir, "anon-bad-"));
    const broken = join(sub, "broken.txt");
    const text = Buffer.from(bigText());
    writeFileSync(broken, Buffer.concat([text, Buffer.from([0xc3, 0x28]), text]));
    const badRecord = join(sub, "bad.jsonl");
    writeFileSync(
      badRecord,
      `${JSON.stringify({ text: LINES[1] })}\n${JSON.stringify({ body: 1 })}\n`,
    );
    for (const input of [broken, badRecord]) {
      const r = runCli(["pii", "anonymize", input, "--out", join(sub, "out")]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/E_DATA_FORMAT/);
    }
    expect(readdirSync(sub).sort()).toEqual(["bad.jsonl", "broken.txt"]);
  });

  it("refuses invalid UTF-8 in the middle of a large file and prints nothing", () => {
    const text = Buffer.from(bigText());
    const path = join(dir, "broken.txt");
    writeFileSync(path, Buffer.concat([text, Buffer.from([0xc3, 0x28]), text]));
    for (const jobs of ["1", "2"]) {
      const r = runCli(["pii", "detect", path, "--jobs", jobs]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("E_DATA_FORMAT");
      expect(r.stdout).toBe("");
    }
  });
});
