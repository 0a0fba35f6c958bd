// Helpers shared by the regex recognizers. Every pattern in this folder uses only bounded
// quantifiers (no `+`/`*` over a class that can also match what follows), so a match attempt
// at one position does a constant amount of work and a whole pass is linear in the text.

import type { EntityType, RawFinding } from "../types.js";
import { DIGIT, LETTER, unitClass } from "./char-classes.js";

export interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly match: RegExpExecArray;
}

/** Whether the unit at `i` is a letter or digit (false outside the text; ASCII fast path). */
export function wordCharAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || isAsciiLetter(c);
  return (unitClass(c) & (LETTER | DIGIT)) !== 0;
}

/**
 * All non-overlapping matches of a global regex, left to right. `notAfter` lists characters
 * (besides letters and digits) that must not precede a match: checking it here instead of in a
 * leading lookbehind lets the regex engine skip ahead to the pattern's first character, which is
 * several times faster on long text.
 */
export function* matches(re: RegExp, text: string, notAfter?: string): Generator<Candidate> {
  if (!re.global) throw new Error(`recognizer regex ${re} must be global`);
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (notAfter !== undefined && m.index > 0) {
      const prev = m.index - 1;
      if (wordCharAt(text, prev) || notAfter.includes(text[prev])) {
        re.lastIndex = m.index + 1;
        continue;
      }
    }
    yield { start: m.index, end: m.index + m[0].length, match: m };
  }
}

/**
 * `text.includes(needle)`, searching for the needle from `rareFrom` on: V8's indexOf looks for
 * a needle's first character and checks the rest at each hit, which is slow when that character
 * is common in prose ("e", "-") and the needle is absent.
 */
export function includesFrom(text: string, needle: string, rareFrom: number): boolean {
  const rare = needle.slice(rareFrom);
  for (let i = text.indexOf(rare, rareFrom); i >= 0; i = text.indexOf(rare, i + 1)) {
    if (text.startsWith(needle, i - rareFrom)) return true;
  }
  return false;
}

/** Whether a UTF-16 code unit (NaN outside a text: no) is an ASCII letter. */
export function isAsciiLetter(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}

/** Membership table of the ASCII characters matching a one-character class regex. */
export function asciiSet(charClass: RegExp): Uint8Array {
  const set = new Uint8Array(128);
  for (let c = 0; c < 128; c++) set[c] = charClass.test(String.fromCharCode(c)) ? 1 : 0;
  return set;
}

/** The ASCII letters, as an `asciiSet`. */
export const ASCII_LETTERS = asciiSet(/[A-Za-z]/);

/**
 * Maximal runs of characters from an ASCII `set` that are at least `minLength` long, as
 * [start, end) pairs. Probes every `minLength`-th character: a probe outside the set rules out
 * a run through it, one inside costs a walk over its stretch, so prose costs a few character
 * tests per `minLength` characters, far less than a regex trying a class at every position.
 */
export function longRuns(text: string, set: Uint8Array, minLength: number): [number, number][] {
  const out: [number, number][] = [];
  const inSet = (i: number) => {
    const c = text.charCodeAt(i);
    return c < 128 && set[c] === 1;
  };
  let probe = minLength - 1;
  let scannedTo = 0; // no run starts before this (everything before it is decided)
  while (probe < text.length) {
    if (!inSet(probe)) {
      scannedTo = probe + 1;
      probe += minLength;
      continue;
    }
    // The stretch around the probe: each character is visited at most twice overall.
    let start = probe;
    while (start > scannedTo && inSet(start - 1)) start--;
    let end = probe + 1;
    while (end < text.length && inSet(end)) end++;
    if (end - start >= minLength) out.push([start, end]);
    scannedTo = end + 1;
    probe = end + minLength;
  }
  return out;
}

/**
 * Matches of a global regex whose first character must not follow a character of `before`
 * (an ASCII set): the check a leading lookbehind would make, done here so the regex engine can
 * skip ahead to the pattern's first character.
 */
export function* matchesNotAfter(
  re: RegExp,
  text: string,
  before: Uint8Array,
): Generator<Candidate> {
  for (const c of matches(re, text)) {
    const prev = c.start > 0 ? text.charCodeAt(c.start - 1) : 128;
    if (prev < 128 && before[prev] === 1) {
      re.lastIndex = c.start + 1;
      continue;
    }
    yield c;
  }
}

/** Base64 characters (RFC 4648 §4 alphabet without padding). */
export const BASE64_CHARS = asciiSet(/[A-Za-z0-9/+]/);
/** The shortest token `longTokens` reports. */
export const LONG_TOKEN_LENGTH = 26;
let tokensText: string | undefined;
let tokensCache: [number, number][] = [];

/**
 * Maximal runs of at least LONG_TOKEN_LENGTH base64 characters: where keys, tokens and wallet
 * addresses can be. Kept for the last text, like digit-runs.ts's `digitRuns`.
 */
export function longTokens(text: string): readonly [number, number][] {
  if (text !== tokensText) {
    tokensCache = longRuns(text, BASE64_CHARS, LONG_TOKEN_LENGTH);
    tokensText = text;
  }
  return tokensCache;
}

export function finding(
  type: EntityType,
  start: number,
  end: number,
  score: number,
  recognizer: string,
  extra: Partial<
    Pick<RawFinding, "context" | "negativeContext" | "detail" | "scoreWithContext">
  > = {},
): RawFinding {
  // One object shape for every finding keeps the analyzer's property reads monomorphic.
  return {
    type,
    start,
    end,
    score,
    recognizer,
    context: extra.context,
    scoreWithContext: extra.scoreWithContext,
    negativeContext: extra.negativeContext,
    detail: extra.detail,
  };
}

/** Digits only. */
export function digitsOf(s: string): string {
  return s.replace(/\D/g, "");
}

/** Trailing sentence punctuation that a greedy token pattern swallowed. */
export function trimTrailingPunctuation(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && ".,;:!?'\"".includes(text[e - 1])) e--;
  // An unbalanced closing bracket belongs to the sentence, not to the token.
  while (e > start && ")]}".includes(text[e - 1])) {
    const close = text.charCodeAt(e - 1);
    const open = close === 41 ? 40 : close - 2; // "(" for ")", "[" for "]", "{" for "}"
    let depth = 0; // opened minus closed before the bracket
    for (let i = start; i < e - 1; i++) {
      const c = text.charCodeAt(i);
      if (c === open) depth++;
      else if (c === close) depth--;
    }
    if (depth > 0) break;
    e--;
    while (e > start && ".,;:!?'\"".includes(text[e - 1])) e--;
  }
  return e;
}

/** Negative-context words shared by the numeric recognizers (hard negatives). */
export const NUMBER_NEGATIVE_CONTEXT = [
  "order",
  "invoice",
  "tracking",
  "ticket",
  "ref",
  "reference",
  "version",
  "build",
  "sku",
  "isbn",
  "serial",
  "part",
  "case",
] as const;
