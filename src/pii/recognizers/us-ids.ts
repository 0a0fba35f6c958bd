// US passport numbers (9 digits, or a letter and 8 digits for next-generation books, per the US
// Department of State) and state driver-licence numbers (AAMVA DL/ID formats, which overlap
// ordinary numbers): both are weak patterns that need context words to pass a threshold.

import type { RawFinding, Recognizer } from "../types.js";
import { type DigitAnchoredScan, digitAnchoredMatches } from "./digit-runs.js";
import { asciiSet, finding, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

// Both patterns are tried (sticky) only just before runs of digits that can start them
// (digit-runs.ts).
const CAPITALS = asciiSet(/[A-Z]/);
export const PASSPORT_CANDIDATES: DigitAnchoredScan = {
  re: /[A-Z]?\d{9}(?![\p{L}\p{N}]|-\d)/uy,
  lead: 1,
  leadStart: CAPITALS,
  notAfter: "-",
  first: [9, 9],
};
// Common shapes across states: letter + 3–14 digits, 1–2 letters + 5–8 digits, 7–12 digits,
// and the dashed 4-2-4 form.
export const DRIVER_LICENSE_CANDIDATES: DigitAnchoredScan = {
  re: /(?:[A-Z]\d{3,14}|[A-Z]{2}\d{5,8}|\d{7,12}|\d{4}-\d{2}-\d{4}|\d{3}-\d{3}-\d{3})(?![\p{L}\p{N}]|-\d)/uy,
  lead: 2,
  leadStart: CAPITALS,
  notAfter: "-",
  first: [3, 14],
  // The first run of each shape: after a capital, 7+ digits, or a dashed group of 3 or 4.
  mayStart: (text, runs, r) => {
    const length = runs[r + 1] - runs[r];
    const before = text.charCodeAt(runs[r] - 1);
    return length >= 7 || (before >= 65 && before <= 90) || text.charCodeAt(runs[r + 1]) === 45;
  },
};

export const usPassportRecognizer: Recognizer = {
  name: "us-passport",
  entities: ["US_PASSPORT"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end } of digitAnchoredMatches(PASSPORT_CANDIDATES, text)) {
      out.push(
        finding("US_PASSPORT", start, end, 0.05, "us-passport", {
          context: ["passport", "passports", "passport#"],
          scoreWithContext: 0.85,
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
        }),
      );
    }
    return out;
  },
};

export const usDriverLicenseRecognizer: Recognizer = {
  name: "us-driver-license",
  entities: ["US_DRIVER_LICENSE"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end } of digitAnchoredMatches(DRIVER_LICENSE_CANDIDATES, text)) {
      out.push(
        finding("US_DRIVER_LICENSE", start, end, 0.05, "us-driver-license", {
          context: ["driver", "drivers", "driver's", "license", "licence", "dl", "permit", "lic"],
          scoreWithContext: 0.85,
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
        }),
      );
    }
    return out;
  },
};
