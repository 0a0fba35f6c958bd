import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { schemeUrls, wwwUrls } from "../../src/pii/recognizers/url.js";
import { codePointsAfter, urlCharsEnd } from "../../src/pii/recognizers/url-chars.js";
import { matches, trimTrailingPunctuation } from "../../src/pii/recognizers/util.js";

// URL tails are found by url-chars.ts instead of a regex class; the scans must find what the
// regexes they replace find.

const URL_CHAR = /[^\s<>"'`{}|\\^]/;

const spans = (it: Iterable<{ start: number; end: number }>) =>
  Array.from(it, ({ start, end }) => [start, end]);

const textOf = (atoms: string[], maxLength = 30) =>
  fc.array(fc.constantFrom(...atoms), { maxLength }).map((parts) => parts.join(""));

describe("URL character runs", () => {
  it("urlCharsEnd stops exactly where the regex class does, for every UTF-16 unit", () => {
    for (let c = 0; c < 0x10000; c++) {
      const unit = String.fromCharCode(c);
      expect(urlCharsEnd(`a${unit}`, 1)).toBe(URL_CHAR.test(unit) ? 2 : 1);
    }
  });

  it("codePointsAfter counts a surrogate pair as one code point", () => {
    expect(codePointsAfter("a😀b", 0, 4, 2)).toBe(3);
    expect(codePointsAfter("a😀b", 0, 4, 3)).toBe(4);
    expect(codePointsAfter("a😀b", 0, 4, 4)).toBe(-1);
    expect(codePointsAfter("\ud83d", 0, 1, 1)).toBe(1);
  });

  const atoms = [
    ...["http", "https", "ftp", "://", "www.", "WWW.", "x", "é", "😀", "\ud83d", " ", "\u00a0"],
    ...["/", ".", "@", "-", "<", "'", "a.b", "\n", "1"],
  ];

  it("scheme URLs: what the sticky regex with the tail class finds", () => {
    const scheme = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^]{1,2048}/iuy;
    fc.assert(
      fc.property(textOf(atoms), (text) => {
        const expected: number[][] = [];
        let lastEnd = 0;
        for (let sep = text.indexOf("://"); sep >= 0; sep = text.indexOf("://", sep + 1)) {
          for (const length of [5, 4, 3]) {
            const start = sep - length;
            if (start < lastEnd) continue;
            scheme.lastIndex = start;
            const m = scheme.exec(text);
            if (m === null) continue;
            lastEnd = start + m[0].length;
            expected.push([start, lastEnd]);
            break;
          }
        }
        expect(spans(schemeUrls(text))).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("www URLs: what a global scan with the lookbehind and tail class finds", () => {
    const www = /(?<![\p{L}\p{N}./@-])www\.[^\s<>"'`{}|\\^]{3,2048}/giu;
    fc.assert(
      fc.property(textOf(atoms), (text) => {
        expect(spans(wwwUrls(text))).toEqual(spans(matches(www, text)));
      }),
      { numRuns: 1000 },
    );
  });

  it("tails stop after 2048 code points", () => {
    const tail = "😀".repeat(1500) + "a".repeat(1000);
    const text = `see https://${tail} and www.${tail}`;
    const [scheme] = schemeUrls(text);
    expect(scheme.end - scheme.start).toBe("https://".length + 2 * 1500 + 548);
    const [w] = wwwUrls(text);
    expect(w.end - w.start).toBe("www.".length + 2 * 1500 + 548);
  });

  it("trimTrailingPunctuation keeps a closing bracket that closes one opened in the URL", () => {
    const bySplit = (text: string, start: number, end: number) => {
      let e = end;
      while (e > start && ".,;:!?'\"".includes(text[e - 1])) e--;
      while (e > start && ")]}".includes(text[e - 1])) {
        const open = { ")": "(", "]": "[", "}": "{" }[text[e - 1] as ")" | "]" | "}"];
        const body = text.slice(start, e - 1);
        if (body.split(open).length > body.split(text[e - 1]).length) break;
        e--;
        while (e > start && ".,;:!?'\"".includes(text[e - 1])) e--;
      }
      return e;
    };
    fc.assert(
      fc.property(textOf(["(", ")", "[", "]", "{", "}", ".", ",", "'", "a", "/"]), (text) => {
        expect(trimTrailingPunctuation(text, 1, text.length)).toBe(bySplit(text, 1, text.length));
      }),
      { numRuns: 1000 },
    );
  });
});
