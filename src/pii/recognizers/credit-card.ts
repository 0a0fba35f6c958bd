// Payment card numbers: ISO/IEC 7812-1 Luhn check digit, issuer prefixes (IIN ranges) and
// lengths per brand as published by the card schemes (Mastercard 2-series 2221–2720 included).

import type { RawFinding, Recognizer } from "../types.js";
import { chainedDigits, type DigitAnchoredScan, digitAnchoredMatches } from "./digit-runs.js";
import { finding, NUMBER_NEGATIVE_CONTEXT } from "./util.js";

/** Luhn (ISO/IEC 7812-1 Annex B): the mod-10 sum of doubled alternate digits is 0. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Brand {
  readonly name: string;
  readonly lengths: readonly number[];
  readonly matches: (d: string) => boolean;
}

const range = (d: string, len: number, lo: number, hi: number) => {
  const p = Number(d.slice(0, len));
  return p >= lo && p <= hi;
};

const BRANDS: readonly Brand[] = [
  { name: "amex", lengths: [15], matches: (d) => /^3[47]/.test(d) },
  { name: "visa", lengths: [13, 16, 19], matches: (d) => d.startsWith("4") },
  {
    name: "mastercard",
    lengths: [16],
    matches: (d) => range(d, 2, 51, 55) || range(d, 4, 2221, 2720),
  },
  {
    name: "discover",
    lengths: [16, 17, 18, 19],
    matches: (d) => d.startsWith("6011") || d.startsWith("65") || range(d, 3, 644, 649),
  },
  { name: "jcb", lengths: [16, 17, 18, 19], matches: (d) => range(d, 4, 3528, 3589) },
  { name: "jcb", lengths: [15], matches: (d) => /^(?:1800|2131)/.test(d) },
  {
    name: "diners",
    lengths: [14, 15, 16, 17, 18, 19],
    matches: (d) => range(d, 3, 300, 305) || /^3[689]/.test(d),
  },
  { name: "unionpay", lengths: [16, 17, 18, 19], matches: (d) => d.startsWith("62") },
  {
    name: "maestro",
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
    matches: (d) => /^(?:50|5[6-9]|6)/.test(d),
  },
];

export function cardBrand(digits: string): string | undefined {
  return BRANDS.find((b) => b.lengths.includes(digits.length) && b.matches(digits))?.name;
}

// 12–19 digits, optionally grouped by single spaces or dashes. Bounded: <= 37 characters. Tried
// (sticky) at the start of each digit run that begins twelve digits with one-character gaps.
export const CARD_NUMBERS: DigitAnchoredScan = {
  re: /\d(?:[ -]?\d){11,18}(?![\p{L}\p{N}_]|-\d)/uy,
  lead: 0,
  notAfter: "_-",
  first: [1, 19],
  mayStart: (_, runs, r) => chainedDigits(runs, r, 1, 12),
};

/** Whether a candidate groups its digits with both spaces and dashes: not a card. */
function mixedSeparators(raw: string): boolean {
  let separator = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (separator < 0) separator = c;
    else if (c !== separator) return true;
  }
  return false;
}

export const creditCardRecognizer: Recognizer = {
  name: "credit-card",
  entities: ["CREDIT_CARD"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end, match } of digitAnchoredMatches(CARD_NUMBERS, text)) {
      const raw = match[0];
      if (mixedSeparators(raw)) continue;
      const digits = raw.replace(/\D/g, "");
      if (!luhnValid(digits) || /^(\d)\1+$/.test(digits)) continue;
      const brand = cardBrand(digits);
      out.push(
        finding("CREDIT_CARD", start, end, brand === undefined ? 0.3 : 1, "credit-card", {
          context: ["card", "credit", "debit", "visa", "mastercard", "amex", "cc", "payment"],
          negativeContext: NUMBER_NEGATIVE_CONTEXT,
          ...(brand === undefined ? {} : { detail: brand }),
        }),
      );
    }
    return out;
  },
};
