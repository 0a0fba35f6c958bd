import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanWords } from "../../src/pii/recognizers/tokens.js";
import { spanInList, spanIs, WordBits } from "../../src/pii/recognizers/word-bits.js";

// Looking a span up in place must answer what lower-casing its slice and asking a Map answers.

const LISTED = ["ann", "lee", "o'neil", "müller", "straße", "i̇stanbul", "van", "x", "a-b"];
const entries = new Map(LISTED.map((w, i) => [w, 1 << i]));
const table = new WordBits(entries.size);
for (const [word, bits] of entries) table.add(word, bits);
const expected = (text: string, start: number, end: number) =>
  entries.get(text.slice(start, end).toLowerCase()) ?? 0;

describe("WordBits", () => {
  it("finds listed words in any case, and nothing else", () => {
    const text = "Ann LEE o'Neil MÜLLER İstanbul Annie An van-x";
    for (const [start, end] of [
      [0, 3],
      [4, 7],
      [8, 14],
      [15, 21],
      [22, 30],
      [31, 36],
      [37, 39],
      [40, 43],
    ]) {
      expect(table.getSpan(text, start, end)).toBe(expected(text, start, end));
    }
    expect(table.getSpan(text, 0, 3)).toBe(1);
    expect(table.getSpan(text, 15, 21)).toBe(1 << 3);
    expect(table.get("lee")).toBe(2);
    expect(table.get("Lee")).toBe(0);
    expect(new WordBits(0).getSpan("ann", 0, 3)).toBe(0);
  });

  it("sets and clears bits per word, and refuses more words than it was made for", () => {
    const small = new WordBits(2);
    small.add("ann", 1);
    small.add("ann", 4);
    small.add("lee", 2);
    small.remove("ann", 1);
    small.remove("bob", 1);
    expect([small.get("ann"), small.get("lee"), small.get("bob")]).toEqual([4, 2, 0]);
    const full = new WordBits(1);
    for (const w of ["a", "b", "c", "d", "e", "f", "g", "h"]) full.add(w, 1);
    expect(() => full.add("i", 1)).toThrow(RangeError);
  });

  it("agrees with lower-casing and a Map lookup on random spans", () => {
    const unit = fc.constantFrom(..."AaNnEeLlOo'’-İIıSsßẞXxüÜ 𝒜".split(""), "𝒜", "ﬁ");
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            unit,
            fc.constantFrom(...LISTED),
            fc.constantFrom(...LISTED.map((w) => w.toUpperCase())),
          ),
          { maxLength: 12 },
        ),
        fc.nat(),
        fc.nat(),
        (parts, a, b) => {
          const text = parts.join("");
          const start = a % (text.length + 1);
          const end = start + (b % (text.length - start + 1));
          expect(table.getSpan(text, start, end)).toBe(expected(text, start, end));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("finds a span in a list of lower-case words as lower-casing its slice would", () => {
    expect(spanInList("Dear Ann", 0, 4, ["hi", "dear"])).toBe(true);
    expect(spanInList("İ", 0, 1, ["i̇"])).toBe(true);
    expect(spanInList("DEAR", 0, 4, ["deal", "dea"])).toBe(false);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(..."DdEeAaRrİIıẞß𝒜 '".split(""), "𝒜"), { maxLength: 8 }),
        fc.subarray(["dear", "i̇", "ß", "ss", "", "da", "ı", "d'"]),
        (units, words) => {
          const text = units.join("");
          const expected = words.includes(text.toLowerCase());
          expect(spanInList(text, 0, text.length, words)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// The lookups read ASCII words by char code: they must answer as a lookup of the lower-cased
// string does, also for words whose lower case differs in length ("İ") or leaves ASCII by a
// different road (the Kelvin sign lower-cases to "k").

const WORD_LISTED = ["in", "from", "new york", "k", "kent", "straße", "zürich", "i̇n", "of"];
const FLAGS = new Map(WORD_LISTED.map((w, i) => [w, 1 << i]));
const wordTable = WordBits.from(WORD_LISTED.map((w, i) => [[w], 1 << i] as const));

const text = fc
  .array(
    fc.constantFrom(
      "In",
      "IN",
      "in",
      "İn",
      "ın",
      "From",
      "fROM",
      "Kent",
      "\u212Aent",
      "\u212A",
      "K",
      "Straße",
      "STRASSE",
      "Zürich",
      "ZÜRICH",
      "Of",
      "Off",
      "O",
      "Σ",
      "New",
    ),
    { maxLength: 12 },
  )
  .map((words) => words.join(" "));

describe("word lookups on the scanner's words", () => {
  it("give the flags the lower-cased word has in the list", () => {
    fc.assert(
      fc.property(text, (t) => {
        const w = scanWords(t);
        for (let i = 0; i < w.count; i++) {
          expect(wordTable.getSpan(t, w.starts[i], w.ends[i])).toBe(FLAGS.get(w.lower(i)) ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("compare a word with a list word as its lower case does", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...WORD_LISTED, "", "i", "kenT"), (t, word) => {
        const w = scanWords(t);
        for (let i = 0; i < w.count; i++) {
          expect(spanIs(t, w.starts[i], w.ends[i], word)).toBe(w.lower(i) === word);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("read an ASCII span in any case", () => {
    const t = "see KENT and Of";
    expect(wordTable.getSpan(t, 4, 8)).toBe(FLAGS.get("kent"));
    expect(wordTable.getSpan(t, 13, 15)).toBe(FLAGS.get("of"));
    expect(wordTable.getSpan(t, 9, 12)).toBe(0);
  });
});
