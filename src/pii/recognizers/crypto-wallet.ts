// Bitcoin addresses: Base58Check (legacy P2PKH/P2SH: version byte + 20-byte hash + first four
// bytes of double SHA-256) and segwit addresses in bech32 (BIP-173) or bech32m (BIP-350).

import { createHash } from "node:crypto";
import type { RawFinding, Recognizer } from "../types.js";
import { type DigitAnchoredScan, digitAnchoredMatches } from "./digit-runs.js";
import { asciiSet, finding, longTokens, wordCharAt } from "./util.js";

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Decodes Base58 to bytes (leading '1's are zero bytes); undefined on a foreign character. */
export function base58Decode(s: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const ch of s) {
    let carry = BASE58.indexOf(ch);
    if (carry < 0) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < s.length && s[i] === "1"; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest();

export function base58CheckValid(address: string): boolean {
  const raw = base58Decode(address);
  if (raw === undefined || raw.length !== 25) return false;
  const payload = raw.subarray(0, 21);
  const checksum = sha256(sha256(payload)).subarray(0, 4);
  return Buffer.compare(checksum, Buffer.from(raw.subarray(21))) === 0;
}

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GENERATORS[i]) >>> 0;
  }
  return chk;
}

/** BIP-173/350 checksum: "bech32", "bech32m" or undefined when invalid. */
export function bech32Variant(address: string): "bech32" | "bech32m" | undefined {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return undefined;
  const s = address.toLowerCase();
  const sep = s.lastIndexOf("1");
  if (sep < 1 || sep + 7 > s.length || s.length > 90) return undefined;
  const hrp = s.slice(0, sep);
  const data: number[] = [];
  for (const ch of s.slice(sep + 1)) {
    const v = BECH32_CHARSET.indexOf(ch);
    if (v < 0) return undefined;
    data.push(v);
  }
  const expanded = [
    ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...hrp].map((c) => c.charCodeAt(0) & 31),
  ];
  const check = polymod([...expanded, ...data]);
  if (check === BECH32_CONST) return "bech32";
  if (check === BECH32M_CONST) return "bech32m";
  return undefined;
}

/** A segwit address: witness v0 must use bech32, v1+ bech32m (BIP-350). */
export function segwitAddressValid(address: string): boolean {
  const variant = bech32Variant(address);
  if (variant === undefined) return false;
  const version = BECH32_CHARSET.indexOf(address.toLowerCase()[address.lastIndexOf("1") + 1]);
  return version === 0 ? variant === "bech32" : version <= 16 && variant === "bech32m";
}

// An address is a whole word of ASCII letters and digits (no letter or digit before or after
// it), so the patterns are tried (sticky) only at the start of words that may hold one: legacy
// ones at words of 26–35 characters (found in util's longTokens), segwit ones where the "1" after
// their prefix starts a digit run (digit-runs.ts).
const LEGACY = /[13mn2][1-9A-HJ-NP-Za-km-z]{25,34}(?![\p{L}\p{N}])/uy;
const LEGACY_LENGTH = { min: 26, max: 35 };
const ALNUM = asciiSet(/[A-Za-z0-9]/);
export const SEGWIT_CANDIDATES: DigitAnchoredScan = {
  re: /(?:bc|tb|bcrt|BC|TB|BCRT)1[ac-hj-np-zAC-HJ-NP-Z02-9]{8,87}(?![\p{L}\p{N}])/uy,
  lead: 4,
  leadStart: asciiSet(/[bBtT]/),
  notAfter: "",
  first: [1, 88],
  // The "1" after the last letter of "bc", "tb" or "bcrt".
  precededBy: asciiSet(/[cbtCBT]/),
  mayStart: (text, runs, r) => text.charCodeAt(runs[r]) === 49,
};

type Address = { start: number; end: number; address: string };

function addressAt(re: RegExp, text: string, start: number): Address | undefined {
  if (wordCharAt(text, start - 1)) return undefined;
  re.lastIndex = start;
  const m = re.exec(text);
  return m === null ? undefined : { start, end: start + m[0].length, address: m[0] };
}

/** Legacy addresses: the letter/digit runs of 26–35 characters inside long base64 tokens. */
function* legacyAddresses(text: string): Generator<Address> {
  for (const [tokenStart, tokenEnd] of longTokens(text)) {
    let start = tokenStart;
    while (start < tokenEnd) {
      let end = start;
      while (end < tokenEnd && ALNUM[text.charCodeAt(end)] === 1) end++;
      if (end - start >= LEGACY_LENGTH.min && end - start <= LEGACY_LENGTH.max) {
        const found = addressAt(LEGACY, text, start);
        if (found !== undefined) yield found;
      }
      start = end + 1; // past the "/" or "+"
    }
  }
}

function segwitAddresses(text: string): Address[] {
  return digitAnchoredMatches(SEGWIT_CANDIDATES, text).map(({ start, end, match }) => ({
    start,
    end,
    address: match[0],
  }));
}

export const cryptoRecognizer: Recognizer = {
  name: "crypto",
  entities: ["CRYPTO"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    const context = ["wallet", "btc", "bitcoin", "crypto", "address", "send"];
    for (const { start, end, address } of legacyAddresses(text)) {
      if (base58CheckValid(address)) {
        out.push(finding("CRYPTO", start, end, 1, "crypto", { context, detail: "base58check" }));
      }
    }
    for (const { start, end, address } of segwitAddresses(text)) {
      if (segwitAddressValid(address)) {
        out.push(finding("CRYPTO", start, end, 1, "crypto", { context, detail: "bech32" }));
      }
    }
    return out;
  },
};
