// Person names without a statistical model: honorifics, introducing phrases ("my name is",
// "says"), name lists (stdlib/Moby first names, 1990 US Census first names and surnames), an
// English vocabulary (SCOWL) that tells proper nouns from capitalized common words, and the shape
// of names (initials, particles, lists of names). A pattern-plus-gazetteer approach (cf.
// Presidio's context-aware enhancement), scored so that context outranks a bare list hit.

import type { RawFinding, Recognizer } from "../types.js";
import { PLACES } from "./gazetteer.js";
import { NON_NAME_FOLLOWERS } from "./location.js";
import { englishWordSet, everydayWordSet, firstNameSet, surnameSet } from "./names-data.js";
import {
  adjacentWords,
  CAPITALIZED,
  COMMON_WORDS,
  FUNCTION_WORDS,
  INITIAL,
  LOWER_CASE_LINE,
  LOWERCASE,
  MONTH_AND_DAY_WORDS,
  scanWords,
  type Words,
} from "./tokens.js";
import { finding, isAsciiLetter } from "./util.js";
import { WordBits } from "./word-bits.js";

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

function precededBy(w: Words, i: number, phrase: readonly string[]): boolean {
  if (i < phrase.length) return false;
  for (let k = 0; k < phrase.length; k++) {
    if (w.lower(i - phrase.length + k) !== phrase[k]) return false;
  }
  return true;
}

/** The introducing phrase before word i, if any, in the same sentence. */
function introducerAt(w: Words, lex: Lexicon, i: number): readonly string[] | undefined {
  if (i === 0 || !(lex.kind(i - 1) & INTRODUCER_END)) return undefined;
  const a = i - 1;
  // "What's your name? Ann Lee" answers the question.
  const answer = gapIs(w, a, "? ") && w.lower(a) === "name";
  if (!gapIs(w, a, " ") && !gapIs(w, a, ", ") && !gapIs(w, a, ": ") && !answer) return undefined;
  return INTRODUCERS.find((p) => precededBy(w, i, p));
}

const introducedAt = (w: Words, lex: Lexicon, i: number) => introducerAt(w, lex, i) !== undefined;

/** Introducing phrases that name the next word outright ("my name is", "call me"). */
const NAMING_WORDS = new Set(["name", "am", "i'm", "me", "called", "named", "dear"]);

/** Prefixes after which a capital inside a name is usual: "McNeil", "DeLuca", "O'Neil". */
const NAME_PREFIXES = new Set([
  "mc",
  "mac",
  "de",
  "di",
  "da",
  "la",
  "le",
  "van",
  "von",
  "du",
  "fitz",
]);

/** "Math.pow", "Redis(": an identifier in code, a period and a letter or a parenthesis right after. */
function codeIdentifier(w: Words, i: number): boolean {
  const after = w.text.charCodeAt(w.ends[i]);
  return after === 40 || (after === 46 && isAsciiLetter(w.text.charCodeAt(w.ends[i] + 1)));
}

/** "JavaScript", "GitHub": a capital after a lower-case letter, not after a name prefix. */
function camelCase(w: Words, i: number): boolean {
  const text = w.text;
  const start = w.starts[i];
  for (let k = start + 2; k < w.ends[i]; k++) {
    const c = text.charCodeAt(k);
    const before = text.charCodeAt(k - 1);
    if (c >= 65 && c <= 90 && before >= 97 && before <= 122) {
      return !NAME_PREFIXES.has(text.slice(start, k).toLowerCase());
    }
  }
  return false;
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
/** Of those, the ones that seldom precede a person ("a letter from Ann Lee" is common). */
const PLACE_ONLY_WORDS = new Set(["in", "at", "near"]);

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

/** A function word, month or weekday: never a name. */
const STOP = 16;
/** One of the most common English words: as a first name it needs more evidence. */
const EVERYDAY = 32;
// Membership of the small lists above, so that every test of a word is one table lookup.
const TITLE = 1 << 6;
const INTRODUCER_END = 1 << 7;
const PARTICLE = 1 << 8;
const NON_NAME_FOLLOWER = 1 << 9;
const ORGANISATION_END = 1 << 10;
const DEMONYM = 1 << 11;
const LABEL = 1 << 12;
const COMMON = 1 << 13;
const LOCATIVE = 1 << 14;
const PLACE_ONLY = 1 << 15;
const PERSON_VERB = 1 << 16;
const ADVERB = 1 << 17;
const COPULA = 1 << 18;
const ARTICLE = 1 << 19;
const AFTER_VOCATIVE = 1 << 20;

let wordKinds: WordBits | undefined;

/** Every listed word → what the lists say about it: one lookup per word instead of five. */
function wordKindTable(): WordBits {
  if (wordKinds !== undefined) return wordKinds;
  const lists: [Iterable<string>, number][] = [
    [firstNameSet(), FIRST],
    [surnameSet(), SURNAME],
    [englishWordSet(), ENGLISH],
    [COMMON_WORDS, ENGLISH],
    [everydayWordSet(), EVERYDAY],
    [PLACES, PLACE],
    [FUNCTION_WORDS, STOP],
    [MONTH_AND_DAY_WORDS, STOP],
    [TITLES, TITLE],
    [INTRODUCER_LAST_WORDS, INTRODUCER_END],
    [PARTICLES, PARTICLE],
    [NON_NAME_FOLLOWERS, NON_NAME_FOLLOWER],
    [ORGANISATION_ENDINGS, ORGANISATION_END],
    [DEMONYMS, DEMONYM],
    [LABEL_WORDS, LABEL],
    [COMMON_WORDS, COMMON],
    [LOCATIVE_WORDS, LOCATIVE],
    [PLACE_ONLY_WORDS, PLACE_ONLY],
    [PERSON_VERBS, PERSON_VERB],
    [ADVERBS, ADVERB],
    [COPULAS, COPULA],
    [ARTICLES, ARTICLE],
    [AFTER_VOCATIVE_WORDS, AFTER_VOCATIVE],
  ];
  const table = WordBits.from(lists);
  // Common words that are also first names ("Will", "Grace") are no evidence of a name.
  for (const w of COMMON_WORDS) table.remove(w, FIRST);
  wordKinds = table;
  return table;
}

/** Kinds of the words of the last text, -1 where not looked up yet (reused from text to text). */
let kindCache = new Int32Array(1024);
/** Whether each word of the last text may start a name: 1 or 0, -1 where not decided yet. */
let candidateCache = new Int8Array(1024);

/** What the word lists say about each word of one text (looked up once per word). */
class Lexicon {
  readonly #table = wordKindTable();
  readonly #kinds: Int32Array;
  readonly #candidates: Int8Array;
  constructor(readonly words: Words) {
    if (kindCache.length < words.count) {
      kindCache = new Int32Array(words.count * 2);
      candidateCache = new Int8Array(words.count * 2);
    }
    kindCache.fill(-1, 0, words.count);
    candidateCache.fill(-1, 0, words.count);
    this.#kinds = kindCache;
    this.#candidates = candidateCache;
  }
  kind(i: number): number {
    let k = this.#kinds[i];
    if (k < 0) {
      k = this.#table.getSpan(this.words.text, this.words.starts[i], this.words.ends[i]);
      this.#kinds[i] = k;
    }
    return k;
  }
  /** A capitalized word that is no function word and not camelCase. */
  candidate(i: number): boolean {
    let c = this.#candidates[i];
    if (c < 0) {
      const w = this.words;
      c =
        (w.shapes[i] & CAPITALIZED) !== 0 &&
        (this.kind(i) & STOP) === 0 &&
        !camelCase(w, i) &&
        !codeIdentifier(w, i)
          ? 1
          : 0;
      this.#candidates[i] = c;
    }
    return c === 1;
  }
}

/** Not a word of everyday English nor a known place: a proper noun of some kind. */
const proper = (k: number) => (k & (ENGLISH | PLACE)) === 0;
/** Evidence that a word is a name rather than a common word. */
const namely = (k: number) => proper(k) || ((k & (FIRST | SURNAME)) !== 0 && (k & ENGLISH) === 0);

/** Whether word i opens a sentence (or a line, a quotation, a list item). */
function sentenceStart(w: Words, i: number): boolean {
  if (i === 0) return true;
  for (let k = w.ends[i - 1]; k < w.starts[i]; k++) {
    const c = w.text.charCodeAt(k);
    // . ! ? : ; newline " “ ( >
    if (c === 46 || c === 33 || c === 63 || c === 58 || c === 59 || c === 10) return true;
    if (c === 34 || c === 0x201c || c === 40 || c === 62) return true;
  }
  return false;
}

/** The text between words a and a + 1. */
/** Whether exactly `gap` separates words a and a + 1 (compared in place, no substring). */
function gapIs(w: Words, a: number, gap: string): boolean {
  return w.starts[a + 1] - w.ends[a] === gap.length && w.text.startsWith(gap, w.ends[a]);
}

interface NameRun {
  /** Last word of the name. */
  readonly last: number;
  /** How many name words (not initials or particles) it has. */
  readonly names: number;
  /** Kinds of its first and last name words. */
  readonly head: number;
  readonly tail: number;
  /** Every name word is `namely`. */
  readonly allNamely: boolean;
  readonly initialInside: boolean;
}

/** Extends a name from word i over name words, initials and particles: "Vanessa P. Hertzog". */
function nameRun(w: Words, i: number, lex: Lexicon): NameRun {
  const head = lex.kind(i);
  let names = 1;
  let tail = head;
  let allNamely = namely(head);
  let initialInside = false;
  let j = i;
  while (j + 1 < w.count && j - i < 4 && adjacentWords(w, j, j + 1)) {
    const next = j + 1;
    if (w.shapes[next] & LOWERCASE && lex.kind(next) & PARTICLE) {
      // One or two particles, then a capitalized word: "van Pas", "van de Noort".
      let after = j + 2;
      if (
        after < w.count &&
        w.shapes[after] & LOWERCASE &&
        lex.kind(after) & PARTICLE &&
        adjacentWords(w, next, after)
      ) {
        after++;
      }
      if (
        after >= w.count ||
        !adjacentWords(w, after - 1, after) ||
        !(w.shapes[after] & CAPITALIZED)
      ) {
        break;
      }
      j = after;
    } else if (w.shapes[next] & INITIAL) {
      j++;
      continue;
    } else {
      if (!lex.candidate(next)) break;
      const k = lex.kind(next);
      if (k & NON_NAME_FOLLOWER) break;
      if (k & PLACE && !(k & SURNAME)) break;
      if (w.shapes[j] === INITIAL) initialInside = true;
      j++;
    }
    names++;
    tail = lex.kind(j);
    allNamely &&= namely(tail);
  }
  // A trailing initial belongs to the next sentence ("… Smith. A new …").
  while (j > i && w.shapes[j] === INITIAL) j--;
  return { last: j, names, head, tail, allNamely, initialInside };
}

/**
 * A cheap test before `nameRun` and `scoreRun`: a lone everyday word with no title or
 * introducing phrase before it can not score.
 */
function mayBeName(w: Words, lex: Lexicon, i: number): boolean {
  const k = lex.kind(i);
  if (k & FIRST || namely(k)) return true;
  if (i > 0 && lex.kind(i - 1) & (TITLE | INTRODUCER_END)) return true;
  const next = i + 1;
  if (next >= w.count || !adjacentWords(w, i, next)) return false;
  if (w.shapes[next] & (CAPITALIZED | INITIAL)) return true;
  return (w.shapes[next] & LOWERCASE) !== 0 && (lex.kind(next) & PARTICLE) !== 0;
}

/** Verbs that say what something is or has; "X is a design agency" defines a thing. */
const COPULAS = new Set(["is", "was", "has", "had"]);
const ARTICLES = new Set(["a", "an", "the"]);

/** Adverbs that may stand between a name and its verb: "Ann just left". */
const ADVERBS = new Set(["just", "also", "never", "always", "still", "then", "really", "finally"]);

function nextIsPersonVerb(w: Words, lex: Lexicon, j: number): boolean {
  let v = j + 1;
  if (v < w.count && lex.kind(v) & ADVERB && gapIs(w, j, " ")) v++;
  if (v >= w.count || !(lex.kind(v) & PERSON_VERB)) return false;
  if (!gapIs(w, v - 1, " ") && !gapIs(w, v - 1, "'s ") && !gapIs(w, v - 1, "’s ")) return false;
  return !(lex.kind(v) & COPULA && v + 1 < w.count && lex.kind(v + 1) & ARTICLE);
}

/** Words that follow a name someone is addressed by: "Ann, can you …", "Ann, please …". */
const AFTER_VOCATIVE_WORDS = new Set(
  "can|could|would|will|please|do|did|are|have|i|you|we|thank|thanks".split("|"),
);

/** A name opening a sentence to address someone: "Kuba, can I speak to your manager?" */
function vocative(w: Words, lex: Lexicon, i: number): boolean {
  return (
    sentenceStart(w, i) &&
    i + 1 < w.count &&
    gapIs(w, i, ", ") &&
    (lex.kind(i + 1) & AFTER_VOCATIVE) !== 0
  );
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
function scoreRun(w: Words, i: number, run: NameRun, lex: Lexicon): number {
  const prev = i > 0 ? lex.kind(i - 1) : 0;
  const { head, tail } = run;
  const multi = run.names > 1;
  if (prev & TITLE) {
    if (gapIs(w, i - 1, " ") || gapIs(w, i - 1, ". ")) return 0.9;
  }
  const first = (head & FIRST) !== 0;
  const introducer = introducerAt(w, lex, i);
  if (introducer !== undefined) {
    if (multi || first) return 0.85;
    if (namely(head)) return 0.7;
    return NAMING_WORDS.has(introducer[introducer.length - 1]) ? 0.6 : 0;
  }
  if (head & PLACE && !(head & (FIRST | SURNAME))) return 0;
  const addressed =
    (prev & NON_NAME_FOLLOWER) !== 0 || inAddress(w.text, w.starts[i], w.ends[run.last]);
  const located = addressed || (prev & LOCATIVE) !== 0;
  if (multi) {
    const surnameLike = namely(tail);
    if (run.initialInside && (first || namely(head)) && surnameLike) return 0.85;
    if (first) {
      // "Many Thanks", "Long Term": an everyday word that is also a first name needs a surname.
      if (head & EVERYDAY && !(tail & SURNAME)) return 0;
      if (addressed || prev & PLACE_ONLY) return 0.45;
      return surnameLike ? 0.8 : 0.6;
    }
    if (run.allNamely) {
      if (located) return 0;
      return tail & SURNAME || nextIsPersonVerb(w, lex, run.last) ? 0.7 : 0.55;
    }
    return 0;
  }
  if (first && !(head & EVERYDAY)) return located ? 0.45 : 0.6;
  if (!namely(head) || located || head & DEMONYM) return 0;
  if (nextIsPersonVerb(w, lex, run.last) || vocative(w, lex, i)) return 0.55;
  // A lone surname inside a sentence: "the Jensen novel", "Becker and Vasquez".
  if (head & SURNAME && !sentenceStart(w, i)) return 0.45;
  return 0;
}

const CONTEXT = ["name", "mr", "mrs", "ms", "dr", "called", "dear", "patient", "person"];

export const personRecognizer: Recognizer = {
  name: "person",
  entities: ["PERSON"],
  detect(text: string): RawFinding[] {
    const w = scanWords(text);
    const lex = new Lexicon(w);
    const out: RawFinding[] = [];
    let i = 0;
    while (i < w.count) {
      if (!lex.candidate(i)) {
        i++;
        continue;
      }
      if (!mayBeName(w, lex, i)) {
        i++;
        continue;
      }
      const run = nameRun(w, i, lex);
      // "Russell Investments", "Rand Corporation": an organisation word right after ends it all.
      const after = run.last + 1;
      if (
        after < w.count &&
        adjacentWords(w, run.last, after) &&
        lex.kind(after) & NON_NAME_FOLLOWER
      ) {
        i = run.last + 2;
        continue;
      }
      const score = scoreRun(w, i, run, lex);
      if (score > 0) {
        out.push(
          finding("PERSON", w.starts[i], w.ends[run.last], score, "person", { context: CONTEXT }),
        );
      }
      i = run.last + 1;
    }
    const listed = nameLists(w, out, lex);
    const found = [...listed.kept, ...listed.added, ...speakerLabels(w, lex)];
    return [...found, ...lowerCaseNames(w, lex), ...propagate(w, lex, found)];
  },
};

/**
 * Lists of single capitalized words ("Kónya, Becker and Vasquez"): when one item is a name, the
 * others are too; when the list ends in a company word ("Orchestra", "LLP"), none is a person.
 */
function nameLists(
  w: Words,
  found: readonly RawFinding[],
  lex: Lexicon,
): { kept: RawFinding[]; added: RawFinding[] } {
  let findingsByStart: Map<number, RawFinding> | undefined; // made at the first list
  const dropped = new Set<RawFinding>();
  const added: RawFinding[] = [];
  let i = 0;
  while (i < w.count) {
    const items = lex.candidate(i) ? listAt(w, lex, i) : undefined;
    if (items === undefined) {
      i++;
      continue;
    }
    findingsByStart ??= new Map(found.map((f) => [f.start, f]));
    const byStart = findingsByStart;
    const lastItem = items[items.length - 1];
    const followed = lastItem + 1 < w.count && adjacentWords(w, lastItem, lastItem + 1);
    const company =
      followed && (lex.kind(lastItem + 1) & (NON_NAME_FOLLOWER | ORGANISATION_END)) !== 0;
    // Otherwise a capitalized word after the last item makes it a longer name, not a list.
    if (!company && followed && w.shapes[lastItem + 1] & CAPITALIZED) {
      i = lastItem + 1;
      continue;
    }
    const hits = items.filter((k) => byStart.has(w.starts[k]));
    if (company) {
      for (const k of hits) dropped.add(byStart.get(w.starts[k]) as RawFinding);
    } else if (hits.length > 0 || items.some((k) => lex.kind(k) & (FIRST | SURNAME))) {
      for (const k of items) {
        const kind = lex.kind(k);
        if (byStart.has(w.starts[k]) || !(namely(kind) || kind & SURNAME)) continue;
        added.push(finding("PERSON", w.starts[k], w.ends[k], 0.5, "person"));
      }
    }
    i = lastItem + 1;
  }
  return { kept: found.filter((f) => !dropped.has(f)), added };
}

/**
 * Word indices of a list "A, B and C" (or "A and B") of single capitalized words from candidate
 * i (up to eight before the "and"), or undefined.
 */
function listAt(w: Words, lex: Lexicon, i: number): number[] | undefined {
  let k = i;
  while (k - i < 7 && k + 1 < w.count && gapIs(w, k, ", ") && lex.candidate(k + 1)) k++;
  if (k + 2 >= w.count) return undefined;
  const joined =
    (gapIs(w, k, " ") || gapIs(w, k, ", ")) &&
    w.lower(k + 1) === "and" &&
    gapIs(w, k + 1, " ") &&
    lex.candidate(k + 2);
  if (!joined) return undefined;
  const items: number[] = [];
  for (let m = i; m <= k; m++) items.push(m);
  items.push(k + 2);
  return items;
}

/**
 * Names in lines written without capitals ("follow up with patricia desrosiers"): a first name
 * that is not an English word, then a surname or another word that is not English.
 */
function lowerCaseNames(w: Words, lex: Lexicon): RawFinding[] {
  const out: RawFinding[] = [];
  let i = 0;
  while (i < w.count) {
    if (!(w.shapes[i] & LOWER_CASE_LINE)) {
      i++;
      continue;
    }
    const lineEnd = w.text.indexOf("\n", w.starts[i]);
    let last = i;
    while (
      last + 1 < w.count &&
      w.shapes[last + 1] & LOWER_CASE_LINE &&
      (lineEnd < 0 || w.starts[last + 1] < lineEnd)
    ) {
      last++;
    }
    if (last > i) out.push(...namesInLowerLine(w, i, last, lex));
    i = last + 1;
  }
  return out;
}

function namesInLowerLine(w: Words, from: number, to: number, lex: Lexicon): RawFinding[] {
  const out: RawFinding[] = [];
  for (let i = from; i <= to; i++) {
    const introduced = introducedAt(w, lex, i);
    if (!introduced && !(lex.kind(i) & FIRST)) continue;
    const k = lex.kind(i);
    if (!(k & FIRST && !(k & ENGLISH)) && !(introduced && proper(k))) continue;
    let j = i;
    // "benjamin a seiler", "eric g. samoylova": an initial, then the surname.
    if (j + 2 <= to && w.ends[j + 1] - w.starts[j + 1] === 1 && adjacentWords(w, j, j + 1)) {
      if (adjacentWords(w, j + 1, j + 2) && namely(lex.kind(j + 2))) j += 2;
    } else if (j + 1 <= to && adjacentWords(w, j, j + 1)) {
      if (namely(lex.kind(j + 1))) j++;
    }
    if (j === i && !introduced && !nextIsPersonVerb(w, lex, i)) continue;
    out.push(
      finding("PERSON", w.starts[i], w.ends[j], introduced ? 0.85 : j > i ? 0.6 : 0.5, "person"),
    );
    i = j;
  }
  return out;
}

/** "Nicole: Remember me?" — a capitalized word opening a line and followed by a colon. */
function speakerLabels(w: Words, lex: Lexicon): RawFinding[] {
  const out: RawFinding[] = [];
  const text = w.text;
  for (let i = 0; i < w.count; i++) {
    if (text.charCodeAt(w.ends[i]) !== 58 || !(w.shapes[i] & CAPITALIZED)) continue;
    if (lex.kind(i) & (COMMON | LABEL | PLACE)) continue;
    const lineStart = text.lastIndexOf("\n", w.starts[i] - 1) + 1;
    if (text.slice(lineStart, w.starts[i]).trim() !== "") continue;
    out.push(finding("PERSON", w.starts[i], w.ends[i], 0.5, "person"));
  }
  return out;
}

/** Field labels that open lines in forms and transcripts but are not speakers. */
const LABEL_WORDS = new Set(
  "website|web|personal|info|information|answer|question|q|a|when|where|what|who|from|to|cc|bcc|subject|title|position|company|organization|office|mobile|fax|tel|home|work|billing|shipping|location|notes|comment|comments|summary|description|details|status|type|id|ref|total|price|amount|qty|item|items|warning|error|example|update|edit|source|translation|chorus|verse|bridge|intro|outro|narrator|usage|options|examples|installation|install|arguments|parameters|returns|output|input|syntax|defaults".split(
    "|",
  ),
);

/**
 * Document-level consistency: once a word is part of a name found with evidence, its other
 * capitalized occurrences in the same text are that person too ("… Bonifacy Kaczmarek … Kaczmarek").
 */
function propagate(w: Words, lex: Lexicon, found: readonly RawFinding[]): RawFinding[] {
  const known = new Set<string>();
  const strong = found.filter((f) => f.score >= 0.7).sort((a, b) => a.start - b.start);
  // `strong` and the words are both sorted by start: one merge pass.
  let k = 0;
  for (const f of strong) {
    while (k < w.count && w.starts[k] < f.start) k++;
    let last = k;
    while (last + 1 < w.count && w.ends[last + 1] <= f.end) last++;
    // A one-word name ("processed by Redis") is too weak to mark every other occurrence.
    if (last === k) continue;
    for (let j = k; j <= last; j++) {
      if (w.ends[j] - w.starts[j] > 2 && !(lex.kind(j) & (COMMON | EVERYDAY)))
        known.add(w.lower(j));
    }
  }
  if (known.size === 0) return [];
  const knownWords = WordBits.from([[known, 1]]);
  const out: RawFinding[] = [];
  for (let i = 0; i < w.count; i++) {
    if (w.shapes[i] & CAPITALIZED && knownWords.getSpan(w.text, w.starts[i], w.ends[i])) {
      out.push(finding("PERSON", w.starts[i], w.ends[i], 0.45, "person"));
    }
  }
  return out;
}
