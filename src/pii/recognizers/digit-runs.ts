// Scans anchored on runs of digits. Most numeric patterns (card, SSN, NHS and IBAN numbers, IPv4
// addresses, numeric dates and times, phone, licence and passport numbers) start at most a couple
// of characters before their first run of digits. The runs are found once per text for all of
// them; each pattern is then tried (sticky) only just before the runs that pass a cheap necessary
// condition, instead of at every position of the text.

import { type Candidate, wordCharAt } from "./util.js";

// Each test skips to the end of the next run (no match array is allocated); its start is found
// by stepping back over its digits.
const TO_RUN_END = /\D*\d+/y;
let runsText: string | undefined;
let runsCache: number[] = [];

/**
 * The maximal runs of ASCII digits in `text`, as flat [start, end, start, end, …]. The last
 * text's runs are kept, as the analyzer hands the same string to every recognizer in turn.
 */
export function digitRuns(text: string): readonly number[] {
  if (text !== runsText) {
    const runs: number[] = [];
    TO_RUN_END.lastIndex = 0;
    while (TO_RUN_END.test(text)) {
      const end = TO_RUN_END.lastIndex;
      let start = end - 1;
      while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
      runs.push(start, end);
    }
    runsText = text;
    runsCache = runs;
  }
  return runsCache;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * A necessary condition for a match whose first digit run is the one at `runs[r]` (start) and
 * `runs[r + 1]` (end); a false answer saves the regex attempt.
 */
export type RunTest = (text: string, runs: readonly number[], r: number) => boolean;

/**
 * Whether the digits of the runs from `r` on, each at most `maxGap` characters after the one
 * before, add up to `min`.
 */
export function chainedDigits(runs: readonly number[], r: number, maxGap: number, min: number) {
  let count = runs[r + 1] - runs[r];
  for (let k = r + 2; count < min && k < runs.length && runs[k] - runs[k - 1] <= maxGap; k += 2) {
    count += runs[k + 1] - runs[k];
  }
  return count >= min;
}

/** A range of run lengths: [min, max]. */
export type Lengths = readonly [number, number];

/**
 * Whether the runs from `r` on have the lengths of `shape`, one range per run, and each starts
 * one character after the run before it ends, the same character throughout.
 */
export function runsShaped(
  text: string,
  runs: readonly number[],
  r: number,
  shape: readonly Lengths[],
): boolean {
  if (r + 2 * shape.length > runs.length) return false;
  const separator = text.charCodeAt(runs[r + 1]);
  for (let k = 0; k < shape.length; k++) {
    const i = r + 2 * k;
    const length = runs[i + 1] - runs[i];
    if (length < shape[k][0] || length > shape[k][1]) return false;
    if (k > 0 && (runs[i] !== runs[i - 1] + 1 || text.charCodeAt(runs[i - 1]) !== separator)) {
      return false;
    }
  }
  return true;
}

/** A pattern and where it can start relative to its first digit run. */
export interface DigitAnchoredScan {
  /** Sticky. */
  readonly re: RegExp;
  /** At most this many characters, none a digit, come before the first digit run. */
  readonly lead: number;
  /** The ASCII characters a match can start with when it starts before its first digit run. */
  readonly leadStart?: Uint8Array;
  /** Characters (besides letters and digits) that must not precede a match. */
  readonly notAfter: string;
  /** The lengths the first run can have. */
  readonly first: Lengths;
  /** The ASCII characters that can come right before the first run, if one must. */
  readonly precededBy?: Uint8Array;
  /** The ASCII characters that can follow the first run, if one must. */
  readonly followedBy?: Uint8Array;
  /** A further condition, asked only about runs that pass the fields above. */
  readonly mayStart?: RunTest;
}

/**
 * What a global scan with `re` yields through util's `matches(…, notAfter)`. The positions tried
 * are visited in ascending order and every match the global scan accepts starts at one of them,
 * so the first hit at or after the previous match's end is the one the global scan would accept.
 */
export function digitAnchoredMatches(scan: DigitAnchoredScan, text: string): Candidate[] {
  const { re, lead, leadStart, notAfter, first, precededBy, followedBy, mayStart } = scan;
  if (!re.sticky) throw new Error(`anchored recognizer regex ${re} must be sticky`);
  const runs = digitRuns(text);
  const out: Candidate[] = [];
  let next = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const run = runs[r];
    const length = runs[r + 1] - run;
    if (run < next || length < first[0] || length > first[1]) continue;
    if (precededBy !== undefined && precededBy[text.charCodeAt(run - 1)] !== 1) continue;
    if (followedBy !== undefined && followedBy[text.charCodeAt(runs[r + 1])] !== 1) continue;
    if (mayStart !== undefined && !mayStart(text, runs, r)) continue;
    for (let s = Math.max(next, run - lead); s <= run; s++) {
      if (s > 0 && (wordCharAt(text, s - 1) || notAfter.includes(text[s - 1]))) continue;
      if (s < run && leadStart !== undefined && !(leadStart[text.charCodeAt(s)] === 1)) continue;
      re.lastIndex = s;
      const m = re.exec(text);
      if (m === null || m[0].length === 0) continue;
      next = s + m[0].length;
      out.push({ start: s, end: next, match: m });
      break;
    }
  }
  return out;
}
