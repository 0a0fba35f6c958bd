// Person names without a statistical model: honorifics, introducing phrases ("my name is",
// "says"), name lists (stdlib/Moby first names, 1990 US Census first names and surnames), an
// English vocabulary (SCOWL) that tells proper nouns from capitalized common words, and the shape
// of names (initials, particles, lists of names). A pattern-plus-gazetteer approach (cf.
// Presidio's context-aware enhancement), scored so that context outranks a bare list hit.

import type { RawFinding, Recognizer } from "../types.js";
import { PLACES } from "./gazetteer.js";
import { NON_NAME_FOLLOWERS } from "./location.js";
import { englishWordSet, firstNameSet, surnameSet } from "./names-data.js";
import {
  adjacent,
  CAPITALIZED,
  COMMON_WORDS,
  FUNCTION_WORDS,
  INITIAL,
  LOWERCASE,
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

/** Words after a name that mark it as a person ("Tomomi Nishiyama lives at", "Asya spent"). */
const PERSON_VERBS = new Set(
  "said|says|lives|lived|will|spent|was|is|had|has|wrote|told|explained|asked|joined|works|worked|died|born|listed|shouted|spoke|replied|added|called|married|sang|sings".split(
    "|",
  ),
);

/** Lower-case name particles inside a name: "Willemine ten Pas", "Ludwig van Beethoven". */
const PARTICLES = new Set(
  "van|von|der|den|ten|ter|de|du|da|di|del|della|dos|das|le|la|bin|ibn|al".split("|"),
);

/** Words before a capitalized word that make it a place or an organisation, not a person. */
const LOCATIVE_WORDS = new Set(["in", "at", "near", "from", "of"]);

/** Nationality adjectives, capitalized in English but not in its common-word lists. */
const DEMONYMS = new Set(
  "american|british|english|scottish|welsh|irish|canadian|australian|french|german|dutch|belgian|swiss|austrian|italian|spanish|portuguese|greek|turkish|russian|ukrainian|polish|czech|slovak|hungarian|romanian|bulgarian|serbian|croatian|slovenian|bosnian|albanian|danish|swedish|norwegian|finnish|icelandic|estonian|latvian|lithuanian|chinese|japanese|korean|vietnamese|thai|indian|pakistani|iranian|iraqi|israeli|arab|arabic|egyptian|moroccan|nigerian|kenyan|ethiopian|brazilian|mexican|argentine|argentinian|chilean|peruvian|colombian|venezuelan|cuban|european|african|asian|latin|hispanic|nordic|scandinavian|georgian|armenian|kazakh|uzbek|filipino|indonesian|malaysian".split(
    "|",
  ),
);

/** Words that make a list of capitalized words a company: "Smith, Jones and Brown LLP". */
const ORGANISATION_ENDINGS = new Set(["llp", "plc", "gmbh", "ag", "sa", "bv", "pty", "sons"]);

// What the word lists say about a word (bits).
const FIRST = 1;
const SURNAME = 2;
const ENGLISH = 4;
const PLACE = 8;

interface Lexicon {
  readonly first: ReadonlySet<string>;
  readonly surname: ReadonlySet<string>;
  readonly english: ReadonlySet<string>;
}

function lexicon(): Lexicon {
  return { first: firstNameSet(), surname: surnameSet(), english: englishWordSet() };
}

function kindOf(lex: Lexicon, lower: string): number {
  let k = 0;
  if (lex.first.has(lower) && !COMMON_WORDS.has(lower)) k |= FIRST;
  if (lex.surname.has(lower)) k |= SURNAME;
  if (lex.english.has(lower) || COMMON_WORDS.has(lower)) k |= ENGLISH;
  if (PLACES.has(lower)) k |= PLACE;
  return k;
}

/** Not a word of everyday English nor a known place: a proper noun of some kind. */
const proper = (k: number) => (k & (ENGLISH | PLACE)) === 0;
/** Evidence that a word is a name rather than a common word. */
const namely = (k: number) => proper(k) || ((k & (FIRST | SURNAME)) !== 0 && (k & ENGLISH) === 0);

function candidate(t: Token): boolean {
  return (
    (t.shape & CAPITALIZED) !== 0 &&
    !FUNCTION_WORDS.has(t.lower) &&
    !MONTH_AND_DAY_WORDS.has(t.lower)
  );
}

/** Whether token i opens a sentence (or a line, a quotation, a list item). */
function sentenceStart(text: string, tokens: readonly Token[], i: number): boolean {
  if (i === 0) return true;
  const from = tokens[i - 1].end;
  for (let k = from; k < tokens[i].start; k++) {
    const c = text.charCodeAt(k);
    // . ! ? : ; newline " “ ( >
    if (c === 46 || c === 33 || c === 63 || c === 58 || c === 59 || c === 10) return true;
    if (c === 34 || c === 0x201c || c === 40 || c === 62) return true;
  }
  return false;
}

interface NameRun {
  /** Last token of the name. */
  readonly last: number;
  /** Indices of the name words (not initials or particles). */
  readonly words: readonly number[];
  readonly initialInside: boolean;
}

/** Extends a name from token i over name words, initials and particles: "Vanessa P. Hertzog". */
function nameRun(text: string, tokens: readonly Token[], i: number, lex: Lexicon): NameRun {
  const words = [i];
  let initialInside = false;
  let j = i;
  while (j + 1 < tokens.length && j - i < 4 && adjacent(text, tokens[j], tokens[j + 1])) {
    const next = tokens[j + 1];
    if (PARTICLES.has(next.lower) && next.shape & LOWERCASE) {
      const after = tokens[j + 2];
      if (after === undefined || !adjacent(text, next, after) || !(after.shape & CAPITALIZED)) {
        break;
      }
      j += 2;
      words.push(j);
      continue;
    }
    if (next.shape & INITIAL) {
      j++;
      continue;
    }
    if (!candidate(next) || NON_NAME_FOLLOWERS.has(next.lower)) break;
    const k = kindOf(lex, next.lower);
    if (k & PLACE && !(k & SURNAME)) break;
    if (tokens[j].shape === INITIAL) initialInside = true;
    j++;
    words.push(j);
  }
  // A trailing initial belongs to the next sentence ("… Smith. A new …").
  while (j > i && tokens[j].shape === INITIAL) j--;
  return { last: j, words: words.filter((w) => w <= j), initialInside };
}

/** Verbs that say what something is or has; "X is a design agency" defines a thing. */
const COPULAS = new Set(["is", "was", "has", "had"]);
const ARTICLES = new Set(["a", "an", "the"]);

function nextIsPersonVerb(text: string, tokens: readonly Token[], j: number): boolean {
  const next = tokens[j + 1];
  if (next === undefined || !PERSON_VERBS.has(next.lower)) return false;
  const gap = text.slice(tokens[j].end, next.start);
  if (gap !== " " && gap !== "'s " && gap !== "’s ") return false;
  return !(COPULAS.has(next.lower) && ARTICLES.has(tokens[j + 2]?.lower ?? ""));
}

/**
 * Address context around a run: a number just before it ("Apt. 209 Montehermoso") or a region
 * code or postcode just after it ("St Georges, QC 54256") make it a town, not a person.
 */
function inAddress(text: string, start: number, end: number): boolean {
  let b = start - 1;
  while (b >= 0 && b > start - 4 && " ,\t\r\n".includes(text[b])) b--;
  if (b >= 0 && b < start - 1 && text.charCodeAt(b) >= 48 && text.charCodeAt(b) <= 57) return true;
  return POSTAL_TAIL.test(text.slice(end, end + 16));
}

// US/EU postcodes, a region code, a UK postcode ("NN16 0AB").
const POSTAL_TAIL =
  /^,? (?:\p{Lu}{2} )?\d{4,5}\b|^, \p{Lu}{2}\b|^,? [A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b/u;

/** The score a run of capitalized words earns as a person's name, or 0. */
function scoreRun(text: string, tokens: readonly Token[], i: number, run: NameRun, lex: Lexicon) {
  const prev = i > 0 ? tokens[i - 1] : undefined;
  const gapBefore = prev === undefined ? "" : text.slice(prev.end, tokens[i].start);
  const kinds = run.words.map((w) => kindOf(lex, tokens[w].lower));
  const head = kinds[0];
  const tail = kinds[kinds.length - 1];
  const multi = kinds.length > 1;
  if (prev !== undefined && TITLES.has(prev.lower) && (gapBefore === " " || gapBefore === ". ")) {
    return 0.9;
  }
  const introduced =
    prev !== undefined &&
    INTRODUCER_LAST_WORDS.has(prev.lower) &&
    INTRODUCERS.some((p) => precededBy(tokens, i, p));
  const first = (head & FIRST) !== 0;
  if (introduced) return multi || first ? 0.85 : 0.7;
  if (head & PLACE && !(head & (FIRST | SURNAME))) return 0;
  const located =
    (prev !== undefined &&
      (LOCATIVE_WORDS.has(prev.lower) || NON_NAME_FOLLOWERS.has(prev.lower))) ||
    inAddress(text, tokens[i].start, tokens[run.last].end);
  if (multi) {
    const surnameLike = namely(tail);
    if (run.initialInside && (first || namely(head)) && surnameLike) return 0.85;
    if (first) return located ? 0.45 : surnameLike ? 0.8 : 0.6;
    if (kinds.every(namely)) {
      if (located) return 0;
      return tail & SURNAME || nextIsPersonVerb(text, tokens, run.last) ? 0.7 : 0.55;
    }
    return 0;
  }
  if (first) return located ? 0.45 : 0.6;
  if (!namely(head) || located || DEMONYMS.has(tokens[i].lower)) return 0;
  if (nextIsPersonVerb(text, tokens, run.last)) return 0.55;
  // A lone surname inside a sentence: "the Jensen novel", "Becker and Vasquez".
  if (head & SURNAME && !sentenceStart(text, tokens, i)) return 0.45;
  return 0;
}

export const personRecognizer: Recognizer = {
  name: "person",
  entities: ["PERSON"],
  detect(text: string): RawFinding[] {
    const lex = lexicon();
    const tokens = tokenize(text);
    const out: RawFinding[] = [];
    const context = ["name", "mr", "mrs", "ms", "dr", "called", "dear", "patient", "person"];
    let i = 0;
    while (i < tokens.length) {
      if (!candidate(tokens[i])) {
        i++;
        continue;
      }
      const run = nameRun(text, tokens, i, lex);
      // "Russell Investments", "Rand Corporation": an organisation word right after ends it all.
      const after = tokens[run.last + 1];
      if (
        after !== undefined &&
        adjacent(text, tokens[run.last], after) &&
        NON_NAME_FOLLOWERS.has(after.lower)
      ) {
        i = run.last + 2;
        continue;
      }
      const score = scoreRun(text, tokens, i, run, lex);
      if (score > 0) {
        out.push({
          type: "PERSON",
          start: tokens[i].start,
          end: tokens[run.last].end,
          score,
          recognizer: "person",
          context,
        });
      }
      i = run.last + 1;
    }
    const listed = nameLists(text, tokens, out, lex);
    const found = [...listed.kept, ...listed.added, ...speakerLabels(text, tokens)];
    return [...found, ...lowerCaseNames(text, tokens, lex), ...propagate(tokens, found)];
  },
};

/**
 * Lists of single capitalized words ("Kónya, Becker and Vasquez"): when one item is a name, the
 * others are too; when the list ends in a company word ("Orchestra", "LLP"), none is a person.
 */
function nameLists(
  text: string,
  tokens: readonly Token[],
  found: readonly RawFinding[],
  lex: Lexicon,
): { kept: RawFinding[]; added: RawFinding[] } {
  const byStart = new Map(found.map((f) => [f.start, f]));
  const dropped = new Set<RawFinding>();
  const added: RawFinding[] = [];
  let i = 0;
  while (i < tokens.length) {
    const items = listAt(text, tokens, i);
    if (items.length < 2) {
      i++;
      continue;
    }
    const lastItem = tokens[items[items.length - 1]];
    const after = tokens[items[items.length - 1] + 1];
    const followed = after !== undefined && adjacent(text, lastItem, after);
    const company =
      followed && (NON_NAME_FOLLOWERS.has(after.lower) || ORGANISATION_ENDINGS.has(after.lower));
    // Otherwise a capitalized word after the last item makes it a longer name, not a list.
    if (!company && followed && after.shape & CAPITALIZED) {
      i = items[items.length - 1] + 1;
      continue;
    }
    const hits = items.filter((k) => byStart.has(tokens[k].start));
    if (company) {
      for (const k of hits) dropped.add(byStart.get(tokens[k].start) as RawFinding);
    } else if (
      hits.length > 0 ||
      items.some((k) => kindOf(lex, tokens[k].lower) & (FIRST | SURNAME))
    ) {
      for (const k of items) {
        if (byStart.has(tokens[k].start) || !namely(kindOf(lex, tokens[k].lower))) continue;
        const t = tokens[k];
        added.push({
          type: "PERSON",
          start: t.start,
          end: t.end,
          score: 0.5,
          recognizer: "person",
        });
      }
    }
    i = items[items.length - 1] + 1;
  }
  return { kept: found.filter((f) => !dropped.has(f)), added };
}

/** Token indices of a list "A, B and C" (or "A and B") of single capitalized words at i. */
function listAt(text: string, tokens: readonly Token[], i: number): number[] {
  if (!candidate(tokens[i])) return [];
  const items = [i];
  let k = i;
  while (
    items.length < 8 &&
    tokens[k + 1] !== undefined &&
    text.slice(tokens[k].end, tokens[k + 1].start) === ", " &&
    candidate(tokens[k + 1])
  ) {
    k++;
    items.push(k);
  }
  const gap = tokens[k + 1] === undefined ? "" : text.slice(tokens[k].end, tokens[k + 1].start);
  const conj = tokens[k + 1];
  const last = tokens[k + 2];
  const joined =
    (gap === " " || gap === ", ") &&
    conj?.lower === "and" &&
    last !== undefined &&
    text.slice(conj.end, last.start) === " " &&
    candidate(last);
  return joined ? [...items, k + 2] : [];
}

/**
 * Names in lines written without capitals ("follow up with patricia desrosiers"): a first name
 * that is not an English word, then a surname or another word that is not English.
 */
function lowerCaseNames(text: string, tokens: readonly Token[], lex: Lexicon): RawFinding[] {
  const out: RawFinding[] = [];
  let lineFirst = 0;
  while (lineFirst < tokens.length) {
    const lineEnd = text.indexOf("\n", tokens[lineFirst].start);
    let lineLast = lineFirst;
    let capitals = tokens[lineFirst].shape & ~LOWERCASE;
    while (lineLast + 1 < tokens.length && (lineEnd < 0 || tokens[lineLast + 1].start < lineEnd)) {
      lineLast++;
      capitals |= tokens[lineLast].shape & ~LOWERCASE;
    }
    if (!capitals && lineLast > lineFirst)
      out.push(...namesInLowerLine(text, tokens, lineFirst, lineLast, lex));
    lineFirst = lineLast + 1;
  }
  return out;
}

function namesInLowerLine(
  text: string,
  tokens: readonly Token[],
  from: number,
  to: number,
  lex: Lexicon,
): RawFinding[] {
  const out: RawFinding[] = [];
  for (let i = from; i <= to; i++) {
    const t = tokens[i];
    const k = kindOf(lex, t.lower);
    const introduced =
      INTRODUCER_LAST_WORDS.has(tokens[i - 1]?.lower ?? "") &&
      INTRODUCERS.some((p) => precededBy(tokens, i, p));
    if (!(k & FIRST && !(k & ENGLISH)) && !(introduced && proper(k))) continue;
    let j = i;
    // "benjamin a seiler", "eric g. samoylova": an initial, then the surname.
    if (
      j + 2 <= to &&
      tokens[j + 1].word.length === 1 &&
      adjacent(text, tokens[j], tokens[j + 1])
    ) {
      if (adjacent(text, tokens[j + 1], tokens[j + 2]) && namely(kindOf(lex, tokens[j + 2].lower)))
        j += 2;
    } else if (j + 1 <= to && adjacent(text, tokens[j], tokens[j + 1])) {
      if (namely(kindOf(lex, tokens[j + 1].lower))) j++;
    }
    if (j === i && !introduced && !nextIsPersonVerb(text, tokens, i)) continue;
    out.push({
      type: "PERSON",
      start: t.start,
      end: tokens[j].end,
      score: introduced ? 0.85 : j > i ? 0.6 : 0.5,
      recognizer: "person",
    });
    i = j;
  }
  return out;
}

/** "Nicole: Remember me?" — a capitalized word opening a line and followed by a colon. */
function speakerLabels(text: string, tokens: readonly Token[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const t of tokens) {
    if (text[t.end] !== ":" || !(t.shape & CAPITALIZED) || COMMON_WORDS.has(t.lower)) continue;
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
