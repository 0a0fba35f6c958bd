// Consistent, format-preserving pseudonyms: digits and letters are enciphered with FF1 (NIST SP
// 800-38G) under the pseudonym key with the entity type as tweak, so one value always maps to one
// pseudonym of the same shape (length, case, separators; card numbers keep a valid Luhn digit).
// Values too short for FF1's minimum domain (10^6) get an HMAC-SHA-256-derived substitute instead,
// which is consistent but not invertible.

import { createHmac } from "node:crypto";
import { luhnValid } from "../recognizers/credit-card.js";
import { ff1Decrypt, ff1Encrypt } from "./ff1.js";

const DIGITS = "0123456789";
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

interface Classes {
  digits: number[];
  letters: number[];
}

function split(value: string, skipLast = 0): { chars: string[]; positions: Classes } {
  const chars = Array.from(value);
  const positions: Classes = { digits: [], letters: [] };
  chars.forEach((c, i) => {
    if (i >= chars.length - skipLast) return;
    if (DIGITS.includes(c)) positions.digits.push(i);
    else if (LETTERS.includes(c.toLowerCase())) positions.letters.push(i);
  });
  return { chars, positions };
}

function substitute(
  key: Uint8Array,
  tweak: string,
  chars: string[],
  positions: number[],
  alphabet: string,
  minLength: number,
  decrypt: boolean,
): void {
  if (positions.length === 0) return;
  const numerals = positions.map((i) => alphabet.indexOf(chars[i].toLowerCase()));
  let out: number[];
  if (positions.length >= minLength) {
    const t = Buffer.from(tweak, "utf8");
    out = decrypt
      ? ff1Decrypt(key, t, alphabet.length, numerals)
      : ff1Encrypt(key, t, alphabet.length, numerals);
  } else {
    const mac = createHmac("sha256", key)
      .update(`${tweak}\0${numerals.join(",")}`)
      .digest();
    out = numerals.map((_, k) => mac[k % mac.length] % alphabet.length);
  }
  positions.forEach((pos, k) => {
    const c = alphabet[out[k]];
    chars[pos] =
      chars[pos] === chars[pos].toUpperCase() && alphabet === LETTERS ? c.toUpperCase() : c;
  });
}

function transform(key: Uint8Array, type: string, value: string, decrypt: boolean): string {
  // E-mail: keep the top-level domain so the result still looks like an address.
  if (type === "EMAIL_ADDRESS") {
    const dot = value.lastIndexOf(".");
    if (dot > value.indexOf("@")) {
      return transform(key, `${type}:local`, value.slice(0, dot), decrypt) + value.slice(dot);
    }
  }
  const card = type === "CREDIT_CARD";
  const { chars, positions } = split(value, card ? 1 : 0);
  substitute(key, `${type}:d`, chars, positions.digits, DIGITS, 6, decrypt);
  substitute(key, `${type}:l`, chars, positions.letters, LETTERS, 5, decrypt);
  if (card && /\d$/.test(value)) {
    // Recompute the Luhn check digit so the pseudonym is a well-formed card number.
    const body = chars.slice(0, -1).join("").replace(/\D/g, "");
    chars[chars.length - 1] = DIGITS.split("").find((d) => luhnValid(body + d)) ?? "0";
  }
  return chars.join("");
}

export function pseudonymize(key: Uint8Array, type: string, value: string): string {
  return transform(key, type, value, false);
}

/** Inverts an FF1 pseudonym (values long enough for FF1; card check digits are recomputed). */
export function unpseudonymize(key: Uint8Array, type: string, value: string): string {
  return transform(key, type, value, true);
}
