import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyze,
  codePointOffsets,
  DEFAULT_RECOGNIZERS,
  type RawFinding,
  resolveOverlaps,
} from "../../src/pii/index.js";
import { codePointLength } from "../../src/pii/offsets.js";
import { writtenDateValid } from "../../src/pii/recognizers/date-time.js";
import { digitAnchoredMatches } from "../../src/pii/recognizers/digit-runs.js";
import { asciiSet, longRuns, matches, matchesNotAfter } from "../../src/pii/recognizers/util.js";

// The anchored scans must find exactly what a plain scan with the same pattern finds: each
// helper is checked against the regex pass it replaces, on text built from the characters that
// keep partial matches alive.

const textOf = (chars: string, maxLength = 200) =>
  fc.string({ unit: fc.constantFrom(...chars.split("")), maxLength });

const spans = (it: Iterable<{ start: number; end: number }>) =>
  Array.from(it, ({ start, end }) => [start, end]);

describe("scan helpers agree with the regex pass they replace", () => {
  it("codePointOffsets and codePointLength count surrogate pairs as one code point", () => {
    fc.assert(
      fc.property(textOf("a😀é\ud83d\ude00\ud800\udc00x", 40), (text) => {
        const toCodePoint = codePointOffsets(text);
        let cp = 0;
        for (let i = 0; i <= text.length; i++) {
          const before = Array.from(text.slice(0, i)).length;
          // A low half maps to the code point of its high half.
          const pairEnd =
            i > 0 &&
            i < text.length &&
            /[\uD800-\uDBFF]/.test(text[i - 1]) &&
            /[\uDC00-\uDFFF]/.test(text[i]);
          expect(toCodePoint(i)).toBe(pairEnd ? before - 1 : before);
          cp = before;
        }
        expect(codePointLength(text)).toBe(cp);
      }),
    );
  });

  it("longRuns finds every maximal run at least minLength long", () => {
    const set = asciiSet(/[A-Za-z0-9/+]/);
    fc.assert(
      fc.property(textOf("aZ9/+ -=é_", 300), fc.integer({ min: 1, max: 12 }), (text, min) => {
        const expected = Array.from(
          text.matchAll(new RegExp(`[A-Za-z0-9/+]{${min},}`, "g")),
          (m) => [m.index, m.index + m[0].length],
        );
        expect(longRuns(text, set, min)).toEqual(expected);
      }),
    );
  });

  it("digitAnchoredMatches equals a global scan with the same pattern", () => {
    const source = "(?:[A-Z]\\d{3,6}|[A-Z]{2}\\d{5}|\\d{4}-\\d{2})(?![\\p{L}\\p{N}]|-\\d)";
    fc.assert(
      fc.property(textOf("AB1234-é x", 120), (text) => {
        const expected = spans(matches(new RegExp(source, "gu"), text, "-"));
        const scan = {
          re: new RegExp(source, "uy"),
          lead: 2,
          notAfter: "-",
          first: [3, 6] as const,
        };
        const actual = spans(digitAnchoredMatches(scan, text));
        expect(actual).toEqual(expected);
      }),
    );
  });

  it("matchesNotAfter equals a leading lookbehind", () => {
    const before = asciiSet(/[A-Z0-9]/);
    fc.assert(
      fc.property(textOf("AKIA2Z é", 80), (text) => {
        const expected = spans(matches(/(?<![A-Z0-9])AKIA[A-Z2-7]{2}/g, text));
        expect(spans(matchesNotAfter(/AKIA[A-Z2-7]{2}/g, text, before))).toEqual(expected);
      }),
    );
  });
});

/** The overlap resolution resolveOverlaps replaced: binary search and insertion into a sorted list. */
function resolveBySortedList(findings: readonly RawFinding[]): RawFinding[] {
  const order = [...findings].sort(
    (a, b) => b.score - a.score || b.end - b.start - (a.end - a.start),
  );
  const kept: RawFinding[] = [];
  for (const f of order) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid].end <= f.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo < kept.length && kept[lo].start < f.end) continue;
    kept.splice(lo, 0, f);
  }
  return kept;
}

describe("overlap resolution", () => {
  it("keeps what insertion into a sorted list keeps, empty findings included", () => {
    const raw = fc
      .tuple(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 70 }),
        fc.constantFrom(0.1, 0.4, 0.5, 0.9),
      )
      .map(([start, length, score]) => ({
        type: "URL" as const,
        start,
        end: start + (length > 40 ? 0 : length),
        score,
        recognizer: "test",
      }));
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 40 }), (findings) => {
        expect(resolveOverlaps(findings)).toEqual(resolveBySortedList(findings));
      }),
      { numRuns: 500 },
    );
  });

  it("resolves small clusters and large ones alike (up to 200 findings over 400 positions)", () => {
    const raw = fc
      .tuple(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom(0.4, 0.5, 0.9),
      )
      .map(([start, length, score]) => ({
        type: "URL" as const,
        start,
        end: start + (length > 25 ? 0 : length),
        score,
        recognizer: "test",
      }));
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 200 }), (findings) => {
        expect(resolveOverlaps(findings)).toEqual(resolveBySortedList(findings));
      }),
      { numRuns: 300 },
    );
  });
});

/** A recognizer's spans. */
function found(name: string, text: string): number[][] {
  const recognizer = DEFAULT_RECOGNIZERS.find((r) => r.name === name);
  if (recognizer === undefined) throw new Error(`no recognizer ${name}`);
  return recognizer
    .detect(text)
    .map((f) => [f.start, f.end])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe("recognizers with anchored scans agree with a plain scan", () => {
  it("written dates and weekdays", () => {
    const names = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    const months = "(?:jan|may|sept?)";
    const written = new RegExp(
      `(?:${names},? )?(?:${months}\\.? \\d{1,2}(?:st|th)?(?:,? \\d{4})?|\\d{1,2}(?:st|th)? (?:of )?${months}\\.?(?:,? \\d{4})?|${months} \\d{4})(?![\\p{L}\\p{N}])`,
      "giu",
    );
    const weekday = new RegExp(`${names}(?![\\p{L}\\p{N}])`, "giu");
    // Words with the spaces and commas of written dates, so that dates are common.
    const unit = fc.constantFrom(
      ..."may |Sept. |ſept |jan|monday, |Wednesday |friday,|day|of |1 |12th |2024|123 |, 2024| 2024|.|x|é|\n".split(
        "|",
      ),
    );
    const dateTime = DEFAULT_RECOGNIZERS.find((r) => r.name === "date-time");
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (parts) => {
        const text = parts.join("");
        const byScore = (score: number) =>
          (dateTime?.detect(text) ?? [])
            .filter((f) => f.score === score && /[a-zſ]/i.test(text.slice(f.start, f.end)))
            .map((f) => [f.start, f.end]);
        const valid = [...matches(written, text, "")].filter((m) => writtenDateValid(m.match[0]));
        expect(byScore(0.7)).toEqual(spans(valid));
        expect(byScore(0.6)).toEqual(spans(matches(weekday, text, "")));
      }),
      { numRuns: 500 },
    );
  });

  it("IPv6 candidates are found at every colon pair", () => {
    const text = "hosts fe80::1, 2001:db8::8a2e:370:7334 and a:b::1 x:2001:db8::1 10:30:00";
    expect(found("ip-address", text).map(([s, e]) => text.slice(s, e))).toEqual([
      "fe80::1",
      "2001:db8::8a2e:370:7334",
      "a:b::1",
    ]);
  });

  it("secrets and wallet addresses are whole tokens", () => {
    const token = `ghp_${"a1B2".repeat(9)}`;
    expect(found("secrets", `${token}/path`)).toEqual([[0, 40]]);
    expect(found("secrets", `x${token}`)).toEqual([]);
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    expect(found("secrets", `aws secret ${secret}`)).toEqual([[11, 51]]);
    expect(found("secrets", `aws secret ${secret}=`)).toEqual([]);
    const genesis = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
    expect(found("crypto", `btc ${genesis}.`)).toEqual([[4, 38]]);
    expect(found("crypto", `é${genesis}`)).toEqual([]);
    expect(found("crypto", `see bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4`)).toEqual([[4, 46]]);
  });

  it("scheme URLs start at their scheme", () => {
    expect(found("url", "see https://a.example/x, ftp://f.example and xhttp://no")).toEqual([
      [4, 23],
      [25, 40],
    ]);
  });
});

describe("phone candidates", () => {
  it("a long run of digits and separators costs linear work", () => {
    // Before the gap between digits could be read only one way, "1-1-1-…" backtracked 2^16
    // ways per start; this finished in a minute, it now takes milliseconds.
    expect(Array.isArray(analyze("1-".repeat(20_000)))).toBe(true);
    expect(found("phone", "call (202) 555-0143 or +44 (0) 20-7946 0958")).toEqual([
      [5, 19],
      [23, 43],
    ]);
  });
});
