// Person names without a statistical model: honorifics, introducing phrases ("my name is",
// "says"), first-name lists (stdlib/Moby) and capitalization; a common pattern-plus-gazetteer
// approach (cf. Presidio's context-aware enhancement), scored so context outranks a bare list hit.

import type { RawFinding, Recognizer } from "../types.js";
import { PLACES } from "./gazetteer.js";
import { NON_NAME_FOLLOWERS } from "./location.js";
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

/** Words after a capitalized pair that mark it as a person ("Tomomi Nishiyama lives at"). */
const PERSON_VERBS = new Set(
  "said|says|lives|lived|will|spent|was|is|had|has|wrote|told|explained|asked|joined|works|worked|died|born|from".split(
    "|",
  ),
);

/** Lower-case name particles inside a name: "Willemine ten Pas", "Ludwig van Beethoven". */
const PARTICLES = new Set(
  "van|von|der|den|ten|ter|de|du|da|di|del|della|dos|das|le|la|bin|ibn|al".split("|"),
);

const isInitial = (t: Token) => /^\p{Lu}$/u.test(t.word);

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
      // Two capitalized unknown words followed by a verb of people ("X Y lives at", "X Y said").
      const pairFollowedByVerb =
        i + 2 < tokens.length &&
        nameWord(tokens[i + 1]) &&
        !isAllCaps(tokens[i + 1].word) &&
        adjacent(text, t, tokens[i + 1]) &&
        !COMMON_WORDS.has(t.lower) &&
        !COMMON_WORDS.has(tokens[i + 1].lower) &&
        !NON_NAME_FOLLOWERS.has(tokens[i + 1].lower) &&
        !PLACES.has(t.lower) &&
        PERSON_VERBS.has(tokens[i + 2].lower) &&
        text.slice(tokens[i + 1].end, tokens[i + 2].start).trim() === "";
      if (!titled && !introduced && !first && !pairFollowedByVerb) {
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
        j + 2 < tokens.length &&
        PARTICLES.has(tokens[j + 1].lower) &&
        adjacent(text, tokens[j], tokens[j + 1]) &&
        adjacent(text, tokens[j + 1], tokens[j + 2]) &&
        isCapitalized(tokens[j + 2].word) &&
        j - i < 2
      ) {
        j += 2;
      }
      while (
        j + 1 < tokens.length &&
        j - i < 3 &&
        adjacent(text, tokens[j], tokens[j + 1]) &&
        (nameWord(tokens[j + 1]) || isInitial(tokens[j + 1])) &&
        (!isAllCaps(tokens[j + 1].word) || isInitial(tokens[j + 1])) &&
        !PLACES.has(tokens[j + 1].lower) &&
        !NON_NAME_FOLLOWERS.has(tokens[j + 1].lower)
      ) {
        j++;
      }
      // A trailing initial belongs to the next sentence ("… Smith. A new …").
      while (j > i && isInitial(tokens[j])) j--;
      const multi = j > i;
      let score = first ? (multi ? 0.75 : 0.6) : pairFollowedByVerb ? 0.55 : 0.5;
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
