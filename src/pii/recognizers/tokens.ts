// Word tokens for the name and place recognizers: letters (with marks, apostrophes and inner
// hyphens), their offsets, and a few shape tests. Bounded token length keeps the scan linear.

export interface Token {
  readonly start: number;
  readonly end: number;
  /** The word without a trailing period. */
  readonly word: string;
  readonly lower: string;
  /** The word was followed by a period (kept outside `end`). */
  readonly dot: boolean;
}

const WORD = /\p{L}[\p{L}\p{M}'’-]{0,39}/gu;

let lastText: string | undefined;
let lastTokens: Token[] = [];

/** Word tokens of `text` (the last result is reused: person and location scan the same text). */
export function tokenize(text: string): Token[] {
  if (text === lastText) return lastTokens;
  const out: Token[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    let word = m[0];
    // Possessive "'s" and trailing apostrophes or hyphens are not part of a name: "Maclean's".
    if (word.length > 2 && (word.endsWith("'s") || word.endsWith("’s"))) word = word.slice(0, -2);
    let last = word.charCodeAt(word.length - 1);
    while (last === 39 || last === 0x2019 || last === 45) {
      word = word.slice(0, -1);
      last = word.charCodeAt(word.length - 1);
    }
    const end = m.index + word.length;
    out.push({ start: m.index, end, word, lower: word.toLowerCase(), dot: text[end] === "." });
  }
  lastText = text;
  lastTokens = out;
  return out;
}

/** Starts with an upper-case letter and continues in lower case (Title case), e.g. "Müller". */
export function isTitleCase(word: string): boolean {
  return /^\p{Lu}[\p{Ll}\p{M}'’-]*(?:[-'’]\p{Lu}[\p{Ll}\p{M}]*)*$/u.test(word) && word.length > 1;
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
