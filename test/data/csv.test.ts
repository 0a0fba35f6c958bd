import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { parseCsv, parseCsvRecords, readCsv } from "../../src/data/index.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlsecError);
    return (e as MlsecError).code;
  }
  return "none";
}

/** Writes fields as RFC 4180 CSV, quoting only where needed. */
function toCsv(records: string[][], eol: string): string {
  const quote = (f: string) => (/[",\r\n]/.test(f) || f === "" ? `"${f.replace(/"/g, '""')}"` : f);
  return records.map((r) => r.map(quote).join(",")).join(eol) + eol;
}

describe("RFC 4180 parsing", () => {
  it("handles the §2 examples: quotes, escaped quotes, commas and line breaks in fields", () => {
    const text = 'a,b,c\r\n"x,1","say ""hi""","two\r\nlines"\r\nzzz,yyy,xxx';
    expect(parseCsvRecords(text).map((r) => r.fields)).toEqual([
      ["a", "b", "c"],
      ["x,1", 'say "hi"', "two\r\nlines"],
      ["zzz", "yyy", "xxx"],
    ]);
    expect(parseCsvRecords(text).map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it("parses numeric columns as numbers and empty fields as null", () => {
    const t = parseCsv("\uFEFFid,score,name\n1,0.5,ann\n2,,bob\n3,-1e3,\n");
    expect(t.columns).toEqual(["id", "score", "name"]);
    expect(t.rows).toEqual([
      { id: 1, score: 0.5, name: "ann" },
      { id: 2, score: null, name: "bob" },
      { id: 3, score: -1000, name: null },
    ]);
    // One non-number keeps the column as text; hex and Infinity are text.
    expect(parseCsv("a\n1\nx\n").rows).toEqual([{ a: "1" }, { a: "x" }]);
    expect(parseCsv("a\n0x10\nInfinity\n").rows).toEqual([{ a: "0x10" }, { a: "Infinity" }]);
  });

  it("supports no header, other delimiters, blank lines and a missing final line break", () => {
    expect(parseCsv("1;2\n\n3;4", { header: false, delimiter: ";" }).rows).toEqual([
      { 0: 1, 1: 2 },
      { 0: 3, 1: 4 },
    ]);
    expect(parseCsv('a\tb\n"x\ty"\t2\n', { delimiter: "\t" }).rows).toEqual([{ a: "x\ty", b: 2 }]);
    expect(parseCsv("a]b\n1]2\n", { delimiter: "]" }).rows).toEqual([{ a: 1, b: 2 }]);
    expect(parseCsv("").rows).toEqual([]);
    expect(parseCsv('a\n""\n').rows).toEqual([{ a: null }]);
  });

  it("keeps a column named __proto__ as a plain field", () => {
    const row = parseCsv("__proto__,b\n1,2\n").rows[0];
    expect(Object.keys(row)).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it("reports malformed input with line numbers", () => {
    expect(() => parseCsv('a,b\n1,2\n"3,4\n')).toThrow(/line 3: unterminated/);
    expect(() => parseCsv("a,b\n1,2\n3\n")).toThrow(/line 3: 1 fields/);
    expect(() => parseCsv('a\nx"y\n')).toThrow(/line 2: a quote inside/);
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/line 2: characters after/);
    expect(() => parseCsv("a,a\n1,2\n")).toThrow(/duplicate column/);
    expect(codeOf(() => parseCsv("a\n1\n", { delimiter: '"' }))).toBe("E_INVALID_ARGUMENT");
  });

  it("bounds fields, records, columns and rows", () => {
    expect(codeOf(() => parseCsv(`a\n${"x".repeat(100)}\n`, { maxFieldChars: 50 }))).toBe(
      "E_LIMIT_EXCEEDED",
    );
    expect(codeOf(() => parseCsv(`a\n"${"x".repeat(100)}"\n`, { maxFieldChars: 50 }))).toBe(
      "E_LIMIT_EXCEEDED",
    );
    expect(codeOf(() => parseCsv(`${"a,".repeat(40)}a\n`, { maxColumns: 10 }))).toBe(
      "E_LIMIT_EXCEEDED",
    );
    expect(codeOf(() => parseCsv("a,b\n1,2\n", { maxRecordChars: 2 }))).toBe("E_LIMIT_EXCEEDED");
    expect(codeOf(() => parseCsv("a\n1\n2\n3\n", { maxRows: 2 }))).toBe("E_LIMIT_EXCEEDED");
  });

  it("round-trips any fields written as RFC 4180 (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((w) =>
          fc.array(
            fc.array(fc.string({ unit: fc.constantFrom("a", ",", '"', "\r\n", "\n", " ", "é") }), {
              minLength: w,
              maxLength: w,
            }),
            {
              minLength: 1,
              maxLength: 6,
            },
          ),
        ),
        fc.constantFrom("\r\n", "\n"),
        (records, eol) => {
          const back = parseCsvRecords(toCsv(records, eol)).map((r) => r.fields);
          expect(back).toEqual(records);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("throws only MlsecError on arbitrary text (fuzz)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "1", ",", '"', "\r", "\n", ";") }),
        (text) => {
          try {
            parseCsv(text);
          } catch (e) {
            expect(e).toBeInstanceOf(MlsecError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("reads files, naming the path in errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-csv-"));
    writeFileSync(join(dir, "ok.csv"), "x,y\r\n1,2\r\n");
    expect((await readCsv(join(dir, "ok.csv"))).rows).toEqual([{ x: 1, y: 2 }]);
    writeFileSync(join(dir, "bad.csv"), Uint8Array.from([0x61, 0x0a, 0xff, 0x0a]));
    await expect(readCsv(join(dir, "bad.csv"))).rejects.toThrow(/not UTF-8/);
    writeFileSync(join(dir, "short.csv"), "x,y\n1\n");
    await expect(readCsv(join(dir, "short.csv"))).rejects.toThrow(/short\.csv: CSV line 2/);
  });
});
