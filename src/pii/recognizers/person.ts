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

/** The words introducing phrases end with: a cheap test before matching whole phrases. */
const INTRODUCER_LAST_WORDS: ReadonlySet<string> = new Set(INTRODUCERS.map((p) => p[p.length - 1]));

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
      const introduced =
        prev !== undefined &&
        INTRODUCER_LAST_WORDS.has(prev.lower) &&
        INTRODUCERS.some((p) => precededBy(tokens, i, p));
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
      // "Russell Investments", "Rand Corporation": an organisation word right after ends it all.
      const after = tokens[j + 1];
      if (
        !titled &&
        after !== undefined &&
        adjacent(text, tokens[j], after) &&
        NON_NAME_FOLLOWERS.has(after.lower) &&
        !introduced
      ) {
        i = j + 2;
        continue;
      }
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
    return [...out, ...speakerLabels(text, tokens), ...propagate(tokens, out)];
  },
};

/** "Nicole: Remember me?" — a capitalized word opening a line and followed by a colon. */
function speakerLabels(text: string, tokens: readonly Token[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const t of tokens) {
    if (text[t.end] !== ":" || !isCapitalized(t.word) || COMMON_WORDS.has(t.lower)) continue;
    if (LABEL_WORDS.has(t.lower) || PLACES.has(t.lower)) continue;
    const lineStart = text.lastIndexOf("\n", t.start - 1) + 1;
    if (text.slice(lineStart, t.start).trim() !== "") continue;
    out.push({ type: "PERSON", start: t.start, end: t.end, score: 0.5, recognizer: "person" });
  }
  return out;
}

/** Field labels that open lines in forms and transcripts but are not speakers. */
const LABEL_WORDS = new Set(
  "website|web|personal|info|information|answer|question|q|a|when|where|what|who|from|to|cc|bcc|subject|title|position|company|organization|office|mobile|fax|tel|home|work|billing|shipping|location|notes|comment|comments|summary|description|details|status|type|id|ref|total|price|amount|qty|item|items|warning|error|example|update|edit|source|translation|chorus|verse|bridge|intro|outro|narrator".split(
    "|",
  ),
);

/**
 * Document-level consistency: once a word is part of a name found with evidence, its other
 * capitalized occurrences in the same text are that person too ("… Bonifacy Kaczmarek … Kaczmarek").
 */
function propagate(tokens: readonly Token[], found: readonly RawFinding[]): RawFinding[] {
  const known = new Set<string>();
  // `found` and `tokens` are both sorted by start: one merge pass.
  let k = 0;
  for (const f of found) {
    if (f.score < 0.6) continue;
    while (k < tokens.length && tokens[k].start < f.start) k++;
    for (let j = k; j < tokens.length && tokens[j].end <= f.end; j++) {
      const t = tokens[j];
      if (t.word.length > 2 && !COMMON_WORDS.has(t.lower)) known.add(t.word);
    }
  }
  if (known.size === 0) return [];
  const out: RawFinding[] = [];
  for (const t of tokens) {
    if (known.has(t.word)) {
      out.push({ type: "PERSON", start: t.start, end: t.end, score: 0.45, recognizer: "person" });
    }
  }
  return out;
}
