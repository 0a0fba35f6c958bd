// Words for the name and place recognizers: letters (with marks, apostrophes and inner
// hyphens), their offsets and shape. One hand-written pass over the text: character classes come
// from a table filled lazily per UTF-16 unit (a Unicode property regex per character would cost
// more than the whole scan), and a word's string and lower-case form are made only when a
// recognizer asks for them. Only the words near a capital letter, and the lines written without
// capitals, are scanned at all (see `scanWords`): lower-case prose between names is skipped.

import { LETTER, LOWER, MARK, UNIT_CLASSES, UPPER, unitClass } from "./char-classes.js";

/** Shape flags of a word (bits of `Words.shapes`). */
export const CAPITALIZED = 1; // upper-case first letter and some lower-case one: "Müller", "McNeil"
export const ALL_CAPS = 2; // two or more letters, all upper case: "NASA", "O'NEIL"
export const INITIAL = 4; // one upper-case letter: "J"
export const LOWERCASE = 8; // lower-case first letter: "street", "van", "iPhone"

/** The shared class table, as a local binding for the scan loops' ASCII fast path. */
const classes = UNIT_CLASSES;

function classOf(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    // Astral characters (rare): classify the whole pair with the regexes.
    const pair = text.slice(i, i + 2);
    let k = 0;
    if (/^\p{L}$/u.test(pair)) k |= LETTER;
    if (/^\p{Lu}$/u.test(pair)) k |= UPPER;
    if (/^\p{Ll}$/u.test(pair)) k |= LOWER;
    if (/^\p{M}$/u.test(pair)) k |= MARK;
    return k;
  }
  return unitClass(code);
}

const unitsOf = (text: string, i: number) => {
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
};

const APOSTROPHE = 39;
const RIGHT_QUOTE = 0x2019;
const HYPHEN = 45;
/** At most this many UTF-16 units per word (as the regex `\p{L}[\p{L}\p{M}'’-]{0,39}`). */
const MAX_TOKEN = 40;

/**
 * Lower-case forms made by `Words.lower`, kept across texts: entry i is word i's form when
 * `lowerStamps[i]` is the current text's scan number (no array made or cleared per text).
 */
const lowerForms: string[] = [];
let lowerStamps = new Int32Array(1024);
let scanNumber = 0;

/**
 * The words of a text as parallel arrays (no object per word): offsets, shape flags, and the
 * word's string and lower-case form made on demand. Valid until `scanWords` reads another text
 * (the arrays are reused).
 */
export class Words {
  constructor(
    readonly text: string,
    readonly count: number,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly shapes: Uint8Array,
    /** 1 where the word is followed by a period (kept outside its end). */
    readonly dots: Uint8Array,
  ) {
    scanNumber++;
    if (lowerStamps.length < count) lowerStamps = new Int32Array(starts.length);
    while (lowerForms.length < count) lowerForms.push("");
  }
  word(i: number): string {
    return this.text.slice(this.starts[i], this.ends[i]);
  }
  lower(i: number): string {
    if (lowerStamps[i] !== scanNumber) {
      lowerForms[i] = this.word(i).toLowerCase();
      lowerStamps[i] = scanNumber;
    }
    return lowerForms[i];
  }
  dot(i: number): boolean {
    return this.dots[i] === 1;
  }
}

/** The shape flags of text[start, end), a word that starts with a letter. */
function shapeOf(text: string, start: number, end: number): number {
  const code = text.charCodeAt(start);
  if (code >= 97 && code <= 122) return LOWERCASE;
  const first = classOf(text, start);
  if (first & LOWER) return LOWERCASE;
  if (!(first & UPPER)) return 0;
  const firstUnits = unitsOf(text, start);
  if (end - start === firstUnits) return INITIAL;
  let allUpper = true;
  for (let i = start + firstUnits; i < end; ) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      // A lower-case letter decides it: "Müller", "McNeil".
      if (c >= 97 && c <= 122) return CAPITALIZED;
      if (c < 65 || c > 90) allUpper &&= c === APOSTROPHE || c === HYPHEN;
      i++;
      continue;
    }
    if (c !== RIGHT_QUOTE) {
      const k = classOf(text, i);
      if (k & LOWER) return CAPITALIZED;
      if (!(k & UPPER)) allUpper = false;
    }
    i += unitsOf(text, i);
  }
  return allUpper ? ALL_CAPS : 0;
}

/**
 * The parallel arrays `scanWords` fills. They are reused from text to text (making typed arrays
 * costs more than scanning the short texts of a JSONL file), so a `Words` is valid only until
 * `scanWords` reads another text.
 */
const sink = {
  count: 0,
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  shapes: new Uint8Array(1024),
  dots: new Uint8Array(1024),
};

function pushWord(start: number, end: number, shape: number, dot: boolean): void {
  if (sink.count === sink.starts.length) {
    const capacity = sink.count * 2;
    sink.starts = grow(sink.starts, new Int32Array(capacity));
    sink.ends = grow(sink.ends, new Int32Array(capacity));
    sink.shapes = grow(sink.shapes, new Uint8Array(capacity));
    sink.dots = grow(sink.dots, new Uint8Array(capacity));
  }
  sink.starts[sink.count] = start;
  sink.ends[sink.count] = end;
  sink.shapes[sink.count] = shape;
  sink.dots[sink.count] = dot ? 1 : 0;
  sink.count++;
}

function grow<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Whether the unit before i is a letter or a mark, or (with `joiners`) an apostrophe or hyphen. */
function wordUnitBefore(text: string, i: number, joiners: boolean): boolean {
  if (i <= 0) return false;
  const c = text.charCodeAt(i - 1);
  if (c === APOSTROPHE || c === RIGHT_QUOTE || c === HYPHEN) return joiners;
  if (c < 128) return (classes[c] & LETTER) !== 0;
  return (
    (classOf(text, c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1) & (LETTER | MARK)) !== 0
  );
}

/**
 * Tokenizes text[from, to) from a position where no word continues. With `anchor` set, it stops
 * after that position at a line break or once `WORDS_AFTER` words in a row did not start with a
 * capital. Returns where it stopped.
 */
function scanFrom(text: string, from: number, to: number, anchor: number, flags: number): number {
  let sinceCapital = 0;
  let i = from;
  while (i < to) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if (!(classes[code] & LETTER)) {
        if (code === 10 && i > anchor) return i;
        i++;
        continue;
      }
    } else if (!(classOf(text, i) & LETTER)) {
      i += unitsOf(text, i);
      continue;
    }
    if (sinceCapital >= WORDS_AFTER && i > anchor) return i;
    const start = i;
    i += code < 128 ? 1 : unitsOf(text, i);
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        if (!(classes[c] & LETTER) && c !== APOSTROPHE && c !== HYPHEN) break;
        if (i + 1 - start > MAX_TOKEN) break;
        i++;
        continue;
      }
      if (c !== RIGHT_QUOTE && !(classOf(text, i) & (LETTER | MARK))) break;
      const units = unitsOf(text, i);
      if (i + units - start > MAX_TOKEN) break;
      i += units;
    }
    let end = i;
    // Possessive "'s" and trailing apostrophes or hyphens are not part of a name: "Maclean's".
    if (end - start > 2 && text.charCodeAt(end - 1) === 115) {
      const q = text.charCodeAt(end - 2);
      if (q === APOSTROPHE || q === RIGHT_QUOTE) end -= 2;
    }
    for (;;) {
      const last = text.charCodeAt(end - 1);
      if (last !== APOSTROPHE && last !== RIGHT_QUOTE && last !== HYPHEN) break;
      end--;
    }
    const first = text.charCodeAt(start);
    const capital = first < 128 ? first >= 65 && first <= 90 : (classOf(text, start) & UPPER) !== 0;
    sinceCapital = capital ? 0 : sinceCapital + 1;
    pushWord(start, end, shapeOf(text, start, end) | flags, text.charCodeAt(end) === 46);
  }
  return i;
}

/** Where a scan must start to take in the `count` words before position p. */
function wordsBack(text: string, p: number, count: number, floor: number): number {
  let i = p;
  for (let k = 0; k < count && i > floor; k++) {
    while (i > floor && !wordUnitBefore(text, i, false)) i--;
    while (i > floor && wordUnitBefore(text, i, true)) i--;
  }
  return i;
}

/** Capital letters (and any non-ASCII unit, checked by the table). */
const CAPITAL_CANDIDATE = /[A-Z\u00C0-\uFFFF]/g;
/** Lines with these characters are code or markup, not sentences written in lower case. */
const CODE_CHARACTERS = /[{}()[\];=<>`$|\\/_*#@]/g;

/** Words before and after a capitalized word that the name and place rules look at. */
const WORDS_BEFORE = 3;
const WORDS_AFTER = 4;

/** Bit of `Words.shapes` beside the shape flags: the word is in a line without capitals. */
export const LOWER_CASE_LINE = 16;

/**
 * The first code character at or after the line `scanLowerCaseLines` looks at, once found:
 * lines are looked at in text order during one `scanWords`, so the text is searched once.
 */
let codeCharacterAt = -1;

/**
 * Scans the lines of text[from, to), which hold no capital, unless they hold code. Returns the
 * end of the last line scanned, or -1.
 */
function scanLowerCaseLines(text: string, from: number, to: number): number {
  let scannedTo = -1;
  let lineStart = from;
  while (lineStart < to) {
    const nl = text.indexOf("\n", lineStart);
    const lineEnd = nl < 0 || nl > to ? to : nl;
    if (codeCharacterAt < lineStart) {
      CODE_CHARACTERS.lastIndex = lineStart;
      codeCharacterAt = CODE_CHARACTERS.exec(text)?.index ?? text.length;
    }
    if (codeCharacterAt >= lineEnd) {
      scanFrom(text, lineStart, lineEnd, Infinity, LOWER_CASE_LINE);
      scannedTo = lineEnd;
    }
    lineStart = lineEnd + 1;
  }
  return scannedTo;
}

let lastText: string | undefined;
let lastWords: Words | undefined;

/**
 * The words of `text` that names and places can involve: every word within WORDS_BEFORE /
 * WORDS_AFTER words of a word starting with a capital letter, and every word of a line written
 * without capitals that is not code. Capitals are found by a native regex scan, so lower-case
 * prose between them is skipped. Words come in text order, as `\p{L}[\p{L}\p{M}'’-]{0,39}` cuts
 * them (the last result is reused: person and location scan the same text).
 */
export function scanWords(text: string): Words {
  if (text === lastText && lastWords !== undefined) return lastWords;
  sink.count = 0;
  codeCharacterAt = -1;
  let scanned = 0; // the text before this is scanned or skipped
  let windows = 0;
  let lineBreak = -1; // the first line break at or after `scanned`, once known
  /** Scans the lines after the last window that end before `limit`; returns the new floor. */
  const lowerCaseLinesBefore = (limit: number): number => {
    const from = windows === 0 ? 0 : text.indexOf("\n", scanned) + 1 || text.length;
    if (from >= limit) return scanned;
    return Math.max(scanned, scanLowerCaseLines(text, from, limit));
  };
  CAPITAL_CANDIDATE.lastIndex = 0;
  // test, not exec: no match array per capital; the match is the one unit before lastIndex.
  while (CAPITAL_CANDIDATE.test(text)) {
    const at = CAPITAL_CANDIDATE.lastIndex - 1;
    if (!(classOf(text, at) & UPPER)) continue;
    // Lines without capitals lie between the last window and this capital only if a line break
    // does.
    if (lineBreak < scanned) {
      const nl = text.indexOf("\n", scanned);
      lineBreak = nl < 0 ? text.length : nl;
    }
    const floor =
      windows > 0 && lineBreak > at
        ? scanned
        : lowerCaseLinesBefore(text.lastIndexOf("\n", at) + 1);
    const from = wordsBack(text, at, WORDS_BEFORE, floor);
    scanned = scanFrom(text, from, text.length, at, 0);
    windows++;
    CAPITAL_CANDIDATE.lastIndex = scanned;
  }
  lowerCaseLinesBefore(text.length);
  lastText = text;
  lastWords = new Words(text, sink.count, sink.starts, sink.ends, sink.shapes, sink.dots);
  return lastWords;
}

/** Abbreviations whose period does not end a sentence inside a name. */
const ABBREVIATIONS = new Set(["st", "mt", "ft", "jr", "sr", "mr", "mrs", "ms", "dr"]);

/** The text between words a and b is one space (or ". " after an initial or abbreviation). */
export function adjacentWords(words: Words, a: number, b: number): boolean {
  const gap = words.starts[b] - words.ends[a];
  const text = words.text;
  if (gap === 1) return text.charCodeAt(words.ends[a]) === 32;
  return (
    gap === 2 &&
    words.dot(a) &&
    text.charCodeAt(words.ends[a] + 1) === 32 &&
    (words.ends[a] - words.starts[a] === 1 || ABBREVIATIONS.has(words.lower(a)))
  );
}

/** Function words: never part of a name or a place. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  "a|an|the|i|i'm|i've|i'll|i'd|my|me|we|our|you|your|he|she|it|they|them|his|her|their|this|that|these|those|there|here|what|which|who|whom|whose|when|where|why|how|if|then|than|and|or|but|so|not|no|yes|ok|okay|please|thanks|thank|hi|hello|hey|dear|mr|mrs|ms|miss|dr|prof|sir|madam|is|are|was|were|be|been|am|do|does|did|have|has|had|can|could|will|would|shall|should|may|might|must|let|get|got|just|also|all|any|some|each|every|both|either|neither|one|two|three|of|in|on|at|to|from|by|for|with|about|after|before|since|until|into|over|under|as|per|via".split(
    "|",
  ),
);

/** Words that are capitalized at sentence starts or in titles but rarely start a name. */
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...FUNCTION_WORDS,
  ..."new|old|good|great|best|bank|card|credit|account|street|road|avenue|city|state|country|name|email|phone|address|user|bot|customer|agent|patient|doctor|note|subject|re|fw|fwd|date|time|today|tomorrow|yesterday|mission|statement|suite|apt|apartment|unit|box|north|south|east|west|january|february|march|april|june|july|august|september|october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|christmas|easter|god|lord|king|queen|prince|princess|royal|president|minister|university|college|school|hospital|company|inc|ltd|llc|corp|group|team|club|orchestra|band|film|movie|book|song|album|show|chapter|section|page|figure|table|version|summer|winter|spring|autumn|fall|hope|faith|grace|joy|will|bill|mark|rose|may|april|june|sunny|honey|angel|crystal|ruby|pearl|amber|star|sky|rain|storm|river|lake|hill|dale|dell|glen|wood|woods|field|brook|cliff|page|king|earl|duke|baron|major|sergeant|general|judge|bishop|pastor|father|mother|sister|brother|uncle|aunt|guy|man|woman|boy|girl|baby|love|happy|merry|noel|victory|liberty|justice|chance|price|rich|young|golden|lucky|carry|court|fax|desk|e-mail|mail|office|care|tel|web|desk|home|work|staff|local|talking|personal|energetic|awarded|helped|compared|celebrating|when|where|maybe|unlike|during|since|ask|bot|user|client|server|admin|support|sales|service|services".split(
    "|",
  ),
]);

export const MONTH_AND_DAY_WORDS: ReadonlySet<string> = new Set(
  "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday".split(
    "|",
  ),
);
