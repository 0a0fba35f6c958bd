import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanWords } from "../../src/pii/recognizers/tokens.js";
import { WordFlags, wordIs } from "../../src/pii/recognizers/word-lookup.js";

// The lookups read ASCII words by char code: they must answer as a lookup of the lower-cased
// string does, also for words whose lower case differs in length ("İ") or leaves ASCII by a
// different road (the Kelvin sign lower-cases to "k").

const LISTED = ["in", "from", "new york", "k", "kent", "straße", "zürich", "i̇n", "of"];
const FLAGS = new Map(LISTED.map((w, i) => [w, 1 << i]));
const table = new WordFlags(FLAGS);

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

describe("word lookups", () => {
  it("give the flags the lower-cased word has in the list", () => {
    fc.assert(
      fc.property(text, (t) => {
        const w = scanWords(t);
        for (let i = 0; i < w.count; i++) {
          expect(table.of(w, i)).toBe(FLAGS.get(w.lower(i)) ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("compare a word with a list word as its lower case does", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...LISTED, "", "i", "kenT"), (t, word) => {
        const w = scanWords(t);
        for (let i = 0; i < w.count; i++) expect(wordIs(w, i, word)).toBe(w.lower(i) === word);
      }),
      { numRuns: 300 },
    );
  });

  it("read an ASCII span in any case", () => {
    const t = "see KENT and Of";
    expect(table.ofAscii(t, 4, 8)).toBe(FLAGS.get("kent"));
    expect(table.ofAscii(t, 13, 15)).toBe(FLAGS.get("of"));
    expect(table.ofAscii(t, 9, 12)).toBe(0);
  });
});
