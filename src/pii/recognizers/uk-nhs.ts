// UK NHS numbers: 10 digits whose last is a modulus-11 check digit over the first nine with
// weights 10..2 (NHS Data Dictionary, "NHS Number" validation).

import type { RawFinding, Recognizer } from "../types.js";
import {
  type DigitAnchoredScan,
  digitAnchoredMatches,
  type Lengths,
  runsShaped,
} from "./digit-runs.js";
import { finding, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

export function nhsValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === digits.charCodeAt(9) - 48;
}

// Tried (sticky) at a run of ten digits, or of three, three and four with one separator between.
const GROUPS: readonly Lengths[] = [
  [3, 3],
  [3, 3],
  [4, 4],
];
export const NHS_CANDIDATES: DigitAnchoredScan = {
  re: /(\d{3})([- ]?)(\d{3})\2(\d{4})(?![\p{L}\p{N}]|-\d)/uy,
  lead: 0,
  notAfter: "-",
  first: [3, 10],
  mayStart: (text, runs, r) => runs[r + 1] - runs[r] === 10 || runsShaped(text, runs, r, GROUPS),
};

export const ukNhsRecognizer: Recognizer = {
  name: "uk-nhs",
  entities: ["UK_NHS"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end, match } of digitAnchoredMatches(NHS_CANDIDATES, text)) {
      if (!nhsValid(match[1] + match[3] + match[4])) continue;
      out.push(
        finding("UK_NHS", start, end, 0.3, "uk-nhs", {
          context: ["health", "patient", "national"],
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
        }),
        // "NHS" itself before a valid number settles it, above a phone number's "number" context.
        finding("UK_NHS", start, end, 0.3, "uk-nhs", {
          context: ["nhs", "nhs#"],
          scoreWithContext: 1,
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
        }),
      );
    }
    return out;
  },
};
