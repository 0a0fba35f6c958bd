// IBAN: ISO 13616-1 structure, mod-97 check digits (ISO 7064 MOD 97-10), lengths per country
// from the SWIFT IBAN Registry.

import type { RawFinding, Recognizer } from "../types.js";
import { type DigitAnchoredScan, digitAnchoredMatches } from "./digit-runs.js";
import { ASCII_LETTERS, finding, isAsciiLetter } from "./util.js";

/** Total IBAN length per ISO 3166-1 country code (SWIFT IBAN Registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** ISO 7064 MOD 97-10 over the rearranged IBAN (letters A=10 … Z=35); valid iff remainder 1. */
export function ibanChecksumValid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? code - 55 : code - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  const length = IBAN_LENGTHS[s.slice(0, 2)];
  return length !== undefined && s.length === length && ibanChecksumValid(s);
}

// Country code, check digits, then 11–30 alphanumerics, optionally in groups of four separated
// by single spaces. Case-insensitive (people write IBANs in lower case too). Tried (sticky) two
// letters before each run of two or more digits.
export const IBAN_CANDIDATES: DigitAnchoredScan = {
  re: /[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?![\p{L}\p{N}])/uy,
  lead: 2,
  leadStart: ASCII_LETTERS,
  notAfter: "",
  first: [2, 32],
  precededBy: ASCII_LETTERS,
  mayStart: (text, runs, r) => isAsciiLetter(text.charCodeAt(runs[r] - 2)),
};

export const ibanRecognizer: Recognizer = {
  name: "iban",
  entities: ["IBAN_CODE"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, match } of digitAnchoredMatches(IBAN_CANDIDATES, text)) {
      // The greedy group may have run into the next word ("…1234 and"); try shorter prefixes that
      // end on a group boundary.
      const raw = match[0];
      for (let end = raw.length; end >= 15; end--) {
        if (end < raw.length && raw[end] !== " ") continue;
        const compact = raw.slice(0, end).replace(/ /g, "");
        if (ibanValid(compact)) {
          out.push(
            finding("IBAN_CODE", start, start + end, 1, "iban", {
              context: ["iban", "bank", "account", "transfer", "wire"],
              detail: compact.slice(0, 2).toUpperCase(),
            }),
          );
          break;
        }
      }
    }
    return out;
  },
};
