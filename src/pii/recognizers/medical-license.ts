// DEA registration numbers (US medical licence used on prescriptions): two letters and seven
// digits whose last is a check digit: (d1 + d3 + d5) + 2 × (d2 + d4 + d6), last digit (21 CFR 1301).

import type { RawFinding, Recognizer } from "../types.js";
import { type DigitAnchoredScan, digitAnchoredMatches } from "./digit-runs.js";
import { ASCII_LETTERS, finding, isAsciiLetter } from "./util.js";

export function deaValid(value: string): boolean {
  const m = /^[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}$/.exec(value.toUpperCase());
  if (m === null) return false;
  const d = value.slice(2).split("").map(Number);
  const sum = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5]);
  return sum % 10 === d[6];
}

// Tried (sticky) two characters before each run of exactly seven digits that follows two letters.
export const DEA_CANDIDATES: DigitAnchoredScan = {
  re: /[A-Za-z]{2}\d{7}(?![\p{L}\p{N}])/uy,
  lead: 2,
  leadStart: ASCII_LETTERS,
  notAfter: "",
  first: [7, 7],
  mayStart: (text, runs, r) =>
    isAsciiLetter(text.charCodeAt(runs[r] - 1)) && isAsciiLetter(text.charCodeAt(runs[r] - 2)),
};

export const medicalLicenseRecognizer: Recognizer = {
  name: "medical-license",
  entities: ["MEDICAL_LICENSE"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end, match } of digitAnchoredMatches(DEA_CANDIDATES, text)) {
      if (!deaValid(match[0])) continue;
      out.push(
        finding("MEDICAL_LICENSE", start, end, 0.4, "medical-license", {
          context: ["dea", "medical", "license", "licence", "prescriber", "physician", "npi"],
        }),
      );
    }
    return out;
  },
};
