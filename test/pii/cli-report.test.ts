import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineEndAfter } from "../../src/cli/commands/pii.js";
import {
  FindingLog,
  type FindingSource,
  jsonReport,
  type ReportedFinding,
  textReport,
} from "../../src/cli/commands/pii-report.js";
import { table } from "../../src/cli/output.js";

const finding: fc.Arbitrary<ReportedFinding> = fc.record(
  {
    type: fc.constantFrom("PERSON", "URL", "EMAIL_ADDRESS", "IP_ADDRESS"),
    start: fc.nat(5_000_000_000),
    end: fc.nat(5_000_000_000),
    score: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.string({ unit: "binary" }),
    detail: fc.constantFrom("v4", "v6", 'a "quoted" \\ detail'),
  },
  { requiredKeys: ["type", "start", "end", "score"] },
);
const source: fc.Arbitrary<FindingSource> = fc.record(
  { record: fc.integer({ min: 1, max: 4 }), column: fc.constantFrom("name", 'we"ird', "") },
  { requiredKeys: ["record"] },
);
/** Findings in runs from one source, as `pii detect` adds them. */
const runs = fc.array(fc.tuple(source, fc.array(finding, { minLength: 1, maxLength: 4 })), {
  maxLength: 6,
});

function logOf(groups: [FindingSource, ReportedFinding[]][]): FindingLog {
  const log = new FindingLog({ withText: true });
  log.documents = groups.length;
  for (const [src, findings] of groups) for (const f of findings) log.add(src, f);
  return log;
}

/** The report as it was built before the log: one object per finding, one JSON.stringify. */
function expectedJson(groups: [FindingSource, ReportedFinding[]][]) {
  const results: { record: number; column?: string; findings: ReportedFinding[] }[] = [];
  const byType: Record<string, number> = {};
  for (const [src, findings] of groups) {
    const last = results[results.length - 1];
    if (last !== undefined && last.record === src.record && last.column === src.column) {
      last.findings.push(...findings);
    } else results.push({ ...src, findings: [...findings] });
    for (const f of findings) byType[f.type] = (byType[f.type] ?? 0) + 1;
  }
  const doc = {
    schemaVersion: 1,
    command: "pii detect",
    input: "in.txt",
    inputFormat: "text",
    offsets: "codepoint",
    documents: groups.length,
    summary: { findings: groups.reduce((n, [, f]) => n + f.length, 0), byType },
    results,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

describe("pii detect report", () => {
  const header = { input: "in.txt", inputFormat: "text", offsets: "codepoint" };

  it("prints the JSON that JSON.stringify prints for the whole document", () => {
    fc.assert(
      fc.property(runs, (groups) => {
        const printed = [...jsonReport(header, logOf(groups))].join("");
        expect(printed).toBe(expectedJson(groups));
      }),
      { numRuns: 300 },
    );
  });

  it("prints the findings table that output.table lays out for all rows at once", () => {
    fc.assert(
      fc.property(runs, (groups) => {
        const log = logOf(groups);
        const rows = [["record", "type", "start-end", "score", "text"]];
        for (const [src, findings] of groups) {
          const where =
            src.column === undefined ? String(src.record) : `${src.record}:${src.column}`;
          for (const f of findings) {
            rows.push([where, f.type, `${f.start}-${f.end}`, f.score.toFixed(2), f.text ?? ""]);
          }
        }
        const printed = [...textReport(log)].join("");
        const lines = printed.split("\n");
        const summary = lines[lines.length - 2];
        expect(summary).toMatch(new RegExp(`^${log.count} finding\\(s\\) in ${groups.length} `));
        const body = log.count === 0 ? "" : `${table(rows)}\n`;
        expect(printed).toBe(`${body}${summary}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it("prints a long report in pieces of bounded size", () => {
    const log = new FindingLog({ withText: true });
    for (let i = 0; i < 20_000; i++) {
      log.add({ record: 1 }, { type: "URL", start: i * 10, end: i * 10 + 5, score: 0.9 });
    }
    const parts = [...jsonReport(header, log)];
    expect(parts.length).toBeGreaterThan(10);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(70_000);
    expect(JSON.parse(parts.join("")).results[0].findings).toHaveLength(20_000);
  });
});

describe("pii detect's piece cutter", () => {
  it("finds the line end after an offset as indexOf on the joined parts does", () => {
    const part = fc.string({ unit: fc.constantFrom("a", "\n", "é", "😀"), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), fc.nat(60), (parts, from) => {
        const joined = parts.join("");
        const nl = joined.indexOf("\n", from);
        const cut = lineEndAfter(parts, from);
        if (nl < 0) {
          expect(cut).toBeUndefined();
        } else {
          expect(cut).toBeDefined();
          const [i, at] = cut as [number, number];
          expect(parts.slice(0, i).join("").length + at).toBe(nl + 1);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
