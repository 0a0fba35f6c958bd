// US Social Security numbers: area/group/serial rules of the SSA (Program Operations Manual
// RM 10201.060; area 000, 666 and 900–999, group 00 and serial 0000 are never issued).

import type { RawFinding, Recognizer } from "../types.js";
import {
  type DigitAnchoredScan,
  digitAnchoredMatches,
  type Lengths,
  runsShaped,
} from "./digit-runs.js";
import { finding, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

/** Numbers the SSA retired or that were published as examples (e.g. the Woolworth wallet card). */
const KNOWN_INVALID = new Set(["078051120", "219099999", "123456789"]);

export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || KNOWN_INVALID.has(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  return group !== 0 && serial !== 0 && !/^(\d)\1{8}$/.test(digits);
}

// Tried (sticky) at a run of nine digits, or of three, two and four with one separator between.
const GROUPS: readonly Lengths[] = [
  [3, 3],
  [2, 2],
  [4, 4],
];
export const SSN_CANDIDATES: DigitAnchoredScan = {
  re: /(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}]|[-.]\d)/uy,
  lead: 0,
  notAfter: ".-",
  first: [3, 9],
  mayStart: (text, runs, r) => runs[r + 1] - runs[r] === 9 || runsShaped(text, runs, r, GROUPS),
};

export const usSsnRecognizer: Recognizer = {
  name: "us-ssn",
  entities: ["US_SSN"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end, match } of digitAnchoredMatches(SSN_CANDIDATES, text)) {
      if (!ssnValid(match[1] + match[3] + match[4])) continue;
      const score = match[2] === "-" ? 0.6 : match[2] === "" ? 0.1 : 0.3;
      out.push(
        finding("US_SSN", start, end, score, "us-ssn", {
          context: ["ssn", "social", "security", "ssns", "ss#", "ssid"],
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
        }),
      );
    }
    return out;
  },
};
