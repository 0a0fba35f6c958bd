// Phone numbers: candidates by pattern, validated with libphonenumber-js (a port of Google's
// libphonenumber metadata): international numbers by their country code, national numbers
// against the numbering plans of a list of regions.

import type { CountryCode } from "libphonenumber-js/max";
import { isPossiblePhoneNumber, isValidPhoneNumber } from "libphonenumber-js/max";
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

function separatorsLookLikePhone(raw: string): boolean {
  return /[ .()-]/.test(raw.trim());
}

export function makePhoneRecognizer(
  regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS,
): Recognizer {
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
        let score = 0;
        if (normalized.startsWith("+")) {
          if (isValidPhoneNumber(normalized)) score = 0.75;
          else if (isPossiblePhoneNumber(normalized)) score = 0.4;
        } else {
          const shaped = separatorsLookLikePhone(main);
          // A bare digit run is far more often an ID or amount than a phone number: it is tried
          // against the first few regions only (also the expensive case for libphonenumber).
          const tried = shaped ? regions : regions.slice(0, BARE_REGIONS);
          const valid = tried.some((r) => isValidPhoneNumber(normalized, r));
          if (valid) score = shaped ? 0.6 : 0.4;
          else if (tried.some((r) => isPossiblePhoneNumber(normalized, r))) {
            score = shaped ? 0.4 : 0.2;
          } else if (shaped && digits.length >= 7) score = 0.2;
        }
        if (score === 0) continue;
        out.push(
          finding("PHONE_NUMBER", start, end, score, "phone", {
            context: CONTEXT,
            negativeContext: [...NUMBER_NEGATIVE_CONTEXT, "zip", "postal", "postcode"],
          }),
        );
      }
      return out;
    },
  };
}

export const phoneRecognizer: Recognizer = makePhoneRecognizer();
