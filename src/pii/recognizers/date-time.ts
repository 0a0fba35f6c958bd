// Dates and times: ISO 8601 calendar dates and times, US (M/D/Y) and European (D.M.Y) numeric
// dates, written-out month dates, weekdays and years; every numeric date is checked against
// the Gregorian calendar (month 1–12, day within the month, leap years).

import type { RawFinding, Recognizer } from "../types.js";
import { finding, matches, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

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
// No leading lookbehind (slow on long text): `matches` checks the preceding character.
const B = "";
const E = "(?![\\p{L}\\p{N}])";

const ISO = new RegExp(
  `${B}(\\d{4})-(\\d{2})-(\\d{2})(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?(?![\\p{L}\\p{N}]|-\\d)`,
  "gu",
);
const SLASH = new RegExp(
  `${B}(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?: ${TIME})?(?![\\p{L}\\p{N}]|[/.-]\\d)`,
  "giu",
);
const WRITTEN = new RegExp(
  `${B}(?:${DAYS},? )?(?:${MONTHS}\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?|\\d{1,2}(?:st|nd|rd|th)? (?:of )?${MONTHS}\\.?(?:,? \\d{4})?|${MONTHS} \\d{4})${E}`,
  "giu",
);
const WEEKDAY = new RegExp(`${B}${DAYS}${E}`, "giu");
const CLOCK = new RegExp(`${B}${TIME}${E}`, "giu");
const YEAR = new RegExp(`${B}(?:1[89]|20)\\d{2}(?:s)?(?![\\p{L}\\p{N}]|[-/.:,]\\d)`, "gu");

export const dateTimeRecognizer: Recognizer = {
  name: "date-time",
  entities: ["DATE_TIME"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    const context = ["date", "born", "birthday", "dob", "on", "since", "in", "at", "year", "time"];
    const add = (start: number, end: number, score: number) =>
      out.push(finding("DATE_TIME", start, end, score, "date-time", { context }));
    for (const { start, end, match: m } of matches(ISO, text, "")) {
      if (!validDate(Number(m[1]), Number(m[2]), Number(m[3]))) continue;
      if (m[4] !== undefined && !validTime(Number(m[4]), Number(m[5]), Number(m[6] ?? 0))) {
        continue;
      }
      add(start, end, 0.85);
    }
    for (const { start, end, match: m } of matches(SLASH, text, "")) {
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
    for (const { start, end } of matches(WRITTEN, text, "")) add(start, end, 0.7);
    for (const { start, end } of matches(WEEKDAY, text, "")) add(start, end, 0.6);
    for (const { start, end, match: m } of matches(CLOCK, text, "")) {
      const [h, min] = m[0].split(":").map((v) => Number.parseInt(v, 10));
      if (validTime(h, min)) add(start, end, /[ap]/i.test(m[0]) ? 0.6 : 0.4);
    }
    for (const { start, end } of matches(YEAR, text, "")) add(start, end, 0.4);
    return out;
  },
};
