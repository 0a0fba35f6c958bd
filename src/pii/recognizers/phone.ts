// Phone numbers: candidates by pattern, validated with libphonenumber-js (a port of Google's
// libphonenumber metadata): international numbers by their country code, national numbers
// against the numbering plans of a list of regions.

import type { CountryCode } from "libphonenumber-js/max";
import {
  getCountryCallingCode,
  isPossiblePhoneNumber,
  isValidPhoneNumber,
  Metadata,
} from "libphonenumber-js/max";
import type { RawFinding, Recognizer } from "../types.js";
import { finding, matches, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

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
const CANDIDATE =
  /(?:\+|00)?\(?\d(?:[ .-]?\(?[ .-]?\d\)?){5,16}(?: ?(?:x|ext\.?|#) ?\d{1,5})?(?![\p{L}\p{N}]|[-/.]\d)/giu;

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

/**
 * Necessary conditions for a national number to be possible or valid in a region, from the
 * region's metadata: after its national prefix is stripped, the national significant number has
 * one of the region's possible lengths (and, to be valid, matches its general pattern). A parse
 * by libphonenumber costs about 15 µs; these tests rule out most regions for a candidate in well
 * under one. Regions whose prefix rule rewrites digits, and numbers that start with the region's
 * international dialling prefix or its country calling code (libphonenumber strips a calling code
 * written without "+"), are always handed to libphonenumber.
 */
interface LengthRule {
  readonly lengths: readonly number[];
  /** The national prefix, anchored; undefined when the region has none. */
  readonly prefix?: RegExp;
  /** The prefix rule rewrites digits (a transform rule): no shortcut is safe. */
  readonly rewrites: boolean;
  /** The region's general national-number pattern, anchored (every valid number matches it). */
  readonly pattern?: RegExp;
  readonly idd: RegExp;
  readonly callingCode: string;
}

const lengthRules = new Map<CountryCode, LengthRule>();

/** A metadata method outside the typed surface of libphonenumber-js ("missing" if absent). */
function planValue(plan: object, method: string): unknown {
  const fn = (plan as Record<string, unknown>)[method];
  return typeof fn === "function" ? fn.call(plan) : "missing";
}

function lengthRule(region: CountryCode): LengthRule {
  let rule = lengthRules.get(region);
  if (rule === undefined) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(region);
    const plan = metadata.numberingPlan!;
    // The compressed metadata stores an absent value as 0 or leaves it out.
    const prefix = planValue(plan, "nationalPrefixForParsing");
    const transform = planValue(plan, "nationalPrefixTransformRule");
    const pattern = planValue(plan, "nationalNumberPattern");
    rule = {
      lengths: plan.possibleLengths(),
      ...(typeof prefix === "string" && prefix !== "missing" && prefix !== ""
        ? { prefix: new RegExp(`^(?:${prefix})`) }
        : {}),
      rewrites: prefix === "missing" || (typeof transform === "string" && transform !== ""),
      ...(typeof pattern === "string" && pattern !== "missing" && pattern !== ""
        ? { pattern: new RegExp(`^(?:${pattern})$`) }
        : {}),
      idd: new RegExp(`^(?:${plan.IDDPrefix()})`),
      callingCode: getCountryCallingCode(region),
    };
    lengthRules.set(region, rule);
  }
  return rule;
}

/**
 * The national significant numbers libphonenumber may read from national digits: the digits
 * themselves or, as it does without a transform rule, the digits after the national prefix match.
 */
function significantNumbers(rule: LengthRule, digits: string): string[] {
  const m = rule.prefix?.exec(digits);
  return m && m[0].length > 0 ? [digits, digits.slice(m[0].length)] : [digits];
}

/** Shortcuts are off when libphonenumber would read the digits another way. */
function undecidable(rule: LengthRule, digits: string): boolean {
  return rule.rewrites || rule.idd.test(digits) || digits.startsWith(rule.callingCode);
}

/** A necessary condition for `isPossiblePhoneNumber(digits, region)`: a possible length. */
export function mayBeNational(digits: string, region: CountryCode): boolean {
  const rule = lengthRule(region);
  if (undecidable(rule, digits)) return true;
  return significantNumbers(rule, digits).some((n) => rule.lengths.includes(n.length));
}

/**
 * A necessary condition for `isValidPhoneNumber(digits, region)`: a national significant number
 * with a possible length that matches the region's general pattern (which covers every number
 * type of the region).
 */
export function mayBeValidNational(digits: string, region: CountryCode): boolean {
  const rule = lengthRule(region);
  if (undecidable(rule, digits)) return true;
  return significantNumbers(rule, digits).some(
    (n) => rule.lengths.includes(n.length) && (rule.pattern === undefined || rule.pattern.test(n)),
  );
}

/**
 * Validity of recent candidates per recognizer: the same number recurs in real text (a support
 * line in every ticket, a version string in every log line), and each libphonenumber parse is
 * expensive. Bounded: cleared when full.
 */
const MEMO_LIMIT = 4096;

function scoreCandidate(
  normalized: string,
  main: string,
  digitCount: number,
  regions: readonly CountryCode[],
): number {
  if (normalized.startsWith("+")) {
    if (isValidPhoneNumber(normalized)) return 0.75;
    return isPossiblePhoneNumber(normalized) ? 0.4 : 0;
  }
  const shaped = separatorsLookLikePhone(main);
  // A bare digit run is far more often an ID or amount than a phone number: it is tried
  // against the first few regions only (also the expensive case for libphonenumber).
  const national = normalized.replace(/\D/g, "");
  const tried = (shaped ? regions : regions.slice(0, BARE_REGIONS)).filter((r) =>
    mayBeNational(national, r),
  );
  const valid = tried.some(
    (r) => mayBeValidNational(national, r) && isValidPhoneNumber(normalized, r),
  );
  if (valid) return shaped ? 0.6 : 0.4;
  if (tried.some((r) => isPossiblePhoneNumber(normalized, r))) return shaped ? 0.4 : 0.2;
  return shaped && digitCount >= 7 ? 0.2 : 0;
}

export function makePhoneRecognizer(
  regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS,
): Recognizer {
  const memo = new Map<string, number>();
  return {
    name: "phone",
    entities: ["PHONE_NUMBER"],
    detect(text: string): RawFinding[] {
      const out: RawFinding[] = [];
      for (const { start, end: matchEnd, match } of matches(CANDIDATE, text, "+_/.-")) {
        let raw = match[0];
        let end = matchEnd;
        // A closing parenthesis that closes the sentence, not an area code: "(call +1 202 …)".
        if (
          raw.endsWith(")") &&
          (raw.match(/\(/g)?.length ?? 0) < (raw.match(/\)/g)?.length ?? 0)
        ) {
          raw = raw.slice(0, -1);
          end--;
        }
        const main = raw.replace(/ ?(?:x|ext\.?|#) ?\d{1,5}$/i, "");
        const digits = main.replace(/\D/g, "");
        if (digits.length < 7 || digits.length > 15) continue;
        // Balanced parentheses only.
        if ((main.match(/\(/g)?.length ?? 0) !== (main.match(/\)/g)?.length ?? 0)) continue;
        const normalized = main.replace(/\(0\)/, "").replace(/^00/, "+");
        let score = memo.get(main);
        if (score === undefined) {
          score = scoreCandidate(normalized, main, digits.length, regions);
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
