import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import {
  columnsToTensor,
  columnToLabels,
  parseCsv,
  parseJsonl,
  streamJsonl,
} from "../../src/data/index.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlsecError);
    return (e as MlsecError).code;
  }
  return "none";
}

describe("parseJsonl", () => {
  it("reads one object per line, with CRLF, BOM and blank lines", () => {
    const text = '\uFEFF{"a": 1, "b": "x"}\r\n\n{"a": 2, "b": {"c": [1, 2]}}\n';
    expect(parseJsonl(text)).toEqual([
      { a: 1, b: "x" },
      { a: 2, b: { c: [1, 2] } },
    ]);
    expect(parseJsonl("")).toEqual([]);
  });

  it("names the line of a bad record", () => {
    expect(() => parseJsonl('{"a": 1}\n{"a": \n')).toThrow(/JSONL line 2/);
    expect(() => parseJsonl('{"a": 1}\n\n[1, 2]\n')).toThrow(/line 3 is not a JSON object/);
    expect(() => parseJsonl("null\n")).toThrow(/line 1 is not a JSON object/);
  });

  it("bounds line length, nesting depth and record count", () => {
    expect(codeOf(() => parseJsonl(`{"a": "${"x".repeat(200)}"}`, { maxLineChars: 100 }))).toBe(
      "E_LIMIT_EXCEEDED",
    );
    const deep = `{"a": ${"[".repeat(100)}${"]".repeat(100)}}`;
    expect(codeOf(() => parseJsonl(deep))).toBe("E_LIMIT_EXCEEDED");
    const hostile = `{"a": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    expect(codeOf(() => parseJsonl(hostile, { maxLineChars: 1 << 20 }))).toBe("E_LIMIT_EXCEEDED");
    // Brackets inside strings do not count as nesting.
    expect(parseJsonl(`{"a": "${"[".repeat(100)}\\""}`)).toHaveLength(1);
    expect(codeOf(() => parseJsonl("{}\n{}\n{}\n", { maxRows: 2 }))).toBe("E_LIMIT_EXCEEDED");
  });

  it("round-trips objects and throws only MlsecError on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), {
          maxLength: 5,
        }),
        (objs) => {
          const text = objs.map((o) => JSON.stringify(o)).join("\n");
          expect(parseJsonl(text)).toEqual(objs.map((o) => JSON.parse(JSON.stringify(o))));
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("{", "}", "[", "]", '"', ":", ",", "1", "\n", "\\") }),
        (t) => {
          try {
            parseJsonl(t);
          } catch (e) {
            expect(e).toBeInstanceOf(MlsecError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("columnsToTensor and columnToLabels", () => {
  const rows = parseCsv("f1,f2,label,kind\n0.5,1,2,cat\n-1,3e2,0,dog\n2,0,1,cat\n").rows;

  it("builds a float32 [N, F] tensor from chosen columns", () => {
    const x = columnsToTensor(rows, ["f2", "f1"]);
    expect(x.shape).toEqual([3, 2]);
    expect([...x.data]).toEqual([1, 0.5, 300, -1, 0, 2]);
  });

  it("uses integer label columns as they are and maps strings to sorted classes", () => {
    expect(columnToLabels(rows, "label")).toEqual({ y: Int32Array.from([2, 0, 1]), classes: [] });
    expect(columnToLabels(rows, "kind")).toEqual({
      y: Int32Array.from([0, 1, 0]),
      classes: ["cat", "dog"],
    });
  });

  it("gives typed errors for missing, non-numeric and non-finite values", () => {
    expect(codeOf(() => columnsToTensor(rows, ["nope"]))).toBe("E_DATA_MISSING_ARRAY");
    expect(codeOf(() => columnsToTensor(rows, ["kind"]))).toBe("E_DTYPE");
    expect(codeOf(() => columnsToTensor([{ a: 1e300 }], ["a"]))).toBe("E_NON_FINITE");
    expect(codeOf(() => columnsToTensor([{ a: null }], ["a"]))).toBe("E_DTYPE");
    expect(codeOf(() => columnsToTensor(rows, []))).toBe("E_INVALID_ARGUMENT");
    expect(codeOf(() => columnToLabels([{ y: 1.5 }], "y"))).toBe("E_DTYPE");
    expect(codeOf(() => columnToLabels([{ y: -1 }], "y"))).toBe("E_DTYPE");
    expect(codeOf(() => columnToLabels([{ y: "a" }, { y: null }], "y"))).toBe("E_DTYPE");
    expect(codeOf(() => columnToLabels([{ z: 1 }], "y"))).toBe("E_DATA_MISSING_ARRAY");
  });
});

describe("streamJsonl", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlsec-jsonl-"));
  async function collect(path: string, options = {}) {
    const out: { line: number; record: Record<string, unknown> }[] = [];
    for await (const r of streamJsonl(path, options)) out.push(r);
    return out;
  }

  it("yields the same records as parseJsonl, across chunk boundaries and multi-byte text", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      i % 500 === 7 ? "" : JSON.stringify({ i, t: "é€😀".repeat(i % 13), v: [i, { d: i % 3 }] }),
    );
    const text = `\uFEFF${lines.join("\r\n")}`;
    writeFileSync(join(dir, "big.jsonl"), text);
    const streamed = await collect(join(dir, "big.jsonl"));
    expect(streamed.map((r) => r.record)).toEqual(parseJsonl(text));
    expect(streamed[7].line).toBe(9); // line 8 is blank
  });

  it("gives typed errors with line numbers and bounds lines that never end", async () => {
    writeFileSync(join(dir, "bad.jsonl"), '{"a": 1}\n{"a": 2}\n{oops}\n{"a": 4}\n');
    await expect(collect(join(dir, "bad.jsonl"))).rejects.toThrow(/bad\.jsonl: JSONL line 3/);
    writeFileSync(join(dir, "long.jsonl"), `{"a": "${"x".repeat(300_000)}`);
    await expect(collect(join(dir, "long.jsonl"), { maxLineChars: 100_000 })).rejects.toThrow(
      /line 1 is longer than 100000/,
    );
    writeFileSync(join(dir, "latin1.jsonl"), Uint8Array.from([0x7b, 0x7d, 0x0a, 0xff, 0x0a]));
    await expect(collect(join(dir, "latin1.jsonl"))).rejects.toThrow(/not UTF-8/);
    await expect(collect(join(dir, "missing.jsonl"))).rejects.toMatchObject({
      code: "E_FILE_NOT_FOUND",
    });
    await expect(collect(join(dir, "big.jsonl"), { maxRows: 10 })).rejects.toMatchObject({
      code: "E_LIMIT_EXCEEDED",
    });
  });
});
