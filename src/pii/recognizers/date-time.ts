// Dates and times: ISO 8601 calendar dates and times, US (M/D/Y) and European (D.M.Y) numeric
// dates, written-out month dates, weekdays and years; every date with a day is checked against
// the Gregorian calendar (month 1–12, day within the month, leap years).

import type { RawFinding, Recognizer } from "../types.js";
import {
  type DigitAnchoredScan,
  digitAnchoredMatches,
  digitRuns,
  type Lengths,
  runsShaped,
} from "./digit-runs.js";
import { asciiSet, finding, matches, NUMBER_NEGATIVE_CONTEXT, wordCharAt } from "./util.js";

export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

const validTime = (h: number, m: number, s = 0) => h <= 24 && m <= 59 && s <= 60;
const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

const MONTHS =
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const DAYS = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const TIME = "\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?: ?[ap]\\.?m\\.?)?";
const E = "(?![\\p{L}\\p{N}])";

// The numeric patterns are tried (sticky) only at digit runs that can start them (digit-runs.ts).
export const ISO_DATES: DigitAnchoredScan = {
  re: /(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\p{L}\p{N}]|-\d)/uy,
  lead: 0,
  notAfter: "",
  first: [4, 4],
  followedBy: asciiSet(/-/),
};
const DAY_MONTH_YEAR: readonly Lengths[] = [
  [1, 2],
  [1, 2],
  [2, 4],
];
export const NUMERIC_DATES: DigitAnchoredScan = {
  re: new RegExp(
    `(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?: ${TIME})?(?![\\p{L}\\p{N}]|[/.-]\\d)`,
    "iuy",
  ),
  lead: 0,
  notAfter: "",
  first: [1, 2],
  followedBy: asciiSet(/[/.-]/),
  // Day or month, day or month, year, with the same separator twice.
  mayStart: (text, runs, r) => runsShaped(text, runs, r, DAY_MONTH_YEAR),
};
// Written dates and weekdays are tried (sticky) only at word starts next to a trigger found by a
// cheap scan (a digit run, or "day") instead of scanning with alternations of names that start
// with most letters of the alphabet.
const WRITTEN = new RegExp(
  `(?:${DAYS},? )?(?:${MONTHS}\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?|\\d{1,2}(?:st|nd|rd|th)? (?:of )?${MONTHS}\\.?(?:,? \\d{4})?|${MONTHS} \\d{4})${E}`,
  "iuy",
);
const WEEKDAY = new RegExp(`${DAYS}${E}`, "iuy");
const DAY_SUFFIX = /day(?![\p{L}\p{N}])/giu;
/** Weekday names end in "day"; what comes before it is 3 ("mon") to 6 ("wednes") long. */
const WEEKDAY_STEMS = [6, 5, 4, 3] as const;
/** Three ASCII units as one number (each below 128). */
const trigram = (a: number, b: number, c: number) => (a << 14) | (b << 7) | c;
/** First three letters of the month names, lower case, January first. */
const MONTH_STEMS = "jan feb mar apr may jun jul aug sep oct nov dec".split(" ");
/** First three letters of the month and weekday names, lower case, as trigrams. */
const NAME_PREFIXES = new Set(
  [...MONTH_STEMS, ..."mon tue wed thu fri sat sun".split(" ")].map((p) =>
    trigram(p.charCodeAt(0), p.charCodeAt(1), p.charCodeAt(2)),
  ),
);

/** Whether a month or weekday name may start at `i`: a known prefix, or a non-ASCII letter
 * among the first three (case-insensitive Unicode matching folds some of those to ASCII). */
function namePrefixAt(text: string, i: number): boolean {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  const c = text.charCodeAt(i + 2);
  if (a >= 128 || b >= 128 || c >= 128) return true;
  return NAME_PREFIXES.has(trigram(a | 32, b | 32, c | 32));
}

const wordStartAt = (text: string, i: number) => wordCharAt(text, i) && !wordCharAt(text, i - 1);

/** Start of the word (letters and digits) ending at `end`, looking back at most `max`. */
function wordStartBefore(text: string, end: number, max: number): number {
  let i = end;
  while (i > 0 && end - i < max && wordCharAt(text, i - 1)) i--;
  return i;
}

const LONGEST_NAME = 9; // "september", "wednesday"

/**
 * Whether a month name may follow the day that ends at `end` in a written date that starts with
 * it ("3 May", "3rd of May"): after an optional two-letter ordinal suffix, a space, then a name
 * prefix, or "of " and one.
 */
function monthMayFollow(text: string, end: number): boolean {
  const space = text.charCodeAt(end) === 32 ? end : end + 2;
  if (text.charCodeAt(space) !== 32) return false;
  return namePrefixAt(text, space + 1) || namePrefixAt(text, space + 4);
}

/**
 * Where a written date whose first digit run starts at `digit` can start, ascending: that run
 * itself (a day of one or two digits before a month name), or, after "name ", "name. " or
 * "name, ", the name (a month, or a weekday before a day) and the weekday before a month
 * ("name, name ").
 */
function writtenStarts(text: string, digit: number, runLength: number): number[] {
  const starts: number[] = [];
  if (text[digit - 1] === " ") {
    const nameEnd = text[digit - 2] === "." || text[digit - 2] === "," ? digit - 2 : digit - 1;
    const name = wordStartBefore(text, nameEnd, LONGEST_NAME + 1);
    if (name < nameEnd) {
      let gap = name;
      if (text[gap - 1] === " ") gap--;
      if (gap < name && text[gap - 1] === ",") gap--;
      const day = wordStartBefore(text, gap, LONGEST_NAME + 1);
      if (gap < name && day < gap) starts.push(day);
      starts.push(name);
    }
  }
  if (runLength <= 2 && monthMayFollow(text, digit + runLength)) starts.push(digit);
  return starts;
}

/**
 * The matches `matches(WRITTEN-as-global, text, "")` would yield, left to right. A written date
 * holds a digit run of one, two or four digits, the first of which starts the date or follows a
 * name and a space (see writtenStarts); WRITTEN is tried only at those starts.
 */
function* writtenDates(text: string): Generator<{ start: number; end: number }> {
  const runs = digitRuns(text);
  let next = 0; // positions before this were tried or lie in a match
  for (let r = 0; r < runs.length; r += 2) {
    const digit = runs[r];
    const length = runs[r + 1] - digit;
    if (digit < next || length === 3 || length > 4) continue;
    // Most runs (parts of numbers, codes, times) follow no space and start no date.
    if (text.charCodeAt(digit - 1) !== 32 && (length > 2 || wordCharAt(text, digit - 1))) continue;
    for (const s of writtenStarts(text, digit, length)) {
      if (s < next || !wordStartAt(text, s)) continue;
      if (s < digit && !namePrefixAt(text, s)) continue;
      next = s + 1;
      WRITTEN.lastIndex = s;
      const m = WRITTEN.exec(text);
      if (m === null) continue;
      next = s + m[0].length;
      yield { start: s, end: next };
      break;
    }
  }
}

/**
 * Whether a written date's day, if it has one, is in its month ("May 39" and "0th of March" are
 * no dates; "February 29" is one when no year says otherwise). Weekday names hold no month stem.
 */
export function writtenDateValid(date: string): boolean {
  const day = /(?<!\d)(\d{1,2})(?!\d)/.exec(date);
  if (day === null) return true;
  // Case-insensitive Unicode matching lets "ſ" stand for "s" ("ſept").
  const lower = date.toLowerCase().replaceAll("ſ", "s");
  const month = MONTH_STEMS.findIndex((stem) => lower.includes(stem)) + 1;
  const year = /\d{4}/.exec(date);
  return validDate(year === null ? 2000 : Number(year[0]), month, Number(day[1]));
}

/** The matches of WEEKDAY as a global scan with matches(…, ""), found from each "day". */
function* weekdays(text: string): Generator<{ start: number; end: number }> {
  let next = 0;
  for (const { start: day, end } of matches(DAY_SUFFIX, text)) {
    for (const stem of WEEKDAY_STEMS) {
      const s = day - stem;
      if (s < next || !wordStartAt(text, s)) continue;
      WEEKDAY.lastIndex = s;
      if (WEEKDAY.exec(text) === null) continue;
      next = end;
      yield { start: s, end };
      break;
    }
  }
}
export const CLOCK_TIMES: DigitAnchoredScan = {
  re: new RegExp(`${TIME}${E}`, "iuy"),
  lead: 0,
  notAfter: "",
  first: [1, 2],
  followedBy: asciiSet(/:/),
};
export const YEARS: DigitAnchoredScan = {
  re: /(?:1[89]|20)\d{2}(?:s)?(?![\p{L}\p{N}]|[-/.:,]\d)/uy,
  lead: 0,
  notAfter: "",
  first: [4, 4],
  // From 1800 to 2099: "18", "19" or "20" first.
  mayStart: (text, runs, r) => {
    const first = text.charCodeAt(runs[r]);
    const second = text.charCodeAt(runs[r] + 1);
    return first === 49 ? second === 56 || second === 57 : first === 50 && second === 48;
  },
};

export const dateTimeRecognizer: Recognizer = {
  name: "date-time",
  entities: ["DATE_TIME"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    const context = ["date", "born", "birthday", "dob", "on", "since", "in", "at", "year", "time"];
    const add = (start: number, end: number, score: number) =>
      out.push(finding("DATE_TIME", start, end, score, "date-time", { context }));
    for (const { start, end, match: m } of digitAnchoredMatches(ISO_DATES, text)) {
      if (!validDate(Number(m[1]), Number(m[2]), Number(m[3]))) continue;
      if (m[4] !== undefined && !validTime(Number(m[4]), Number(m[5]), Number(m[6] ?? 0))) {
        continue;
      }
      add(start, end, 0.85);
    }
    for (const { start, end, match: m } of digitAnchoredMatches(NUMERIC_DATES, text)) {
      const a = Number(m[1]);
      const b = Number(m[3]);
      const y = fullYear(m[4]);
      // Month/day order is ambiguous with slashes and dashes; either reading that is a real date
      // counts. Dotted dates are day.month.year (as in German, Polish, Finnish …), never
      // month-first, which also keeps version strings such as 9.23.18 out.
      const real = m[2] === "." ? validDate(y, b, a) : validDate(y, a, b) || validDate(y, b, a);
      if (!real) continue;
      out.push(
        finding("DATE_TIME", start, end, m[4].length === 4 ? 0.6 : 0.45, "date-time", {
          context,
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
        }),
      );
    }
    for (const { start, end } of writtenDates(text)) {
      if (writtenDateValid(text.slice(start, end))) add(start, end, 0.7);
    }
    for (const { start, end } of weekdays(text)) add(start, end, 0.6);
    for (const { start, end, match: m } of digitAnchoredMatches(CLOCK_TIMES, text)) {
      const [h, min] = m[0].split(":").map((v) => Number.parseInt(v, 10));
      if (validTime(h, min)) add(start, end, /[ap]/i.test(m[0]) ? 0.6 : 0.4);
    }
    for (const { start, end } of digitAnchoredMatches(YEARS, text)) add(start, end, 0.4);
    return out;
  },
};
