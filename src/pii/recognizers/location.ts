// Locations: street addresses (address.ts) and places named in text. A place's score comes from
// the evidence for it: the curated gazetteer (countries, US states, large cities) alone; a world
// town from GeoNames (places-data.ts) after a locative phrase ("in", "from", "lives in",
// "arrived at") or before a landmark noun ("bridge", "airport"); an unknown capitalized word only
// after a phrase that must name a place ("born in", "city of").

import type { RawFinding, Recognizer } from "../types.js";
import { findAddresses, PREFIXES, STREET_TRIGGER_WORDS } from "./address.js";
import { MAX_PLACE_WORDS, PLACE_PREFIXES, PLACES } from "./gazetteer.js";
import { englishWordSet, firstNameSet, surnameSet } from "./names-data.js";
import { worldTowns } from "./places-data.js";
import {
  ALL_CAPS,
  adjacentWords,
  CAPITALIZED,
  COMMON_WORDS,
  FUNCTION_WORDS,
  LOWERCASE,
  MONTH_AND_DAY_WORDS,
  scanWords,
  type Words,
} from "./tokens.js";
import { finding, isAsciiLetter } from "./util.js";
import { sameFolded, spanIs, WordBits } from "./word-bits.js";

/** Phrases after which a capitalized word is a place (the phrase's words, in order). */
const STRONG_LOCATIVES: readonly (readonly string[])[] = [
  ["city", "of"],
  ["town", "of"],
  ["village", "of"],
  ["arrived", "at"],
  ["arrived", "in"],
  ["moved", "to"],
  ["moved", "here", "from"],
  ["live", "in"],
  ["lives", "in"],
  ["living", "in"],
  ["born", "in"],
  ["based", "in"],
  ["located", "in"],
  ["resident", "of"],
  ["native", "of"],
  ["originally", "from"],
  ["grew", "up", "in"],
  ["travel", "to"],
  ["travelling", "to"],
  ["traveling", "to"],
  ["trip", "to"],
  ["flight", "to"],
  ["flew", "to"],
  ["headed", "to"],
  ["returned", "to"],
  ["went", "to"],
  ["moving", "to"],
  ["relocated", "to"],
  ["lived", "in"],
  ["stayed", "in"],
  ["staying", "in"],
  ["raised", "in"],
  ["headquartered", "in"],
  ["holiday", "in"],
  ["vacation", "in"],
  ["weather", "in"],
  ["citizen", "of"],
  ["capital", "of"],
  ["mayor", "of"],
  ["suburb", "of"],
  ["outskirts", "of"],
  ["north", "of"],
  ["south", "of"],
  ["east", "of"],
  ["west", "of"],
];
/** Prepositions that often, not always, introduce a place. */
const WEAK_LOCATIVES: ReadonlySet<string> = new Set([
  "in",
  "from",
  "near",
  "at",
  "to",
  "visit",
  "visiting",
  "around",
  "across",
  "outside",
  "throughout",
  "towards",
]);
/** The strong locatives by their last word. */
const STRONG_BY_LAST: ReadonlyMap<string, readonly (readonly string[])[]> = (() => {
  const byLast = new Map<string, (readonly string[])[]>();
  for (const p of STRONG_LOCATIVES) {
    const last = p[p.length - 1];
    byLast.set(last, [...(byLast.get(last) ?? []), p]);
  }
  return byLast;
})();
/** Nouns that make the capitalized word before them a place: "Montijo bridge". */
const LANDMARKS: ReadonlySet<string> = new Set(
  "bridge|airport|harbour|harbor|station|county|province|region|district|city|town|village|river|port|valley|bay".split(
    "|",
  ),
);
/** Curated places that are also everyday words: places only after a locative. */
const AMBIGUOUS_PLACES: ReadonlySet<string> = new Set([
  "nice",
  "chad",
  "jordan",
  "turkey",
  "cork",
  "bath",
  "reading",
  "mobile",
  "split",
  "georgia",
  "guinea",
  "niger",
  "cuba",
  "jersey",
  "guernsey",
  "korea",
]);

/**
 * Words that end a person's name when they follow it: common street types and prefixes (not the
 * rarer USPS suffixes, many of which are surnames: Brook, Mills, Fields), units, organisations.
 */
export const NON_NAME_FOLLOWERS: ReadonlySet<string> = new Set(
  `Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Crescent|Cres|Close|Grove|Gardens|Gdns|Mews|Row|Walk|Hill|Park|Trail|Trl|Pike|Alley|Plaza|Bridge|Pass|Creek|Lodge|Point|Pt|Crossing|Xing|Heights|Hts|tér|utca|út|kapu|View|Ridge|Loop|Path|Green|Common|Quay|Wharf|Rise|Vale|Port|Mall|Manor|Mount|Route|Rte|Estate|Junction|Landing|Meadow|Meadows|Station|Valley|Village|Well|Wells|Knoll|Harbor|Harbour|Haven|Fort|Falls|Ferry|Ford|Forge|Glen|Shoals|Springs|Spur|Summit|Track|Trace|Turnpike|Underpass|Union|Ville|Vista|${PREFIXES}|Apt|Suite|Unit|Inc|Ltd|LLC|Corp|Co|Orchestra|Band|Group|Company|Partners|Investments|Associates|Foundation|University|College|School|Hospital|Club|Bank|Street|Streets|Squares|Corporation|Incorporated|Solutions|Resources|Technologies|Systems|Services|Consulting|Holdings|Capital|Insurance|Labs|Media|Global|International|Enterprises|Industries|Software|Health|Healthcare|Analytics|Data|Energy|Motors|Airlines|Pharmaceuticals`
    .toLowerCase()
    .split("|"),
);

const TOWN_MIN_POPULATION = 1000;

/** What stands before a candidate: a phrase that names a place, a preposition, or nothing. */
type Evidence = "strong" | "in" | "from" | "near" | "weak" | "none";

function locativeBefore(w: Words, i: number): Evidence {
  if (i === 0) return "none";
  const prev = i - 1;
  const prevEnd = w.ends[prev];
  if (prevEnd - w.starts[prev] > 11 || (w.shapes[prev] & (CAPITALIZED | ALL_CAPS)) !== 0) {
    return "none";
  }
  const flags = WORD_FLAGS.getSpan(w.text, w.starts[prev], w.ends[prev]);
  if ((flags & (LOCATIVE_LAST | WEAK_LOCATIVE)) === 0) return "none";
  // The locative must be the word right before, on the same line.
  for (let k = prevEnd; k < w.starts[i]; k++) {
    const c = w.text.charCodeAt(k);
    if (c === 10 || c === 46 || c === 59 || c === 58 || c === 33 || c === 63) return "none";
  }
  const lower = w.lower(prev);
  if ((flags & LOCATIVE_LAST) !== 0) {
    for (const p of STRONG_BY_LAST.get(lower) ?? []) if (phraseEndsAt(w, prev, p)) return "strong";
  }
  if (lower === "in" || lower === "from" || lower === "near") return lower;
  return (flags & WEAK_LOCATIVE) !== 0 ? "weak" : "none";
}

/** Whether the words up to word `last` are `phrase`. */
function phraseEndsAt(w: Words, last: number, phrase: readonly string[]): boolean {
  const first = last + 1 - phrase.length;
  if (first < 0) return false;
  for (let k = 0; k < phrase.length; k++) {
    const j = first + k;
    if (!spanIs(w.text, w.starts[j], w.ends[j], phrase[k])) return false;
  }
  return true;
}

interface Lookup {
  has(phrase: string): boolean;
  /** The phrase can still grow into a longer name. */
  extendable(phrase: string): boolean;
  readonly maxWords: number;
}

const CURATED: Lookup = {
  has: (p) => PLACES.has(p),
  extendable: (p) => PLACE_PREFIXES.has(p),
  maxWords: MAX_PLACE_WORDS,
};

let townLookup: Lookup | undefined;
function towns(): Lookup {
  if (townLookup === undefined) {
    const { population, prefixes, maxWords } = worldTowns();
    townLookup = {
      has: (p) => (population.get(p) ?? -1) >= TOWN_MIN_POPULATION,
      extendable: (p) => prefixes.has(p),
      maxWords,
    };
  }
  return townLookup;
}

/** The longest phrase from word i that `lookup` knows, as the index of its last word, or -1. */
function longestPhrase(w: Words, i: number, lookup: Lookup): number {
  let matched = -1;
  let phrase = w.lower(i);
  for (let j = i; j < w.count && j - i < lookup.maxWords; j++) {
    if (j > i) {
      if (!adjacentWords(w, j - 1, j)) break;
      phrase += ` ${w.lower(j)}`;
    }
    if (lookup.has(phrase)) matched = j;
    if (!lookup.extendable(phrase)) break;
  }
  return matched;
}

/** Words that end organisation names: "stillwater supercomputing inc." is no town. */
const ORGANISATION_WORDS: ReadonlySet<string> = new Set(
  "inc|llc|ltd|corp|co|company|group|gmbh|plc|technologies|solutions|systems|labs|research".split(
    "|",
  ),
);

function organisationAfter(w: Words, last: number): boolean {
  for (let k = last + 1; k < w.count && k <= last + 2; k++) {
    if (ORGANISATION_WORDS.has(w.lower(k))) return true;
  }
  return false;
}

/**
 * "Springfield, Illinois": a run of up to three capitalized words from word i followed by a
 * comma and a country or US state. Returns the run's last word, or -1.
 */
function regionAfter(w: Words, i: number): number {
  let last = i;
  while (last - i < 2 && nextCapitalized(w, last)) last++;
  const end = w.ends[last];
  const text = w.text;
  if (last + 1 >= w.count || text.charCodeAt(end) !== 44) return -1;
  if (text.charCodeAt(end + 1) !== 32 || w.starts[last + 1] !== end + 2) return -1;
  if ((w.shapes[last + 1] & (CAPITALIZED | ALL_CAPS)) === 0) return -1;
  return longestPhrase(w, last + 1, CURATED) >= 0 ? last : -1;
}

// Generic parts of English place names (Wikipedia, "List of generic forms in place names"):
// "Lake Placid", "Port Moresby", "Fort Worth", "Jacksonville", "Pittsburgh", "Greenport".
const TOPONYM_HEADS: ReadonlySet<string> = new Set(
  "lake|port|mount|fort|new|north|south|east|west|san|santa|saint|st".split("|"),
);
const TOPONYM_ENDINGS =
  "ville|burgh|borough|bury|chester|caster|shire|haven|mouth|stad|furt|town|port|berg|land|ton|ford|field|side|view|fort|dale|wick|worth|thorpe";
/** The endings by their last two letters: a word is tested only against endings it could have. */
const TOPONYM_TAILS: ReadonlyMap<string, readonly string[]> = (() => {
  const tails = new Map<string, string[]>();
  for (const e of TOPONYM_ENDINGS.split("|")) {
    const tail = e.slice(-2);
    tails.set(tail, [...(tails.get(tail) ?? []), e]);
  }
  return tails;
})();

/** The endings by `tailKey` of their last two letters. */
const ENDINGS_BY_TAIL: ReadonlyMap<number, readonly string[]> = new Map(
  [...TOPONYM_TAILS].map(([t, endings]) => [tailKey(t.charCodeAt(0), t.charCodeAt(1)), endings]),
);
/** Two ASCII units, upper case folded, as one number. */
function tailKey(a: number, b: number): number {
  return ((a >= 65 && a <= 90 ? a | 32 : a) << 7) | (b >= 65 && b <= 90 ? b | 32 : b);
}

/**
 * `toponymEndingOf` word i, read by char code when it is ASCII (its lower case is then folded).
 * Two ASCII units at the end are those of the lower-case word, whatever comes before them.
 */
function toponymEnding(w: Words, i: number): boolean {
  const text = w.text;
  const start = w.starts[i];
  const end = w.ends[i];
  const a = text.charCodeAt(end - 2);
  const b = text.charCodeAt(end - 1);
  if (end - start < 2 || a >= 128 || b >= 128) return toponymEndingOf(w.lower(i));
  const endings = ENDINGS_BY_TAIL.get(tailKey(a, b));
  if (endings === undefined) return false;
  for (let k = start; k < end - 2; k++) {
    if (text.charCodeAt(k) >= 128) return toponymEndingOf(w.lower(i));
  }
  const letter = (k: number) => isAsciiLetter(text.charCodeAt(k));
  for (const e of endings) {
    const at = end - e.length;
    if (at - 3 < start || !sameFolded(text, at, e)) continue;
    if (letter(at - 3) && letter(at - 2) && letter(at - 1)) {
      return true;
    }
  }
  return false;
}

/** "Marysville": a generic place-name ending after at least three lower-case letters. */
function toponymEndingOf(lower: string): boolean {
  const endings = TOPONYM_TAILS.get(lower.slice(-2));
  if (endings === undefined) return false;
  for (const e of endings) {
    if (lower.endsWith(e) && /^\p{Ll}{3}$/u.test(lower.slice(-e.length - 3, -e.length)))
      return true;
  }
  return false;
}

// What the word lists say about a word, in one lookup per capitalized word (bits).
const CURATED_START = 1; // a curated place, or the first words of one
const FUNCTION = 2; // a function word, month or weekday
const TOPONYM_HEAD = 4;
const STREET_TRIGGER = 8;
const LOCATIVE_LAST = 16; // the last word of a strong locative
const WEAK_LOCATIVE = 32;
const LANDMARK = 64;
const WORD_FLAGS = WordBits.from([
  [PLACES, CURATED_START],
  [PLACE_PREFIXES, CURATED_START],
  [FUNCTION_WORDS, FUNCTION],
  [MONTH_AND_DAY_WORDS, FUNCTION],
  [TOPONYM_HEADS, TOPONYM_HEAD],
  [STREET_TRIGGER_WORDS, STREET_TRIGGER],
  [STRONG_BY_LAST.keys(), LOCATIVE_LAST],
  [WEAK_LOCATIVES, WEAK_LOCATIVE],
  [LANDMARKS, LANDMARK],
]);

/** A Title-case word that is no English word (nor a listed common word). */
function properWord(w: Words, i: number): boolean {
  return (
    (w.shapes[i] & CAPITALIZED) !== 0 &&
    TITLE_CASE.test(w.word(i)) &&
    !englishWordSet().has(w.lower(i)) &&
    !COMMON_WORDS.has(w.lower(i))
  );
}

/**
 * A place name by its form: a generic head and a proper word ("Lake Tekapo"), or one proper
 * word with a place-name ending that is not a surname ("Marysville"). Last word, or -1.
 */
function toponymAt(w: Words, i: number, flags: number): number {
  const head = (flags & TOPONYM_HEAD) !== 0;
  if (head && nextCapitalized(w, i) && properWord(w, i + 1)) {
    return i + 1;
  }
  if (!toponymEnding(w, i)) return -1;
  const lower = w.lower(i);
  if (!properWord(w, i) || nextCapitalized(w, i)) return -1;
  return surnameSet().has(lower) || firstNameSet().has(lower) ? -1 : i;
}

/** Word j is followed by a capitalized word: "Sofia Lima", "Hawkins, Richardson" is not. */
function nextCapitalized(w: Words, j: number): boolean {
  return j + 1 < w.count && (w.shapes[j + 1] & CAPITALIZED) !== 0 && adjacentWords(w, j, j + 1);
}

/** "Sofia Lima", "Georgia Smith": a first name and another capitalized word make a person. */
function personLike(w: Words, i: number, last: number): boolean {
  const names = firstNameSet();
  if (last === i && names.has(w.lower(i)) && nextCapitalized(w, i)) return true;
  if (i === 0 || (w.shapes[i - 1] & CAPITALIZED) === 0) return false;
  const before = w.lower(i - 1);
  return adjacentWords(w, i - 1, i) && names.has(before) && !COMMON_WORDS.has(before);
}

const PLACE_CONTEXT = ["in", "from", "city", "country", "town", "live", "address"];

function place(text: string, start: number, end: number, score: number): RawFinding {
  // An unknown word after "in" was found through that very word: no second boost for it.
  const context = score === UNKNOWN_AFTER_PREPOSITION ? undefined : PLACE_CONTEXT;
  return finding("LOCATION", start, withQualifier(text, end), score, "location", { context });
}

/** "Cyprus (Greek)": a one-word qualifier in brackets belongs to the place. */
function withQualifier(text: string, end: number): number {
  if (text.charCodeAt(end) !== 32 || text.charCodeAt(end + 1) !== 40) return end;
  const m = /^ \(\p{L}{1,20}\)/u.exec(text.slice(end, end + 24));
  return m === null ? end : end + m[0].length;
}

interface PlaceScan {
  readonly places: RawFinding[];
  /** Offsets of street-type words: triggers for the address patterns. */
  readonly streetWords: number[];
}

/**
 * The place that starts at word i, as [last word, score], or undefined. `anyCase`: the text has
 * no capitals, so every word is a candidate and a locative is always needed.
 */
function placeAt(
  w: Words,
  i: number,
  anyCase: boolean,
  flags: number,
): [number, number] | undefined {
  const curated = (flags & CURATED_START) !== 0 ? longestPhrase(w, i, CURATED) : -1;
  if (curated >= 0) {
    const needsLocative =
      anyCase || (curated === i && AMBIGUOUS_PLACES.has(w.lower(i))) || personLike(w, i, curated);
    if (needsLocative && locativeBefore(w, i) === "none") return [curated, 0];
    return [curated, 0.75];
  }
  if ((flags & FUNCTION) !== 0) return undefined;
  const locative = locativeBefore(w, i);
  const landmark =
    locative === "none" &&
    !anyCase &&
    !(i > 0 && (w.shapes[i - 1] & CAPITALIZED) !== 0 && adjacentWords(w, i - 1, i)) &&
    i + 1 < w.count &&
    (w.shapes[i + 1] & LOWERCASE) !== 0 &&
    adjacentWords(w, i, i + 1) &&
    (WORD_FLAGS.getSpan(w.text, w.starts[i + 1], w.ends[i + 1]) & LANDMARK) !== 0;
  const region = locative === "none" && !landmark ? regionAfter(w, i) : -1;
  if (locative === "none" && !landmark && region < 0) {
    // A place name by its form alone: "Lake Tekapo", "Marysville" (see toponymAt).
    const toponym = anyCase ? -1 : toponymAt(w, i, flags);
    return toponym >= 0 ? [toponym, 0.5] : undefined;
  }
  const lower = w.lower(i);
  const town = longestPhrase(w, i, towns());
  if (town >= 0 && (anyCase || town > i || !nextCapitalized(w, i)) && !organisationAfter(w, town)) {
    // One-word towns that are also words ("Reading") need a strong locative; so do towns that
    // are also names ("Jones") unless "in" or "near" comes before: "from Jones" is a person.
    const namelike =
      locative !== "in" &&
      locative !== "near" &&
      (surnameSet().has(lower) || firstNameSet().has(lower));
    const ambiguous =
      town === i && (englishWordSet().has(lower) || COMMON_WORDS.has(lower) || namelike);
    const weak = locative !== "strong" && !landmark && region !== town;
    if ((!ambiguous || !weak) && !(weak && codeLike(w.text, w.starts[i], w.ends[town]))) {
      return [town, locative === "strong" || region === town ? 0.75 : 0.55];
    }
  }
  if (anyCase) {
    // Lower-case text: after "born in", "moved to"… a word that is no English word is a name.
    const word = locative === "strong" && lower.length > 3 && !englishWordSet().has(lower);
    return word && !COMMON_WORDS.has(lower) && !FUNCTION_WORDS.has(lower) ? [i, 0.5] : undefined;
  }
  if (region >= 0 && unknownName(w, i, region)) return [region, 0.5];
  if (locative !== "none") {
    const toponym = toponymAt(w, i, flags);
    if (toponym >= 0) return [toponym, 0.55];
  }
  if (locative === "strong" && !COMMON_WORDS.has(lower)) {
    let j = i;
    while (j - i < 2 && nextCapitalized(w, j) && !COMMON_WORDS.has(w.lower(j + 1))) {
      j++;
    }
    // "visit Anna": one word that is a first name is more likely a person.
    if (j === i && firstNameSet().has(lower)) return undefined;
    return [j, 0.5];
  }
  // "X is from Y" often names an employer, not a town: unknown names need a plainer "from".
  const affiliation = locative === "from" && i > 1 && AFFILIATION_VERBS.has(w.lower(i - 2));
  if ((locative === "in" || locative === "from" || locative === "near") && !affiliation) {
    // Up to two unknown words: "in Vahastu", "from Kõrve Küla".
    const last = nextCapitalized(w, i) && !nextCapitalized(w, i + 1) ? i + 1 : i;
    if (unknownName(w, i, last)) return [last, UNKNOWN_AFTER_PREPOSITION];
  }
  return undefined;
}

const AFFILIATION_VERBS: ReadonlySet<string> = new Set(["is", "are", "am", "was", "were"]);
/** A word written as code or a link: "`Redis`", "[Vite](…)", "TensorFlow.js". */
function codeLike(text: string, start: number, end: number): boolean {
  const before = text.charCodeAt(start - 1);
  if (before === 96 || before === 91 || before === 40) return true; // ` [ (
  const after = text.charCodeAt(end);
  if (after === 96 || after === 40 || after === 95 || after === 93) return true; // ` ( _ ]
  return after === 46 && /\p{L}/u.test(text[end + 1] ?? "");
}

/** Below the analyzer's context boost on purpose: see `place`. */
const UNKNOWN_AFTER_PREPOSITION = 0.45;
const TITLE_CASE = /^\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+|['’]\p{Lu}?\p{Ll}+)*$/u;
/** A version or number after the word: "Unicode v13", "Xoroshiro 128". */
const VERSION_AFTER = /^ v?\d/u;

/**
 * Words after "in", "from" or "near" that look like the name of a small town: one or two
 * Title-case words (from word i to `last`) that are no English words, first names or surnames,
 * not part of a longer name, not code ("JSON.parse", "`Redis`"), and not a product or company
 * name (CamelCase, all capitals, "Inc" after).
 */
function unknownName(w: Words, i: number, last = i): boolean {
  const text = w.text;
  const start = w.starts[i];
  const end = w.ends[i];
  if (end - start < 4 || (w.shapes[i] & CAPITALIZED) === 0 || !TITLE_CASE.test(w.word(i))) {
    return false;
  }
  // A known town may have a postcode after it, an unknown word a version: "Unicode v13".
  if (codeLike(text, start, end) || VERSION_AFTER.test(text.slice(end, end + 3))) {
    return false;
  }
  // "the verses from Ayna Khadzhiyev's poems": a possessive is more often a person's.
  if (/^['’]s\b/u.test(text.slice(w.ends[last], w.ends[last] + 3))) return false;
  if (
    last === i &&
    i + 1 < w.count &&
    (w.shapes[i + 1] & (CAPITALIZED | ALL_CAPS)) !== 0 &&
    adjacentWords(w, i, i + 1)
  ) {
    return false;
  }
  for (let k = i; k <= last; k++) {
    if (k > i && !TITLE_CASE.test(w.word(k))) return false;
    const lower = w.lower(k);
    if (
      COMMON_WORDS.has(lower) ||
      englishWordSet().has(lower) ||
      firstNameSet().has(lower) ||
      surnameSet().has(lower)
    ) {
      return false;
    }
  }
  return !organisationAfter(w, last);
}

function scanPlaces(text: string, anyCase: boolean): PlaceScan {
  const w = scanWords(text);
  const places: RawFinding[] = [];
  const streetWords: number[] = [];
  const { count, shapes } = w;
  let i = 0;
  while (i < count) {
    if (!anyCase && (shapes[i] & (CAPITALIZED | ALL_CAPS)) === 0) {
      i++;
      continue;
    }
    const flags = WORD_FLAGS.getSpan(w.text, w.starts[i], w.ends[i]);
    // Sentence-initial "The", "If": no place or street starts with them ("The Hague" aside).
    if ((flags & (FUNCTION | CURATED_START)) === FUNCTION) {
      i++;
      continue;
    }
    if ((flags & STREET_TRIGGER) !== 0) streetWords.push(w.starts[i]);
    const found = placeAt(w, i, anyCase, flags);
    if (found === undefined) {
      i++;
      continue;
    }
    const [last, score] = found;
    if (score > 0) places.push(place(text, w.starts[i], w.ends[last], score));
    i = last + 1;
  }
  return { places, streetWords };
}

/** Whether the text has no upper-case letter (chat typed in lower case, normalised text). */
function lowerCaseOnly(text: string): boolean {
  return !/[A-Z]/.test(text) && !/\p{Lu}/u.test(text);
}

export const locationRecognizer: Recognizer = {
  name: "location",
  entities: ["LOCATION"],
  detect(text: string): RawFinding[] {
    const anyCase = lowerCaseOnly(text);
    const { places, streetWords } = scanPlaces(text, anyCase);
    const addresses = findAddresses(text, streetWords, anyCase);
    // A place inside an address is part of it, not a finding of its own (both lists are in
    // text order, and addresses do not overlap).
    const outside: RawFinding[] = [];
    let a = 0;
    for (const p of places) {
      while (a < addresses.length && addresses[a].end < p.end) a++;
      if (a < addresses.length && addresses[a].start <= p.start) continue;
      outside.push(p);
    }
    return [...addresses, ...outside];
  },
};
