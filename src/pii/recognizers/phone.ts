// Phone numbers: candidates by pattern, validated with libphonenumber-js (a port of Google's
// libphonenumber metadata): international numbers by their country code, national numbers
// against the numbering plans of a list of regions.

import type { CountryCode } from "libphonenumber-js/max";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { RawFinding, Recognizer } from "../types.js";
import { chainedDigits, type DigitAnchoredScan, digitAnchoredMatches } from "./digit-runs.js";
import {
  afterIddPrefix,
  NOT_A_NUMBER,
  type NumberingPlan,
  numberingPlan,
  readPlainNumber,
  type Verdict,
} from "./phone-reading.js";
import { asciiSet, finding, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

/** Regions tried for numbers written without a country code (many national formats). */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = [
  "US",
  "GB",
  "CA",
  "AU",
  "NZ",
  "IE",
  "IN",
  "ZA",
  "DE",
  "FR",
  "NL",
  "BE",
  "LU",
  "CH",
  "AT",
  "IT",
  "ES",
  "PT",
  "SE",
  "NO",
  "DK",
  "FI",
  "IS",
  "PL",
  "CZ",
  "SK",
  "SI",
  "HU",
  "HR",
  "RO",
  "BG",
  "GR",
  "CY",
  "EE",
  "LV",
  "LT",
  "BR",
  "MX",
  "JP",
];

// An optional + or 00 prefix, an optional "(0)" trunk marker, then 6–17 digits separated by
// single spaces, dots, dashes or parentheses, and an optional extension. Bounded length.
// Between two digits: up to two separators, or an opening parenthesis with at most one
// separator on each side — written so that each gap can be read only one way (as
// `[ .-]?\(?[ .-]?` it could put a lone separator in either slot, and a run such as "1-1-1-…"
// cost 2^16 backtracking paths per start).
// The pattern is tried (sticky) only up to two characters ("+(") before a digit run that starts
// six digits, each at most four characters (")" and " ( ") after the one before.
export const PHONE_CANDIDATES: DigitAnchoredScan = {
  re: /(?:\+|00)?\(?\d(?:(?:[ .-]{0,2}|[ .-]?\([ .-]?)\d\)?){5,16}(?: ?(?:x|ext\.?|#) ?\d{1,5})?(?![\p{L}\p{N}]|[-/.]\d)/iuy,
  lead: 2,
  leadStart: asciiSet(/[+(]/),
  notAfter: "+_/.-",
  first: [1, 19], // "00" and 17 digits
  mayStart: (_, runs, r) => chainedDigits(runs, r, 4, 6),
};

/** How many of the regions a bare digit run (no separators, no +) is validated against. */
const BARE_REGIONS = 4;

const CONTEXT = [
  "phone",
  "call",
  "tel",
  "telephone",
  "mobile",
  "cell",
  "fax",
  "number",
  "contact",
  "reach",
  "dial",
  "whatsapp",
  "sms",
  "text",
  "registered",
  "answering",
  "ring",
];

const NEGATIVE_CONTEXT = [...NUMBER_NEGATIVE_CONTEXT, "zip", "postal", "postcode"];

function separatorsLookLikePhone(raw: string): boolean {
  return /[ .()-]/.test(raw.trim());
}

// Necessary conditions for a national number to be possible or valid in a region, from the
// region's metadata: after its national prefix is stripped, the national significant number has
// one of the region's possible lengths (and, to be valid, matches its general pattern). They
// rule out most regions for a candidate before its verdict is read. Regions whose prefix rule
// rewrites digits, and numbers that start with the region's international dialling prefix or its
// country calling code (libphonenumber strips a calling code written without "+"), always pass.

/**
 * Whether `test` holds for a national significant number libphonenumber may read from national
 * digits: the digits themselves or, as it does without a transform rule, the digits after the
 * national prefix match.
 */
function someSignificantNumber(
  plan: NumberingPlan,
  digits: string,
  test: (national: string) => boolean,
): boolean {
  if (test(digits)) return true;
  const m = plan.prefix?.exec(digits);
  return m !== null && m !== undefined && m[0].length > 0 && test(digits.slice(m[0].length));
}

/** The conditions do not hold when libphonenumber would read the digits another way. */
function undecidable(plan: NumberingPlan, digits: string): boolean {
  return (
    plan.transform !== undefined ||
    afterIddPrefix(plan, digits) !== undefined ||
    digits.startsWith(plan.callingCode)
  );
}

/** A necessary condition for `isPossiblePhoneNumber(digits, region)`: a possible length. */
export function mayBeNational(digits: string, region: CountryCode): boolean {
  const plan = numberingPlan(region);
  if (undecidable(plan, digits)) return true;
  return someSignificantNumber(plan, digits, (n) => plan.lengths.includes(n.length));
}

/**
 * A necessary condition for `isValidPhoneNumber(digits, region)`: a national significant number
 * with a possible length that matches the region's general pattern (which covers every number
 * type of the region).
 */
export function mayBeValidNational(digits: string, region: CountryCode): boolean {
  const plan = numberingPlan(region);
  if (undecidable(plan, digits)) return true;
  return someSignificantNumber(
    plan,
    digits,
    (n) => plan.lengths.includes(n.length) && plan.general.test(n),
  );
}

/**
 * Validity of recent candidates per recognizer: the same number recurs in real text (a support
 * line in every ticket, a version string in every log line), and scoring one is not free.
 * Bounded: cleared when full.
 */
const MEMO_LIMIT = 4096;

/**
 * libphonenumber's verdict on the whole string, as isValidPhoneNumber and isPossiblePhoneNumber
 * reach it (`extract: false`): read from the metadata when the text is plain, else parsed.
 */
function verdictOn(text: string, region?: CountryCode): Verdict {
  const read = readPlainNumber(text, region);
  if (read !== undefined) return read;
  const number = parsePhoneNumberFromString(
    text,
    region === undefined ? { extract: false } : { defaultCountry: region, extract: false },
  );
  return number ? { valid: number.isValid(), possible: number.isPossible() } : NOT_A_NUMBER;
}

/**
 * The regions a recognizer tries, in the order it tries them: the outcome of scoreCandidate does
 * not depend on the order (any valid region, else any possible one), so the region that last
 * validated a number moves to the front, where the next number from the same text most likely
 * validates too. Bare digit runs keep to the first BARE_REGIONS of the configured list.
 */
class RegionOrder {
  readonly all: CountryCode[];
  readonly bare: CountryCode[];

  constructor(regions: readonly CountryCode[]) {
    this.all = [...regions];
    this.bare = regions.slice(0, BARE_REGIONS);
  }

  promote(region: CountryCode): void {
    for (const list of [this.all, this.bare]) {
      const i = list.indexOf(region);
      if (i > 0) {
        list.splice(i, 1);
        list.unshift(region);
      }
    }
  }
}

/**
 * Valid in some region (0.6 shaped, 0.4 bare), else possible in some region (0.4 / 0.2), else
 * 0.2 for a shaped number of seven or more digits. Each region's verdict is read at most once:
 * first for validity where the metadata allows it, then (reusing those verdicts) for possibility.
 */
function scoreCandidate(
  normalized: string,
  main: string,
  digitCount: number,
  regions: RegionOrder,
): number {
  if (normalized.startsWith("+")) {
    const verdict = verdictOn(normalized);
    if (verdict.valid) return 0.75;
    return verdict.possible ? 0.4 : 0;
  }
  const shaped = separatorsLookLikePhone(main);
  // A bare digit run is far more often an ID or amount than a phone number: it is tried
  // against the first few regions only (also the expensive case for libphonenumber).
  const national = normalized.replace(/\D/g, "");
  const tried = (shaped ? regions.all : regions.bare).filter((r) => mayBeNational(national, r));
  const verdicts = new Map<CountryCode, Verdict>();
  const verdictIn = (region: CountryCode) => {
    let verdict = verdicts.get(region);
    if (verdict === undefined) {
      verdict = verdictOn(normalized, region);
      verdicts.set(region, verdict);
    }
    return verdict;
  };
  for (const region of tried) {
    if (mayBeValidNational(national, region) && verdictIn(region).valid) {
      regions.promote(region);
      return shaped ? 0.6 : 0.4;
    }
  }
  if (tried.some((region) => verdictIn(region).possible)) return shaped ? 0.4 : 0.2;
  return shaped && digitCount >= 7 ? 0.2 : 0;
}

/**
 * Numbers in prose that libphonenumber may accept but that are something else: a row of a table
 * (cells apart by two spaces: "0.0001  0.0002"), a decimal number (one dot, and a side shorter than
 * a phone number's three-digit group: "8.000000", "313309.09") and a range of years
 * ("2016-2026").
 */
function otherNumber(main: string): boolean {
  if (main.includes("  ")) return true;
  const decimal = /^(\d+)\.(\d+)$/.exec(main);
  if (decimal !== null) return decimal[1].length < 3 || decimal[2].length < 3;
  const years = /^((?:19|20)\d\d)-((?:19|20)\d\d)$/.exec(main);
  return years !== null && Number(years[1]) < Number(years[2]);
}

const EXTENSION = / ?(?:x|ext\.?|#) ?\d{1,5}$/i;
/** Every extension has one of these ("x" of "x" and "ext", or "#"). */
const EXTENSION_MARK = /[x#]/i;
const OPEN = 40; // "("
const CLOSE = 41; // ")"

/** How often the UTF-16 unit `code` occurs in `s`. */
function countOf(s: string, code: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) n++;
  return n;
}

/** How many ASCII digits `s` holds. */
function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

export function makePhoneRecognizer(
  regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS,
): Recognizer {
  const memo = new Map<string, number>();
  const order = new RegionOrder(regions);
  return {
    name: "phone",
    entities: ["PHONE_NUMBER"],
    detect(text: string): RawFinding[] {
      const out: RawFinding[] = [];
      for (const { start, end: matchEnd, match } of digitAnchoredMatches(PHONE_CANDIDATES, text)) {
        let raw = match[0];
        let end = matchEnd;
        // A closing parenthesis that closes the sentence, not an area code: "(call +1 202 …)".
        if (raw.endsWith(")") && countOf(raw, OPEN) < countOf(raw, CLOSE)) {
          raw = raw.slice(0, -1);
          end--;
        }
        const main = EXTENSION_MARK.test(raw) ? raw.replace(EXTENSION, "") : raw;
        const digits = digitCount(main);
        if (digits < 7 || digits > 15) continue;
        // Balanced parentheses only.
        if (countOf(main, OPEN) !== countOf(main, CLOSE)) continue;
        if (otherNumber(main)) continue;
        let score = memo.get(main);
        if (score === undefined) {
          const normalized = main.replace(/\(0\)/, "").replace(/^00/, "+");
          score = scoreCandidate(normalized, main, digits, order);
          if (memo.size >= MEMO_LIMIT) memo.clear();
          memo.set(main, score);
        }
        if (score === 0) continue;
        out.push(
          finding("PHONE_NUMBER", start, end, score, "phone", {
            context: CONTEXT,
            negativeContext: NEGATIVE_CONTEXT,
          }),
        );
      }
      return out;
    },
  };
}

export const phoneRecognizer: Recognizer = makePhoneRecognizer();
