import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_CAPS,
  CAPITALIZED,
  INITIAL,
  LOWER_CASE_LINE,
  LOWERCASE,
  scanWords,
} from "../../src/pii/recognizers/tokens.js";

// The hand-written scanner must cut the same words as the Unicode regex it replaced, give each
// the shape the string tests give it, and skip only words far from any capital.

const WORD = /\p{L}[\p{L}\p{M}'’-]{0,39}/gu;

interface Ref {
  start: number;
  end: number;
  word: string;
  dot: boolean;
}

function reference(text: string): Ref[] {
  const out: Ref[] = [];
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
  // Title case (a capital first, some lower-case letter), else all capitals.
  if (word.length > 1 && /^\p{Lu}/u.test(word) && /\p{Ll}/u.test(word)) return CAPITALIZED;
  return word.length > 1 && /^[\p{Lu}'’-]+$/u.test(word) ? ALL_CAPS : 0;
}

/** Reference words the scan must keep: near a capital, or on a lower-case prose line. */
function required(text: string, ref: readonly Ref[]): Set<number> {
  const keep = new Set<number>();
  ref.forEach((r, i) => {
    if (!/^\p{Lu}/u.test(r.word)) return;
    keep.add(i);
    // Up to three words before it and four after it on the same line.
    for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
      if (text.slice(ref[k].end, r.start).includes("\n")) break;
      keep.add(k);
    }
    for (let k = i + 1; k <= Math.min(ref.length - 1, i + 4); k++) {
      if (text.slice(r.end, ref[k].start).includes("\n")) break;
      keep.add(k);
    }
  });
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const lineEnd = lineStart + line.length;
    if (!/\p{Lu}/u.test(line) && !/[{}()[\];=<>`$|\\/_*#@]/.test(line)) {
      ref.forEach((r, i) => {
        if (r.start >= lineStart && r.end <= lineEnd) keep.add(i);
      });
    }
    lineStart = lineEnd + 1;
  }
  return keep;
}

const text = fc.string({
  unit: fc.constantFrom(..."aaaaxyzzzBZ'’-. \n\n,3=(éÉßÖΣσ日\u0301ǅ".split("")),
  maxLength: 120,
});

describe("scanWords", () => {
  it("keeps reference words only, in order, with their shapes, and every word it must", () => {
    fc.assert(
      fc.property(text, (t) => {
        const ref = reference(t);
        const byStart = new Map(ref.map((r, i) => [r.start, i]));
        const w = scanWords(t);
        let previous = -1;
        const seen = new Set<number>();
        for (let i = 0; i < w.count; i++) {
          const k = byStart.get(w.starts[i]);
          expect(k).toBeDefined();
          const r = ref[k as number];
          expect(k as number).toBeGreaterThan(previous);
          previous = k as number;
          seen.add(k as number);
          expect(w.ends[i]).toBe(r.end);
          expect(w.word(i)).toBe(r.word);
          expect(w.lower(i)).toBe(r.word.toLowerCase());
          expect(w.dot(i)).toBe(r.dot);
          expect(w.shapes[i] & ~LOWER_CASE_LINE).toBe(shapeOf(r.word));
        }
        for (const k of required(t, ref)) expect(seen.has(k)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("flags the words of a line written without capitals", () => {
    const w = scanWords("Report\nplease call jane doe\nx = f(y)");
    const flagged = [];
    for (let i = 0; i < w.count; i++) if (w.shapes[i] & LOWER_CASE_LINE) flagged.push(w.word(i));
    expect(flagged).toEqual(["please", "call", "jane", "doe"]);
  });

  it("skips lower-case prose far from capitals", () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${"abcdefghij"[i % 10]}x`);
    const w = scanWords(`Alpha ${words.join(" ")}, (end) Omega`);
    expect(w.count).toBeLessThan(15);
  });

  it("splits words longer than 40 units as the regex does", () => {
    const w = scanWords(`Xa ${"a".repeat(95)} Bob`);
    const lengths = Array.from({ length: w.count }, (_, i) => w.ends[i] - w.starts[i]);
    expect(lengths).toEqual([2, 40, 40, 15, 3]);
  });
});
