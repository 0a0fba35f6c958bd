import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LINT_RULES,
  lintPaths,
  lintPython,
  lintToSarif,
  tokenizePython,
} from "../../src/lint/index.js";

const FIX = "test/lint/fixtures";

/** `EXPECT rule-a rule-b` comments in a fixture: line -> expected rule ids. */
function expectations(path: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const m = /EXPECT ([a-z- ]+)$/.exec(line);
      if (m) out.set(i + 1, m[1].trim().split(/\s+/));
    });
  return out;
}

function byLine(findings: readonly { line: number; ruleId: string }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const f of findings) out.set(f.line, [...(out.get(f.line) ?? []), f.ruleId].sort());
  return out;
}

describe("mlsec lint", () => {
  for (const file of ["train_unsafe.py", "serve_unsafe.mjs"]) {
    it(`finds exactly the marked unsafe patterns in ${file}`, async () => {
      const path = `${FIX}/unsafe/${file}`;
      const r = await lintPaths([path]);
      const want = new Map([...expectations(path)].map(([l, rules]) => [l, [...rules].sort()]));
      expect(byLine(r.findings)).toEqual(want);
    });
  }

  it("covers every rule in the unsafe fixtures", async () => {
    const r = await lintPaths([`${FIX}/unsafe`]);
    const seen = new Set(r.findings.map((f) => f.ruleId));
    for (const id of Object.keys(LINT_RULES)) expect(seen.has(id as never), id).toBe(true);
  });

  it("no false positives on clean, realistic scripts (strings and comments name the APIs)", async () => {
    const r = await lintPaths([`${FIX}/clean`]);
    expect(r.files).toBe(3);
    expect(r.findings).toEqual([]);
  });

  it("applies suppressions only with a reason and for the named rule", async () => {
    const r = await lintPaths([`${FIX}/unsafe/suppressed.py`]);
    expect(r.suppressed.map((s) => [s.line, s.ruleId])).toEqual([
      [5, "pickle-load"],
      [6, "torch-load"],
    ]);
    expect(r.suppressed[0].reason).toMatch(/own pipeline/);
    expect(byLine(r.findings)).toEqual(
      new Map([
        [7, ["pickle-load", "suppression-without-reason"]],
        [8, ["torch-load"]],
      ]),
    );
  });

  it("tokenizer: strings, prefixes, triple quotes and comments", () => {
    const t = tokenizePython(
      `x = rb'a\\'b' + f"{y}" # pickle.load(f)\ns = """\npickle.load(f)\n"""\n`,
    );
    expect(t.map((k) => k.kind)).toEqual([
      "name",
      "op",
      "string",
      "op",
      "string",
      "comment",
      "newline",
      "name",
      "op",
      "string",
      "newline",
    ]);
    expect(t[4].formatted).toBe(true);
    expect(t[9].line).toBe(2);
    expect(lintPython(`s = """\npickle.load(f)\n"""\n# torch.load(p)\n`, "a.py").findings).toEqual(
      [],
    );
  });

  it("SARIF 2.1.0 carries findings and in-source suppressions", async () => {
    const r = await lintPaths([`${FIX}/unsafe/suppressed.py`]);
    const sarif = lintToSarif(r, "0.1.0") as {
      version: string;
      runs: { results: { suppressions?: unknown[] }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(r.findings.length + r.suppressed.length);
    expect(sarif.runs[0].results.filter((x) => x.suppressions !== undefined)).toHaveLength(2);
  });

  it("skips hostile nesting instead of failing (Python: CPython's 200-bracket limit)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-lint-"));
    writeFileSync(join(dir, "deep.py"), `${"f(".repeat(5000)}${")".repeat(5000)}\n`);
    writeFileSync(join(dir, "deep.js"), `x = ${"[".repeat(100_000)}${"]".repeat(100_000)};\n`);
    writeFileSync(join(dir, "ok.py"), "import pickle\npickle.load(f)\n");
    const r = await lintPaths([dir]);
    expect(r.skipped.map((s) => s.path)).toContain(join(dir, "deep.py"));
    expect(r.findings.map((f) => f.ruleId)).toEqual(["pickle-load"]);
  });

  it("property: the tokenizer and Python rules accept any text without throwing", () => {
    const pyish = fc.array(
      fc.constantFrom(
        "pickle",
        ".",
        "load",
        "(",
        ")",
        "'",
        '"',
        '"""',
        "#",
        "\n",
        "=",
        "True",
        "torch",
        "\\",
        "f",
        "r",
        " ",
        ",",
        "x",
        "[",
        "]",
      ),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          pyish.map((a) => a.join("")),
        ),
        (src) => {
          const tokens = tokenizePython(src);
          for (const t of tokens) expect(t.line).toBeGreaterThanOrEqual(1);
          const r = lintPython(src, "x.py");
          expect(Array.isArray(r.findings)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: text inside a string literal or comment never fires", () => {
    const body = fc.constantFrom(
      "pickle.load(f)",
      "torch.load(p)",
      "eval(out)",
      "yaml.load(t)",
      "requests.get('http://x.com', verify=False)",
    );
    fc.assert(
      fc.property(body, fc.constantFrom("# ", "s = '''", 's = """'), (code, wrap) => {
        const src = `import pickle, torch, yaml, requests\n${wrap}${code}${wrap.startsWith("#") ? "" : wrap.slice(4)}\n`;
        expect(lintPython(src, "x.py").findings).toEqual([]);
      }),
    );
  });
});
