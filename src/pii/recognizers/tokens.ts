// Word tokens for the name and place recognizers: letters (with marks, apostrophes and inner
// hyphens), their offsets and shape. One hand-written pass over the text: character classes come
// from a table filled lazily per UTF-16 unit (a Unicode property regex per character would cost
// more than the whole scan), and a token's string and lower-case form are made only when a
// recognizer asks for them — most words of prose are never looked at beyond their shape.

/** Shape flags of a token (bits of `Token.shape`). */
export const CAPITALIZED = 1; // upper-case first letter and some lower-case one: "Müller", "McNeil"
export const ALL_CAPS = 2; // two or more letters, all upper case: "NASA", "O'NEIL"
export const INITIAL = 4; // one upper-case letter: "J"
export const LOWERCASE = 8; // lower-case first letter: "street", "van", "iPhone"

export interface Token {
  readonly start: number;
  readonly end: number;
  /** The word without a trailing period, possessive "'s" or trailing apostrophes and hyphens. */
  readonly word: string;
  readonly lower: string;
  /** The word was followed by a period (kept outside `end`). */
  readonly dot: boolean;
  readonly shape: number;
}

// Character classes, one byte per UTF-16 unit, filled on first sight.
const KNOWN = 1;
const LETTER = 2;
const UPPER = 4;
const LOWER = 8;
const MARK = 16;
const classes = new Uint8Array(0x10000);

function classify(code: number): number {
  const c = String.fromCharCode(code);
  let k = KNOWN;
  if (/\p{L}/u.test(c)) k |= LETTER;
  if (/\p{Lu}/u.test(c)) k |= UPPER;
  if (/\p{Ll}/u.test(c)) k |= LOWER;
  if (/\p{M}/u.test(c)) k |= MARK;
  classes[code] = k;
  return k;
}

for (let c = 0; c < 128; c++) classify(c);

function classOf(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    // Astral characters (rare): classify the whole pair with the regexes.
    const pair = text.slice(i, i + 2);
    let k = KNOWN;
    if (/^\p{L}$/u.test(pair)) k |= LETTER;
    if (/^\p{Lu}$/u.test(pair)) k |= UPPER;
    if (/^\p{Ll}$/u.test(pair)) k |= LOWER;
    if (/^\p{M}$/u.test(pair)) k |= MARK;
    return k;
  }
  const k = classes[code];
  return k === 0 ? classify(code) : k;
}

const unitsOf = (text: string, i: number) => {
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
};

const APOSTROPHE = 39;
const RIGHT_QUOTE = 0x2019;
const HYPHEN = 45;
/** At most this many UTF-16 units per token (as the regex `\p{L}[\p{L}\p{M}'’-]{0,39}`). */
const MAX_TOKEN = 40;

class WordToken implements Token {
  #word: string | undefined;
  #lower: string | undefined;
  constructor(
    private readonly text: string,
    readonly start: number,
    readonly end: number,
    readonly dot: boolean,
    readonly shape: number,
  ) {}
  get word(): string {
    if (this.#word === undefined) this.#word = this.text.slice(this.start, this.end);
    return this.#word;
  }
  get lower(): string {
    if (this.#lower === undefined) this.#lower = this.word.toLowerCase();
    return this.#lower;
  }
}

/** The shape flags of text[start, end), a word that starts with a letter. */
function shapeOf(text: string, start: number, end: number): number {
  const first = classOf(text, start);
  if (first & LOWER) return LOWERCASE;
  if (!(first & UPPER)) return 0;
  const firstUnits = unitsOf(text, start);
  if (end - start === firstUnits) return INITIAL;
  let lower = false;
  let allUpper = true;
  for (let i = start + firstUnits; i < end; i += unitsOf(text, i)) {
    const code = text.charCodeAt(i);
    if (code === APOSTROPHE || code === RIGHT_QUOTE || code === HYPHEN) continue;
    const k = classOf(text, i);
    if (k & LOWER) lower = true;
    if (!(k & UPPER)) allUpper = false;
  }
  return lower ? CAPITALIZED : allUpper ? ALL_CAPS : 0;
}

let lastText: string | undefined;
let lastTokens: Token[] = [];

/** Word tokens of `text` (the last result is reused: person and location scan the same text). */
export function tokenize(text: string): Token[] {
  if (text === lastText) return lastTokens;
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if (!(classes[code] & LETTER)) {
        i++;
        continue;
      }
    } else if (!(classOf(text, i) & LETTER)) {
      i += unitsOf(text, i);
      continue;
    }
    const start = i;
    i += code < 128 ? 1 : unitsOf(text, i);
    while (i < n) {
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
    out.push(
      new WordToken(text, start, end, text.charCodeAt(end) === 46, shapeOf(text, start, end)),
    );
  }
  lastText = text;
  lastTokens = out;
  return out;
}

// The shape tests run on every token: ASCII is decided by char codes, other text by the
// Unicode regexes (the same answer, several times faster on English prose).
const isAsciiUpper = (c: number) => c >= 65 && c <= 90;
const isAsciiLower = (c: number) => c >= 97 && c <= 122;

/** Name-like capitalization: Title case, "McConnan", "O'Neil", "DeLuca". */
export function isCapitalized(word: string): boolean {
  if (word.length < 2) return false;
  const first = word.charCodeAt(0);
  if (first < 128) {
    if (!isAsciiUpper(first)) return false;
    for (let i = 1; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (isAsciiLower(c)) return true;
      if (c >= 128) return /\p{Ll}/u.test(word.slice(i));
    }
    return false;
  }
  return /^\p{Lu}/u.test(word) && /\p{Ll}/u.test(word);
}

export function isAllCaps(word: string): boolean {
  if (word.length < 2) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 128) return /^[\p{Lu}'’-]+$/u.test(word);
    if (!isAsciiUpper(c) && c !== 39 && c !== 45) return false;
  }
  return true;
}

/** Abbreviations whose period does not end a sentence inside a name. */
const ABBREVIATIONS = new Set(["st", "mt", "ft", "jr", "sr", "mr", "mrs", "ms", "dr"]);

/** The text between two tokens is one space (or ". " after an initial). */
export function adjacent(text: string, a: Token, b: Token): boolean {
  const gap = b.start - a.end;
  if (gap === 1) return text.charCodeAt(a.end) === 32;
  return (
    gap === 2 &&
    a.dot &&
    text.charCodeAt(a.end + 1) === 32 &&
    (a.word.length === 1 || ABBREVIATIONS.has(a.lower))
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
