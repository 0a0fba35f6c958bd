// Helpers shared by the regex recognizers. Every pattern in this folder uses only bounded
// quantifiers (no `+`/`*` over a class that can also match what follows), so a match attempt
// at one position does a constant amount of work and a whole pass is linear in the text.

import type { EntityType, RawFinding } from "../types.js";

export interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly match: RegExpExecArray;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether the character before `i` is a letter or digit (ASCII fast path). */
export function wordCharAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
  return WORD_CHAR.test(text[i]);
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
  return { type, start, end, score, recognizer, ...extra };
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
    const open = { ")": "(", "]": "[", "}": "{" }[text[e - 1] as ")" | "]" | "}"];
    const body = text.slice(start, e - 1);
    if (body.split(open).length > body.split(text[e - 1]).length) break;
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
