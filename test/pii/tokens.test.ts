import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_CAPS,
  CAPITALIZED,
  INITIAL,
  isAllCaps,
  isCapitalized,
  LOWERCASE,
  tokenize,
} from "../../src/pii/recognizers/tokens.js";

// The hand-written scanner must cut the same words as the Unicode regex it replaced, and give
// each the shape the string tests give it.

const WORD = /\p{L}[\p{L}\p{M}'’-]{0,39}/gu;

function reference(text: string) {
  const out: { start: number; end: number; word: string; dot: boolean }[] = [];
  for (const m of text.matchAll(WORD)) {
    let word = m[0];
    if (word.length > 2 && (word.endsWith("'s") || word.endsWith("’s"))) word = word.slice(0, -2);
    while (/['’-]$/.test(word)) word = word.slice(0, -1);
    const end = (m.index ?? 0) + word.length;
    out.push({ start: m.index ?? 0, end, word, dot: text[end] === "." });
  }
  return out;
}

function shapeOf(word: string): number {
  if (/^\p{Ll}/u.test(word)) return LOWERCASE;
  if (/^\p{Lu}$/u.test(word)) return INITIAL;
  if (isCapitalized(word)) return CAPITALIZED;
  return isAllCaps(word) ? ALL_CAPS : 0;
}

const text = fc.string({
  unit: fc.constantFrom(..."aBzZ'’-. \n,3éÉßÖΣσ日\u0301ǅ".split("")),
  maxLength: 60,
});

describe("tokenize", () => {
  it("cuts the words the Unicode regex cuts, with their shapes", () => {
    fc.assert(
      fc.property(text, (t) => {
        const got = tokenize(t).map((k) => ({
          start: k.start,
          end: k.end,
          word: k.word,
          dot: k.dot,
        }));
        expect(got).toEqual(reference(t));
        for (const k of tokenize(t)) {
          expect(k.shape).toBe(shapeOf(k.word));
          expect(k.lower).toBe(k.word.toLowerCase());
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("splits words longer than 40 units as the regex does", () => {
    const long = `${"a".repeat(95)} Bob`;
    expect(tokenize(long).map((k) => k.end - k.start)).toEqual([40, 40, 15, 3]);
  });
});
