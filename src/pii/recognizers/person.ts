// Person names without a statistical model: honorifics, introducing phrases ("my name is",
// "says"), first-name lists (stdlib/Moby) and capitalization; a common pattern-plus-gazetteer
// approach (cf. Presidio's context-aware enhancement), scored so context outranks a bare list hit.

import type { RawFinding, Recognizer } from "../types.js";
import { PLACES } from "./gazetteer.js";
import { firstNameSet } from "./names-data.js";
import {
  adjacent,
  COMMON_WORDS,
  FUNCTION_WORDS,
  isAllCaps,
  isCapitalized,
  MONTH_AND_DAY_WORDS,
  type Token,
  tokenize,
} from "./tokens.js";

const TITLES = new Set(
  "mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|madam|lady|lord|rev|reverend|fr|sr|sra|herr|frau|mme|mlle|monsieur|madame|señor|señora".split(
    "|",
  ),
);

/** Phrases (lower-case word sequences) after which a capitalized word is a name. */
const INTRODUCERS: readonly (readonly string[])[] = [
  ["my", "name", "is"],
  ["name", "is"],
  ["name"],
  ["names", "are"],
  ["i", "am"],
  ["i'm"],
  ["this", "is"],
  ["called"],
  ["calls", "me"],
  ["call", "me"],
  ["named"],
  ["says"],
  ["said"],
  ["asked"],
  ["told"],
  ["by"],
  ["starring"],
  ["dear"],
  ["hi"],
  ["hello"],
  ["hey"],
  ["thanks"],
  ["regards"],
  ["sincerely"],
  ["cc"],
  ["signed"],
  ["patient"],
  ["contact"],
  ["spoke", "with"],
  ["met", "with"],
  ["married"],
  ["son", "of"],
  ["daughter", "of"],
  ["wife"],
  ["husband"],
  ["player"],
  ["actor"],
  ["actress"],
  ["singer"],
  ["author"],
];

function precededBy(tokens: readonly Token[], i: number, phrase: readonly string[]): boolean {
  if (i < phrase.length) return false;
  for (let k = 0; k < phrase.length; k++) {
    if (tokens[i - phrase.length + k].lower !== phrase[k]) return false;
  }
  return true;
}

function nameWord(t: Token): boolean {
  return (
    (isCapitalized(t.word) || isAllCaps(t.word)) &&
    !FUNCTION_WORDS.has(t.lower) &&
    !MONTH_AND_DAY_WORDS.has(t.lower)
  );
}

const isInitial = (t: Token) => /^\p{Lu}$/u.test(t.word) && t.dot;

export const personRecognizer: Recognizer = {
  name: "person",
  entities: ["PERSON"],
  detect(text: string): RawFinding[] {
    const names = firstNameSet();
    const tokens = tokenize(text);
    const out: RawFinding[] = [];
    const context = ["name", "mr", "mrs", "ms", "dr", "called", "dear", "patient", "person"];
    let i = 0;
    while (i < tokens.length) {
      const t = tokens[i];
      if (!nameWord(t) || isAllCaps(t.word)) {
        i++;
        continue;
      }
      const prev = i > 0 ? tokens[i - 1] : undefined;
      const titled =
        prev !== undefined &&
        TITLES.has(prev.lower) &&
        (text.slice(prev.end, t.start) === " " || text.slice(prev.end, t.start) === ". ");
      const introduced = INTRODUCERS.some((p) => precededBy(tokens, i, p));
      const first = names.has(t.lower) && !COMMON_WORDS.has(t.lower);
      const place = PLACES.has(t.lower);
      if (!titled && !introduced && !first) {
        i++;
        continue;
      }
      if (!titled && (place || (COMMON_WORDS.has(t.lower) && !first))) {
        i++;
        continue;
      }
      // Extend over following name words and initials: "Vanessa P. Hertzog", "Hannah McConnan".
      let j = i;
      while (
        j + 1 < tokens.length &&
        j - i < 3 &&
        adjacent(text, tokens[j], tokens[j + 1]) &&
        (nameWord(tokens[j + 1]) || isInitial(tokens[j + 1])) &&
        !isAllCaps(tokens[j + 1].word) &&
        !PLACES.has(tokens[j + 1].lower)
      ) {
        j++;
      }
      // A trailing initial belongs to the next sentence ("… Smith. A new …").
      while (j > i && isInitial(tokens[j])) j--;
      const multi = j > i;
      let score = first ? (multi ? 0.75 : 0.6) : 0.5;
      if (introduced) score = Math.max(score, multi || first ? 0.85 : 0.7);
      if (titled) score = 0.9;
      out.push({
        type: "PERSON",
        start: t.start,
        end: tokens[j].end,
        score,
        recognizer: "person",
        context,
      });
      i = j + 1;
    }
    return out;
  },
};
