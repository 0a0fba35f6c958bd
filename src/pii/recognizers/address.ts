// Street addresses: house numbers, street names built from the street-type words of postal
// conventions (USPS Publication 28 appendix C1 suffixes, their UK and European counterparts,
// Hungarian and other post-name types), unit designators (Apt, Suite, PSC/Box), military
// addresses (FPO/APO/DPO), intersections ("the corner of A and B"), and the town, region,
// country and postcode parts that follow on the same line after a comma or on the next lines.
// Cost: the patterns run only in windows around cheap triggers (a digit, a street-type word,
// "corner of"), never over whole texts.

import type { RawFinding } from "../types.js";
import { isSpace, LETTER, MARK, UPPER, unitClass } from "./char-classes.js";
import { digitRuns } from "./digit-runs.js";
import { englishWordSet } from "./names-data.js";
import { COMMON_WORDS, FUNCTION_WORDS, MONTH_AND_DAY_WORDS } from "./tokens.js";
import { finding, isAsciiLetter, wordCharAt } from "./util.js";
import { WordBits } from "./word-bits.js";

/** Street types written after the name that make a street without a house number. */
const STRONG_SUFFIXES =
  "Street|Streets|St|Str|Avenue|Avenues|Ave|Road|Roads|Rd|Lane|Lanes|Ln|Drive|Drives|Dr|Boulevard|Blvd|Court|Courts|Ct|Place|Pl|Terrace|Ter|Parkway|Parkways|Pkwy|Highway|Hwy|Circle|Circles|Cir|Crescent|Cres|Close|Square|Squares|Sq|Way|Ways|Alley|Plaza|Trail|Trl|Turnpike|Tpke|Expressway|Expy|Freeway|Fwy|Gardens|Gdns|Mews|Grove|Groves|Crossroad|Crossroads";
/** Other USPS suffixes (and UK ones): ordinary words too, so they need a number or a partner. */
const WEAK_SUFFIXES =
  "Annex|Arcade|Bayou|Beach|Bend|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|Canyon|Cape|Causeway|Center|Centers|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|Course|Cove|Coves|Creek|Crest|Crossing|Xing|Curve|Dale|Dam|Divide|Estate|Estates|Extension|Fall|Falls|Ferry|Field|Fields|Flat|Flats|Ford|Fords|Forest|Forge|Forges|Fork|Forks|Fort|Garden|Gateway|Glen|Glens|Green|Greens|Harbor|Harbors|Harbour|Haven|Heights|Hts|Hill|Hills|Hollow|Inlet|Island|Islands|Isle|Junction|Junctions|Key|Keys|Knoll|Knolls|Lake|Lakes|Landing|Light|Lights|Loaf|Lock|Locks|Lodge|Loop|Mall|Manor|Manors|Meadow|Meadows|Mill|Mills|Mission|Motorway|Mount|Mountain|Mountains|Neck|Orchard|Oval|Overpass|Park|Parks|Pass|Passage|Path|Pike|Pine|Pines|Plain|Plains|Point|Points|Pt|Port|Ports|Prairie|Quay|Radial|Ramp|Ranch|Rapid|Rapids|Rest|Ridge|Ridges|Rise|River|Route|Rte|Row|Run|Shoal|Shoals|Shore|Shores|Skyway|Spring|Springs|Spur|Spurs|Station|Stravenue|Stream|Summit|Trace|Track|Trafficway|Tunnel|Underpass|Union|Unions|Vale|Valley|Valleys|Viaduct|View|Views|Village|Villages|Ville|Vista|Walk|Walks|Wall|Well|Wells|Wharf";
/** Street types written before the name (Romance, Slavic, Greek, French). */
const PREFIXES =
  "Rue|Avenue|Avenida|Avda|Avd|Av|Via|Viale|Vicolo|Calle|Carrer|Camino|Paseo|Rua|Rúa|Praça|Largo|Travessa|Estrada|Piazza|Piazzale|Plac|Aleja|Al|ul|ulica|Boulevard|Bd|Chaussée|Chemin|Place|Allée|Impasse|Quai|Route|Strada|Corso|Ulica|Trg|Odos|Leoforos|Plateia|Λεωφόρος|Οδός|C/";
/** Prefixes that are also ordinary words: a street only with a house number. */
const AMBIGUOUS_PREFIXES = new Set([
  "via",
  "av",
  "al",
  "place",
  "route",
  "boulevard",
  "avenue",
  "bd",
]);
// Compound street names end in a street word: Hammarvägen, Brixtonlaan, Harjukuja.
const COMPOUND =
  "(?:vägen|gatan|gränd|stigen|torget|straße|strasse|gasse|weg|allee|platz|ring|damm|ufer|laan|straat|steeg|plein|dreef|kade|singel|gracht|hove|kuja|tie|katu|polku|kaari|gade|vej|stræde|allé|veien|vegen|gata|gate|utca|iela|tee|tänav|gatve|cesta|ulice|náměstí|út|körút)";
/** Street types written after the name in lower case (Hungarian, Estonian, Slovene…). */
const POSTFIX_TYPES =
  "utca|u\\.|út|útja|tér|tere|körút|krt\\.|sor|köz|fasor|sétány|rakpart|tee|cesta";
const PARTICLES =
  "de|du|des|da|do|dos|das|del|dels|della|delle|dello|degli|dei|di|la|le|les|los|las|el|van|von|der|den|het|ten|ter|te|y|e|i|zu|am|an|op|sur|na|nad|pod";
const UNIT_WORDS =
  "Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Box|PO Box|P\\.O\\. Box|Postbox|PSC|Bldg|Building";

const L = "\\p{L}\\p{M}";
const HOUSE = "\\d{1,5}(?:-\\d{1,5}|[A-Za-rt-z](?![\\p{L}]))?";
const NAME = `\\p{Lu}[${L}'’.-]{0,30}`;
const PART = `(?:(?:${PARTICLES})(?![${L}])|[dlDL]['’]${NAME})`;
const WORD = `(?:${NAME}|${PART})`;
/** A street's own name: a capitalized word or an ordinal ("5th Avenue", "W 42nd St"). */
/** USPS post-directionals: "Devon Street West", "Main St NW". */
const DIRECTION = "(?:North|South|East|West|N|S|E|W|NE|NW|SE|SW)\\.?";
const STREET_NAME = `(?:${NAME}|\\d{1,3}(?:st|nd|rd|th))`;
const END = "(?![\\p{L}\\p{N}])";
const anyCase = (list: string) =>
  list
    .split("|")
    .map((w) => (/^\p{Lu}/u.test(w) ? `[${w[0]}${w[0].toLowerCase()}]${w.slice(1)}` : w))
    .join("|");
const UNIT = `(?:${UNIT_WORDS})\\.? ?#?\\d{1,6}[A-Za-z]?(?:,? (?:Box|box) \\d{1,6})?`;

const PATTERNS = [
  // "USNS Bergman\nFPO AP 93757", "APO AA 94530"
  `(?:(?:USNS|USNV|USS|USCGC) ${NAME}(?: ${NAME})?[ \\t]{0,3}\\r?\\n?[ \\t]{0,3})?(?:APO|FPO|DPO) (?:AA|AE|AP) \\d{5}`,

  // "Apt. 931", "Suite 727", "PSC 0272, Box 1651", "0912 P.O. Box 287"
  `(?:\\d{1,5} )?${UNIT}`,
  // "74 Sikelianou Street", "363 52 Huntly Street", "35 Pentelis Str."
  `${HOUSE}(?: ${HOUSE})? (?:${WORD} ){0,3}${STREET_NAME} (?:${STRONG_SUFFIXES}|${WEAK_SUFFIXES})\\.?${END}(?: ${DIRECTION}${END})?`,
  // "Tungata 11 Rott Crossroad", "P.O. Box 149 Monika Union": street, number, estate name
  `(?:${NAME} ){1,3}${HOUSE} (?:${NAME} ){1,2}(?:${STRONG_SUFFIXES}|${WEAK_SUFFIXES})${END}`,
  // "Rue de Piétrain 371", "Avenida Otoniel Dutra 1277", "ul. Więckowskiego Stefana 28"
  `(?:${HOUSE}(?: ${HOUSE})? )?(?:${anyCase(PREFIXES)})\\.?(?: ${WORD}){1,6}(?: ${HOUSE}${END})?`,
  // "Hammarvägen 15", "Brucker Bundesstrasse 31"
  `(?:${HOUSE}(?: ${HOUSE})? )?(?:${NAME} )?\\p{Lu}[${L}-]{0,30}${COMPOUND}${END}(?: ${HOUSE}${END})?`,
  // "Rákóczi út 13", "Victor Hugo u. 49", "Árpád fejedelem útja 3"
  `(?:${HOUSE} )?${NAME}(?: [${L}-]{1,30}){0,2} (?:${POSTFIX_TYPES}) ${HOUSE}${END}`,
  // "Baker Street", "Isaac Lodge" (weak suffixes are checked in code)
  `(?:${NAME} )?${STREET_NAME} (?:${STRONG_SUFFIXES}|${WEAK_SUFFIXES})${END}(?: ${HOUSE}${END})?`,
  // House number, street name (any script), number: "20789 Allika 46", "86036 Rua do Arenque 1634"
  `${HOUSE}(?: ${HOUSE})? \\p{Lu}[${L}'’-]{0,30}(?: (?:${PART}|\\p{L}[${L}'’-]{0,30}\\.?)){0,3} ${HOUSE}(?![\\p{L}\\p{N}]|[.,]\\d)`,
  // Street name and number after a locative (checked in code): "lives on Joaquin Suarez 2906"
  `${NAME}(?: ${WORD}){0,3} ${HOUSE}(?![\\p{L}\\p{N}]|[.,]\\d)`,
];
const KIND = [
  "military",
  "unit",
  "house",
  "estate",
  "prefix",
  "compound",
  "postfix",
  "suffix",
  "numbered",
  "named",
] as const;
type Kind = (typeof KIND)[number];

/**
 * A pattern for text that has no capital letter at all (see location.ts): literal words in lower
 * case and any letter where a capital was asked for. Equivalent there to the "i" flag, which V8
 * compiles very slowly (milliseconds per use) for Unicode property classes.
 */
function lowerCased(source: string): string {
  return source.replace(/\\p\{Lu\}|\\p\{[^}]*\}|\\.|[A-Z]+/gu, (m) =>
    m === "\\p{Lu}" ? "\\p{L}" : m.startsWith("\\") ? m : m.toLowerCase(),
  );
}

/**
 * Each pattern as a sticky regex (tried only at word starts near a trigger), and as written for
 * texts all in lower case, where any letter stands for a capital.
 */
const STREET = regexesOf(PATTERNS);
const STREET_ANY_CASE = regexesOf(PATTERNS.map(lowerCased));
function regexesOf(sources: readonly string[]): Readonly<Record<Kind, RegExp>> {
  return Object.fromEntries(KIND.map((k, i) => [k, new RegExp(sources[i], "yu")])) as Record<
    Kind,
    RegExp
  >;
}
const DIGIT_FIRST: readonly Kind[] = [
  "unit",
  "house",
  "prefix",
  "compound",
  "postfix",
  "suffix",
  "numbered",
];
const LETTER_FIRST: readonly Kind[] = [
  "military",
  "unit",
  "estate",
  "prefix",
  "compound",
  "postfix",
  "suffix",
  "named",
];
/** The patterns tried at a digit, or at a letter, in the order of KIND: the first match wins. */
const AT_DIGIT = KIND.filter((k) => DIGIT_FIRST.includes(k));
const AT_LETTER = KIND.filter((k) => LETTER_FIRST.includes(k));

const toSet = (list: string) => new Set(list.toLowerCase().split("|"));
const WEAK = toSet(WEAK_SUFFIXES);
const STREET_WORDS: ReadonlySet<string> = new Set([
  ...toSet(STRONG_SUFFIXES),
  ...WEAK,
  ...toSet(PREFIXES),
]);
/**
 * Lower-cased words that name a street without a house number: the caller's word pass reports
 * them to `findAddresses` as triggers (streets with a number, compound names like "Hammarvägen"
 * among them, are triggered by the number).
 */
export const STREET_TRIGGER_WORDS: ReadonlySet<string> = new Set(
  [...toSet(STRONG_SUFFIXES), ...toSet(PREFIXES), "usns", "usnv", "uss", "uscgc"].filter(
    (w) => !AMBIGUOUS_PREFIXES.has(w),
  ),
);
/** Words before a bare "Name 12" that make it a street: "lives on", "at", "corner of". */
const NAMED_STREET_CUE =
  /(?:\b(?:at|(?:lives?|living|located|situated|enter|house|flat) on|side of|corner of)|address(?: is)?:?)[ \t]{1,4}$/iu;
const PARTICLE_SET = toSet(PARTICLES);
const COMPOUND_WORD = new RegExp(`${COMPOUND}$`, "u");

// Continuations: a unit after a space; after a comma on the same line or on the next lines,
// town names (Title or upper case), region codes and postcodes. A line continues an address only
// when it holds nothing else.
const PLACE_WORD = `(?:[\\p{Lu}∆][${L}'’∆-]{0,30}\\.?|(?:${PARTICLES}|u)(?![${L}])|\\p{Lu}['’])`;
const POSTCODE =
  "(?:\\d{4,5}(?:-\\d{4})?|\\d{3} \\d{2}|[A-Z]\\d[A-Z] ?\\d[A-Z]\\d|[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2})";
const PLACE_LINE = `(?:${UNIT}|${PLACE_WORD}(?: ${PLACE_WORD}){0,4}(?: \\(\\p{L}{1,20}\\))?(?:,? (?:\\p{Lu}{2,3}|\\d{1,3}))?(?:,? ${POSTCODE})?|(?:\\p{Lu}{2,3} )?${POSTCODE})`;
// A line ends the part, or a sentence goes on after a postcode: "Belgium 92060 for this card".
const LINE_END = "(?=[ \\t]{0,8}(?:[\\r\\n,.;:?!)]|$)|(?<=\\d) \\p{Ll})";
const SAME_LINE = new RegExp(
  `^\\.?(?:[ \\t]{1,4}${UNIT}${END}|[ \\t]{0,4},[ \\t]{0,4}${PLACE_LINE}${END})`,
  "u",
);
const NEXT_LINE = new RegExp(
  `^\\.?[ \\t,]{0,8}(\\r?\\n(?:[ \\t]{0,8}\\r?\\n)?)([ \\t]{0,8}(?:[^\\p{L}\\p{N}\\s(,]{1,4}[ \\t]{1,4})?)(?:,[ \\t]{0,4})?(${PLACE_LINE})${LINE_END}`,
  "u",
);
/** After a unit designator, the town and country may follow on the same line: "Suite 019 CHARLEROI Victoria". */
const AFTER_UNIT = new RegExp(`^[ \\t]{1,4}(${PLACE_LINE})(?:${LINE_END}|(?= \\p{Ll}))`, "u");
const SAME_LINE_ANY_CASE = new RegExp(lowerCased(SAME_LINE.source), "u");
const NEXT_LINE_ANY_CASE = new RegExp(lowerCased(NEXT_LINE.source), "u");
const AFTER_UNIT_ANY_CASE = new RegExp(lowerCased(AFTER_UNIT.source), "u");
const AND = /^\.?,? and /iu;

interface Part {
  start: number;
  end: number;
  kind: Kind;
}

/** The words of s, split at spaces, tabs, line breaks and commas (no regex: this runs per match). */
function wordsOf(s: string): string[] {
  const words: string[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || isWordSeparator(s.charCodeAt(i))) {
      if (i > start) words.push(s.slice(start, i));
      start = i + 1;
    }
  }
  return words;
}

/** Words of a match that are neither names nor particles ("of", "the") make it no street. */
function plausible(text: string, part: Part): boolean {
  if (!noStrayWord(text, part.start, part.end)) return false;
  if (!CHECKED_BY_WORDS.has(part.kind)) return true;
  const words = wordsOf(text.slice(part.start, part.end));
  if (part.kind === "suffix") {
    // Without a house number a weak suffix ("Union", "Club") needs a partner: dropped here,
    // intersections and merges bring it back.
    const named = words.filter((w) => !/^\d/u.test(w));
    const last = named[named.length - 1].toLowerCase().replace(/\.$/u, "");
    const afterNumber = /\d[ \t]{1,2}$/u.test(text.slice(Math.max(0, part.start - 3), part.start));
    if ((WEAK.has(last) && !afterNumber) || COMMON_WORDS.has(words[0].toLowerCase())) return false;
  }
  if (part.kind === "prefix" && !/\d/u.test(text.slice(part.start, part.end))) {
    const first = words[0].toLowerCase().replace(/\.$/u, "");
    if (AMBIGUOUS_PREFIXES.has(first) || !/^\p{Lu}/u.test(words[0])) return false;
  }
  if (part.kind === "compound") {
    // "Factoring", "Spring", "Committee" end like street words but are English words.
    const english = englishWordSet();
    if (words.some((w) => COMPOUND_WORD.test(w) && english.has(w.toLowerCase()))) return false;
  }
  if (part.kind === "named" || part.kind === "numbered") {
    // No street-type word: a short or all-caps name is a code or a unit ("1 Col 1", "ES 2015").
    const name = words.filter((w) => !/^\d/u.test(w));
    if (name[0].length < 4 || /^\p{Lu}{2,}$/u.test(name[0])) return false;
  }
  if (part.kind === "named") {
    // Without a house number first, the name must not be English ("Windows 10") and a cue
    // must come before: "lives on", "at", "the corner of".
    const before = text.slice(Math.max(0, part.start - 24), part.start);
    if (!NAMED_STREET_CUE.test(before)) return false;
    const english = englishWordSet();
    for (const w of words) {
      const lower = w.toLowerCase();
      if (english.has(lower) || COMMON_WORDS.has(lower)) return false;
    }
  }
  return true;
}

/** The kinds `plausible` checks further by their words. */
const CHECKED_BY_WORDS: ReadonlySet<Kind> = new Set([
  "suffix",
  "prefix",
  "compound",
  "named",
  "numbered",
]);

/**
 * Whether text[start, end) holds no month or weekday name (a date: "01 Aug 2026") and no function
 * word that is neither a particle nor a street word; words as `wordsOf` cuts them, a trailing
 * period dropped, ASCII ones looked up without a string.
 */
function noStrayWord(text: string, start: number, end: number): boolean {
  let a = start;
  while (a < end) {
    if (isWordSeparator(text.charCodeAt(a))) {
      a++;
      continue;
    }
    let b = a;
    let ascii = true;
    for (; b < end && !isWordSeparator(text.charCodeAt(b)); b++) {
      if (text.charCodeAt(b) >= 128) ascii = false;
    }
    if (!isDigit(text.charCodeAt(a))) {
      const e = text.charCodeAt(b - 1) === 46 ? b - 1 : b;
      const stray = ascii
        ? e > a && STRAY_WORDS.getSpan(text, a, e) !== 0
        : STRAY_WORD_SET.has(text.slice(a, e).toLowerCase());
      if (stray) return false;
    }
    a = b;
  }
  return true;
}
/** What `wordsOf` splits at: space, comma, tab, line feed, carriage return. */
const isWordSeparator = (c: number) => c === 32 || c === 44 || c === 9 || c === 10 || c === 13;
const STRAY_WORD_SET: ReadonlySet<string> = new Set([
  ...MONTH_AND_DAY_WORDS,
  ...[...FUNCTION_WORDS].filter((w) => !PARTICLE_SET.has(w) && !STREET_WORDS.has(w)),
]);
const STRAY_WORDS = WordBits.from([[STRAY_WORD_SET, 1]]);

const TRAILING = ".,\t\n\r ";

/** The street part that starts at `p`, if any. */
function partAt(text: string, p: number, anyCase: boolean): Part | undefined {
  const c = text.charCodeAt(p);
  const regexes = anyCase ? STREET_ANY_CASE : STREET;
  spacesAfter(text, p);
  for (const kind of c >= 48 && c <= 57 ? AT_DIGIT : AT_LETTER) {
    if (!mayMatch(kind, text, p)) continue;
    const re = regexes[kind];
    re.lastIndex = p;
    const m = re.exec(text);
    if (m === null) continue;
    let end = p + m[0].length;
    while (end > p && TRAILING.includes(text[end - 1])) end--;
    const part = { start: p, end, kind };
    return plausible(text, part) ? part : undefined;
  }
  return undefined;
}

// Cheap necessary conditions for the costlier patterns, read at the word starts after the first
// spaces from p: no token of a pattern holds a space or a line break, so its k-th " " is the
// k-th one after p. They hold in any case, so they serve the lower-case patterns too.

const MAX_SPACES = 6;
/** The positions after the first spaces from the position `spacesAfter` read last. */
const AFTER_SPACE = new Int32Array(MAX_SPACES);
let spaceCount = 0;

/** Records up to MAX_SPACES spaces after p on its line (within 200 units). */
function spacesAfter(text: string, p: number): void {
  spaceCount = 0;
  const limit = Math.min(text.length, p + 200);
  for (let i = p; i < limit && spaceCount < MAX_SPACES; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) AFTER_SPACE[spaceCount++] = i + 1;
    else if (c === 10) break;
  }
}

/** The position after the k-th space from p, or -1. */
const after = (k: number) => (k <= spaceCount ? AFTER_SPACE[k - 1] : -1);
const digitAt = (text: string, q: number) => q >= 0 && isDigit(text.charCodeAt(q));

/** Whether pattern `kind` can match at p (after `spacesAfter(text, p)`). */
function mayMatch(kind: Kind, text: string, p: number): boolean {
  switch (kind) {
    case "house": // number, number?, 0-3 words, street name, suffix
      for (let k = 2; k <= 6; k++) if (suffixAt(text, after(k))) return true;
      return false;
    case "estate": // 1-3 names, number, 1-2 names, suffix
      for (let k = 1; k <= 3; k++) {
        if (
          digitAt(text, after(k)) &&
          (suffixAt(text, after(k + 2)) || suffixAt(text, after(k + 3)))
        ) {
          return true;
        }
      }
      return false;
    case "compound": // numbers?, a name?, the compound word
      for (let k = 0; k <= 3; k++) if (compoundAt(text, k === 0 ? p : after(k))) return true;
      return false;
    case "postfix": // number?, name, 0-2 words, street type, number
      for (let k = 1; k <= 4; k++) {
        const q = after(k);
        if (q < 0) return false;
        POSTFIX_AT.lastIndex = q;
        if (POSTFIX_AT.test(text)) return true;
      }
      return false;
    case "suffix": // a name?, street name, suffix
      return suffixAt(text, after(1)) || suffixAt(text, after(2));
    case "numbered": // number, number?, 1-4 words, number
      for (let k = 2; k <= 6; k++) if (digitAt(text, after(k))) return true;
      return false;
    case "named": // the last pattern tried, and kept only after a cue: see `plausible`
      return cueBefore(text, p);
    case "military": // "USNS", "APO", "FPO", "DPO"
      return startsWithOneOf(MILITARY_FIRST, text, p);
    case "unit": // number?, unit word
      return startsWithOneOf(UNIT_FIRST, text, p) || startsWithOneOf(UNIT_FIRST, text, after(1));
    case "prefix": // numbers?, street type
      return prefixAt(text, p) || prefixAt(text, after(1)) || prefixAt(text, after(2));
  }
}

/** Whether the letter at q (-1: none), in lower case, is one of `letters`. */
function startsWithOneOf(letters: ReadonlySet<number>, text: string, q: number): boolean {
  return q >= 0 && letters.has(text.charCodeAt(q) | 32);
}
/** First letters (lower case) of the words that start a military or a unit address. */
const MILITARY_FIRST: ReadonlySet<number> = new Set([..."uafd"].map((c) => c.charCodeAt(0)));
const UNIT_FIRST: ReadonlySet<number> = new Set([..."asufrbp"].map((c) => c.charCodeAt(0)));

/**
 * Whether a street type written before the name can start at q (-1: none): its ASCII letters
 * spell one in any case. Words with other letters, and "C/", are not ruled out.
 */
function prefixAt(text: string, q: number): boolean {
  if (q < 0) return false;
  let e = q;
  while (e < text.length && isAsciiLetter(text.charCodeAt(e))) e++;
  const stop = text.charCodeAt(e);
  if (stop >= 128 || stop === 47) return true;
  return e > q && PREFIX_WORDS.getSpan(text, q, e) !== 0;
}
const PREFIX_WORDS = WordBits.from([[toSet(PREFIXES), 1]]);

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Whether the ASCII letters from q (-1: none) spell a street suffix, in any case. */
function suffixAt(text: string, q: number): boolean {
  if (q < 0) return false;
  let e = q;
  while (e < text.length && isAsciiLetter(text.charCodeAt(e))) e++;
  return e > q && SUFFIX_WORDS.getSpan(text, q, e) !== 0;
}
const SUFFIX_WORDS = WordBits.from([[toSet(`${STRONG_SUFFIXES}|${WEAK_SUFFIXES}`), 1]]);

/**
 * Whether the word from q (-1: none) can be a compound street name: its letters end in a
 * compound street word. Words with marks, hyphens or astral characters are not ruled out.
 */
function compoundAt(text: string, q: number): boolean {
  if (q < 0) return false;
  let e = q;
  for (; e < text.length && e - q < 64; e++) {
    const c = text.charCodeAt(e);
    if (c < 128) {
      if (isAsciiLetter(c)) continue;
      if (c === 45) return true;
      break;
    }
    const k = unitClass(c);
    if ((k & LETTER) === 0) {
      if ((k & MARK) !== 0 || (c >= 0xd800 && c <= 0xdfff)) return true;
      break;
    }
  }
  if (e - q >= 64) return true;
  for (const word of COMPOUND_WORDS_BY_LAST.get(text.charCodeAt(e - 1)) ?? []) {
    if (e - q > word.length && text.startsWith(word, e - word.length)) return true;
  }
  return false;
}
/** The compound street words by their last UTF-16 unit. */
const COMPOUND_WORDS_BY_LAST: ReadonlyMap<number, readonly string[]> = (() => {
  const byLast = new Map<number, string[]>();
  for (const word of COMPOUND.slice(3, -1).split("|")) {
    const last = word.charCodeAt(word.length - 1);
    byLast.set(last, [...(byLast.get(last) ?? []), word]);
  }
  return byLast;
})();

const POSTFIX_AT = new RegExp(`(?:${POSTFIX_TYPES}) \\d`, "y");

/**
 * Whether NAMED_STREET_CUE can end at p: one to four spaces or tabs after the last letter of "at",
 * "on", "of" or "address", or a colon (any letter outside ASCII may fold to one of them).
 */
function cueBefore(text: string, p: number): boolean {
  let i = p - 1;
  while (i >= 0 && p - i <= 5 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i === p - 1 || p - i > 5 || i < 0) return false;
  const c = text.charCodeAt(i);
  if (c >= 128 || c === 58) return true;
  const l = c | 32;
  return l === 116 || l === 110 || l === 102 || l === 115;
}

/** Every pattern starts with a digit or a capital, but for the Polish "ul." and lower-case text. */
function mayStart(text: string, p: number, anyCase: boolean): boolean {
  const c = text.charCodeAt(p);
  if (anyCase || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) return true;
  if (c < 128) return c === 117 && text.charCodeAt(p + 1) === 108; // "ul"
  return isUpper(text, p);
}

/** Street parts that start at a word in text[from, lastStart]. */
function streetParts(text: string, from: number, lastStart: number, anyCase: boolean): Part[] {
  const out: Part[] = [];
  let p = from;
  let afterWordChar = wordCharAt(text, p - 1);
  while (p <= lastStart) {
    const wordChar = wordCharAt(text, p);
    if (wordChar && !afterWordChar && mayStart(text, p, anyCase)) {
      const part = partAt(text, p, anyCase);
      if (part !== undefined) {
        out.push(part);
        p = part.end;
        afterWordChar = wordCharAt(text, p - 1);
        continue;
      }
    }
    afterWordChar = wordChar;
    p++;
  }
  return out;
}

/** Extends an address over units, towns, regions and postcodes; returns the pieces to report. */
function extend(text: string, part: Part, anyCase: boolean): Part[] {
  const same = anyCase ? SAME_LINE_ANY_CASE : SAME_LINE;
  const next = anyCase ? NEXT_LINE_ANY_CASE : NEXT_LINE;
  const afterUnit = anyCase ? AFTER_UNIT_ANY_CASE : AFTER_UNIT;
  const pieces: Part[] = [{ ...part }];
  let current = pieces[0];
  // Town and country may follow a street or unit number on the same line: "Suite 019 CHARLEROI".
  let lastWasUnit = /\d[A-Za-z]?$/u.test(text.slice(part.end - 2, part.end));
  for (let k = 0; k < 8; k++) {
    const rest = text.slice(current.end, current.end + 160);
    let m = same.exec(rest);
    if (m !== null && wordsOk(m[0])) {
      lastWasUnit = /\d\s*$/u.test(m[0]) && !/,/u.test(m[0]);
      current.end += m[0].length;
      continue;
    }
    if (lastWasUnit) {
      m = afterUnit.exec(rest);
      if (m !== null && wordsOk(m[1])) {
        current.end += m[0].length;
        lastWasUnit = false;
        continue;
      }
    }
    if (!lineBreakAhead(text, current.end)) break;
    m = next.exec(rest);
    if (m === null || !wordsOk(m[3])) break;
    // After a blank line only a postcode line still belongs to the address.
    if (m[1].length > 2 && !/\d{3}/u.test(m[3])) break;
    const lineStart = current.end + m[0].length - m[3].length;
    if (/\S/u.test(m[2])) {
      // A bulleted list: each line is a field of its own.
      current = { start: lineStart, end: current.end + m[0].length, kind: part.kind };
      pieces.push(current);
    } else current.end += m[0].length;
    lastWasUnit = /^\D*\d{1,6}[A-Za-z]?$/u.test(m[3]) && !/\d{4,5}$/u.test(m[3]);
  }
  return pieces;
}

/** Whether a line break follows at i, after a period and up to 8 spaces, tabs or commas, as NEXT_LINE asks. */
function lineBreakAhead(text: string, i: number): boolean {
  if (text.charCodeAt(i) === 46) i++;
  for (let k = 0; k < 8 && isSpaceTabOrComma(text.charCodeAt(i)); k++) i++;
  const c = text.charCodeAt(i);
  return c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10);
}
const isSpaceTabOrComma = (c: number) => c === 32 || c === 9 || c === 44;

const REGION_CODE = /^[A-Z]{2,3}$/u;

/** Labels and sign-offs that start the lines after an address block. */
const NOT_PLACES: ReadonlySet<string> = new Set(
  "mobile|phone|tel|fax|desk|email|e-mail|web|website|thanks|regards|cheers|best|sincerely|date|subject|name|note".split(
    "|",
  ),
);

/**
 * A continuation holds no function word or label ("Thanks", "Please call", "Mobile"): its words
 * are cut at white space (as \s has it) and commas, ASCII ones looked up without a string.
 */
function wordsOk(s: string): boolean {
  let a = 0;
  while (a < s.length) {
    let c = s.charCodeAt(a);
    if (c === 44 || isSpace(c)) {
      a++;
      continue;
    }
    let b = a;
    let ascii = true;
    for (; b < s.length; b++) {
      c = s.charCodeAt(b);
      if (c === 44 || isSpace(c)) break;
      if (c >= 128) ascii = false;
    }
    if (!(ascii ? asciiWordOk(s, a, b) : wordOk(s.slice(a, b)))) return false;
    a = b;
  }
  return true;
}

function wordOk(w: string): boolean {
  const lower = w.toLowerCase().replace(/\.$/u, "");
  // Region codes may spell function words: ON, OR, IN, ME, OK.
  if (lower === "" || PARTICLE_SET.has(lower) || REGION_CODE.test(w)) return true;
  return !FUNCTION_WORDS.has(lower) && !NOT_PLACES.has(lower);
}

/** `wordOk` for the ASCII word s[a, b), whose lower case is its folded form. */
function asciiWordOk(s: string, a: number, b: number): boolean {
  const end = s.charCodeAt(b - 1) === 46 ? b - 1 : b;
  if (end === a) return true;
  const flags = CONTINUATION_WORDS.getSpan(s, a, end);
  if (flags === 0 || (flags & PARTICLE) !== 0) return true;
  return b - a <= 3 && b - a >= 2 && isAsciiUpper(s, a, b);
}
const PARTICLE = 1;
const NOT_IN_CONTINUATION = 2;
const CONTINUATION_WORDS = WordBits.from([
  [PARTICLE_SET, PARTICLE],
  [FUNCTION_WORDS, NOT_IN_CONTINUATION],
  [NOT_PLACES, NOT_IN_CONTINUATION],
]);

/** Whether s[a, b) is all ASCII capitals (a region code, when two or three long). */
function isAsciiUpper(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/** "the corner of A and B": one location from "the" to the end of B. */
function intersections(text: string, corners: readonly number[], anyCase: boolean): Part[] {
  const out: Part[] = [];
  let done = 0;
  for (const at of corners) {
    if (at < done) continue;
    const a = at + "corner of ".length;
    const the = /\bthe $/iu.test(text.slice(Math.max(0, at - 4), at)) ? 4 : 0;
    const lineEnd = endOfLine(text, a);
    const first = partAt(text, a, anyCase);
    let aEnd = first?.end ?? -1;
    if (aEnd < 0) {
      const and = text.slice(a, lineEnd).search(/,? and /iu);
      if (and <= 0 || and > 60) continue;
      aEnd = a + and;
    }
    const and = AND.exec(text.slice(aEnd, lineEnd));
    if (and === null) continue;
    const b = aEnd + and[0].length;
    const second = partAt(text, b, anyCase);
    let bEnd = second?.end ?? -1;
    if (bEnd < 0) {
      const re = anyCase ? B_SIDE_ANY_CASE : B_SIDE;
      const tail = re.exec(text.slice(b, lineEnd));
      if (tail === null) continue;
      bEnd = b + tail[0].length;
    }
    if (first === undefined && second === undefined && !/\d/u.test(text.slice(a, bEnd))) continue;
    out.push({ start: at - the, end: bEnd, kind: "suffix" });
    done = bEnd;
  }
  return out;
}
const B_SIDE_SOURCE = `^(?:${WORD} ){0,3}(?:${STRONG_SUFFIXES}|${WEAK_SUFFIXES})${END}`;
const B_SIDE = new RegExp(B_SIDE_SOURCE, "u");
const B_SIDE_ANY_CASE = new RegExp(lowerCased(B_SIDE_SOURCE), "u");

function endOfLine(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl < 0 ? text.length : nl;
}

/** Where a window of parts before a trigger starts: BEFORE units back, not before its line. */
function windowStart(text: string, at: number): number {
  const floor = Math.max(0, at - BEFORE);
  for (let i = at - 1; i >= floor; i--) if (text.charCodeAt(i) === 10) return i + 1;
  return floor;
}

/** Whether text[from, to) is at most three spaces, tabs, periods or commas (empty if to < from). */
function joinsParts(text: string, from: number, to: number): boolean {
  if (to - from > 3) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 46 && c !== 44) return false;
  }
  return true;
}

const BEFORE = 60;
const CONTEXT = ["address", "live", "lives", "at", "street", "deliver", "sent", "ship", "to"];
/** Longest number that can be a house, unit or street number. */
const MAX_NUMBER_DIGITS = 6;
const LOWER_PREFIXES: ReadonlySet<string> = new Set(
  PREFIXES.toLowerCase()
    .split("|")
    .filter((w) => /^\p{L}+$/u.test(w)),
);
const POSTFIX_WORDS = new Set(POSTFIX_TYPES.replace(/\\/g, "").split("|"));

const isUpper = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  return c < 128 ? c >= 65 && c <= 90 : (unitClass(c) & UPPER) !== 0;
};
const isLetter = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c < 128 ? isAsciiLetter(c) : wordCharAt(text, i) && !(c >= 48 && c <= 57);
};

/**
 * Whether the digits text[d, e) can be a house, unit or street number: a capitalized word (any
 * word in lower-case text, or a post-name street type like "út") stands right after or before.
 */
function numberTrigger(text: string, d: number, e: number, anyCase: boolean): boolean {
  if (wordCharAt(text, d - 1) || wordCharAt(text, e)) return false;
  if (text.charCodeAt(e) === 32) {
    if (anyCase ? isLetter(text, e + 1) : isUpper(text, e + 1)) return true;
    // "33 avenue de Provence": a street-type prefix in lower case after the number.
    const next = /^[\p{Ll}]{2,9}/u.exec(text.slice(e + 1, e + 11));
    if (next !== null && LOWER_PREFIXES.has(next[0])) return true;
  }
  let w = d - 1;
  if (text.charCodeAt(w) !== 32) return false;
  if (text.charCodeAt(w - 1) === 46) w--; // "Apt. 5", "u. 49"
  const wordEnd = w;
  while (w > 0 && w > wordEnd - 32 && isLetter(text, w - 1)) w--;
  if (w === wordEnd) return false;
  if (anyCase || isUpper(text, w)) return true;
  return POSTFIX_WORDS.has(text.slice(w, text.charCodeAt(wordEnd) === 46 ? wordEnd + 1 : wordEnd));
}

/** Offsets of "corner of" (any case of its first letter). */
function cornerTriggers(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf("orner of "); i >= 0; i = text.indexOf("orner of ", i + 9)) {
    const c = text.charCodeAt(i - 1);
    if ((c === 99 || c === 67) && !wordCharAt(text, i - 2)) out.push(i - 1);
  }
  return out;
}

/**
 * Street addresses in `text`. `streetWordAt` lists offsets of street-type words found by the
 * caller's word pass (they trigger the patterns on lines without digits).
 */
export function findAddresses(
  text: string,
  streetWordAt: readonly number[],
  anyCase: boolean,
): RawFinding[] {
  const triggers: number[] = [...streetWordAt];
  // The digit runs are shared with other recognizers (kept for the last text).
  const runs = digitRuns(text);
  for (let r = 0; r < runs.length; r += 2) {
    const d = runs[r];
    const e = runs[r + 1];
    if (e - d <= MAX_NUMBER_DIGITS && numberTrigger(text, d, e, anyCase)) triggers.push(d);
  }
  const corners = cornerTriggers(text);
  if (triggers.length === 0 && corners.length === 0) return [];
  triggers.sort((a, b) => a - b);
  // Where parts may start: a few words before each trigger, on its line; merged when they overlap.
  const windows: [number, number][] = [];
  for (const at of triggers) {
    const from = windowStart(text, at);
    const last = windows[windows.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], at);
    else windows.push([from, at]);
  }

  // Intersections first; street parts (in text order) where they overlap none of them.
  const crossings = intersections(text, corners, anyCase);
  const parts: Part[] = [...crossings];
  let c = 0;
  for (const [from, lastStart] of windows) {
    for (const p of streetParts(text, from, lastStart, anyCase)) {
      while (c < crossings.length && crossings[c].end <= p.start) c++;
      if (c < crossings.length && crossings[c].start < p.end) continue;
      parts.push(p);
    }
  }
  parts.sort((a, b) => a.start - b.start);
  // Parts separated only by spaces, commas or a period on one line are one address.
  const merged: Part[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (last !== undefined && joinsParts(text, last.end, p.start)) {
      last.end = Math.max(last.end, p.end);
      if (last.kind === "unit") last.kind = p.kind;
      continue;
    }
    merged.push({ ...p });
  }
  const out: RawFinding[] = [];
  let covered = 0;
  for (const p of merged) {
    if (p.start < covered) continue;
    for (const piece of extend(text, p, anyCase)) {
      // A unit alone ("Room 12") is weak evidence; the analyzer's context words can raise it.
      const alone = p.kind === "unit" && piece.end - piece.start === p.end - p.start;
      const score = alone ? 0.35 : 0.8;
      out.push(finding("LOCATION", piece.start, piece.end, score, "address", { context: CONTEXT }));
      covered = piece.end;
    }
  }
  return out;
}

export { PREFIXES };
