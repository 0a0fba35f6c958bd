// UK NHS numbers: 10 digits whose last is a modulus-11 check digit over the first nine with
// weights 10..2 (NHS Data Dictionary, "NHS Number" validation).

import type { RawFinding, Recognizer } from "../types.js";
import { finding, matches, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

export function nhsValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === digits.charCodeAt(9) - 48;
}

const CANDIDATE = /(\d{3})([- ]?)(\d{3})\2(\d{4})(?![\p{L}\p{N}]|-\d)/gu;

export const ukNhsRecognizer: Recognizer = {
  name: "uk-nhs",
  entities: ["UK_NHS"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end, match } of matches(CANDIDATE, text, "-")) {
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
