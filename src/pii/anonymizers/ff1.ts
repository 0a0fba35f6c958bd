// FF1 format-preserving encryption, NIST SP 800-38G Rev. 1 §6.2 (Algorithms 7 and 8), a Feistel
// network over numeral strings whose round function is AES (CBC-MAC PRF plus counter expansion).

import { createCipheriv } from "node:crypto";
import { MlsecError } from "../../core/index.js";

/** SP 800-38G Rev. 1 requires radix^minlen >= 1,000,000. */
const MIN_DOMAIN = 1_000_000n;
const MAX_LEN = 2 ** 16;

function aesName(key: Uint8Array, mode: "cbc" | "ecb"): string {
  if (![16, 24, 32].includes(key.length)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `an AES key is 16, 24 or 32 bytes, got ${key.length}`,
    );
  }
  return `aes-${key.length * 8}-${mode}`;
}

/** PRF (§4.3 Algorithm 6): CBC-MAC with a zero IV; input is a multiple of 16 bytes. */
function prf(key: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv(aesName(key, "cbc"), key, Buffer.alloc(16));
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(data), c.final()]);
  return out.subarray(out.length - 16);
}

function ciph(key: Uint8Array, block: Uint8Array): Buffer {
  const c = createCipheriv(aesName(key, "ecb"), key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function bytesToBigInt(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

function bigIntToBytes(x: bigint, length: number): Buffer {
  const out = Buffer.alloc(length);
  let v = x;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function num(digits: readonly number[], radix: bigint): bigint {
  let x = 0n;
  for (const d of digits) x = x * radix + BigInt(d);
  return x;
}

function str(x: bigint, radix: bigint, m: number): number[] {
  const out = new Array<number>(m).fill(0);
  let v = x;
  for (let i = m - 1; i >= 0; i--) {
    out[i] = Number(v % radix);
    v /= radix;
  }
  return out;
}

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

function checkInput(radix: number, x: readonly number[], tweak: Uint8Array): void {
  if (!Number.isInteger(radix) || radix < 2 || radix > 2 ** 16) {
    throw new MlsecError("E_INVALID_ARGUMENT", `FF1 radix must be in [2, 65536], got ${radix}`);
  }
  if (BigInt(radix) ** BigInt(x.length) < MIN_DOMAIN || x.length < 2 || x.length > MAX_LEN) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `FF1 needs radix^n >= 1,000,000 and 2 <= n <= 2^16 (radix ${radix}, n ${x.length})`,
    );
  }
  if (x.some((d) => !Number.isInteger(d) || d < 0 || d >= radix)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `FF1 numerals must be integers in [0, ${radix})`);
  }
  if (tweak.length > 2 ** 16) {
    throw new MlsecError("E_INVALID_ARGUMENT", "FF1 tweak is longer than 2^16 bytes");
  }
}

function ff1(
  key: Uint8Array,
  tweak: Uint8Array,
  radix: number,
  x: readonly number[],
  decrypt: boolean,
): number[] {
  checkInput(radix, x, tweak);
  const n = x.length;
  const t = tweak.length;
  const r = BigInt(radix);
  const u = Math.floor(n / 2);
  const v = n - u;
  let a = x.slice(0, u);
  let b = x.slice(u);
  const bLen = Math.ceil(Math.ceil(v * Math.log2(radix)) / 8);
  const d = 4 * Math.ceil(bLen / 4) + 4;
  const p = Buffer.from([
    1,
    2,
    1,
    (radix >> 16) & 0xff,
    (radix >> 8) & 0xff,
    radix & 0xff,
    10,
    u & 0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  p.writeUInt32BE(n, 8);
  p.writeUInt32BE(t, 12);
  const pad = (((-t - bLen - 1) % 16) + 16) % 16;
  const round = (i: number, half: readonly number[]): bigint => {
    const q = Buffer.concat([
      tweak,
      Buffer.alloc(pad),
      Buffer.from([i]),
      bigIntToBytes(num(half, r), bLen),
    ]);
    const rBlock = prf(key, Buffer.concat([p, q]));
    const blocks = [rBlock];
    for (let j = 1; j < Math.ceil(d / 16); j++) {
      const xored = Buffer.from(rBlock);
      // R xor [j]^16: j as a 16-byte big-endian integer.
      const jb = bigIntToBytes(BigInt(j), 16);
      for (let k = 0; k < 16; k++) xored[k] ^= jb[k];
      blocks.push(ciph(key, xored));
    }
    return bytesToBigInt(Buffer.concat(blocks).subarray(0, d));
  };
  if (!decrypt) {
    for (let i = 0; i < 10; i++) {
      const m = i % 2 === 0 ? u : v;
      const c = mod(num(a, r) + round(i, b), r ** BigInt(m));
      a = b;
      b = str(c, r, m);
    }
  } else {
    for (let i = 9; i >= 0; i--) {
      const m = i % 2 === 0 ? u : v;
      const c = mod(num(b, r) - round(i, a), r ** BigInt(m));
      b = a;
      a = str(c, r, m);
    }
  }
  return [...a, ...b];
}

/** FF1.Encrypt(K, T, X) over numerals in [0, radix). */
export function ff1Encrypt(
  key: Uint8Array,
  tweak: Uint8Array,
  radix: number,
  numerals: readonly number[],
): number[] {
  return ff1(key, tweak, radix, numerals, false);
}

/** FF1.Decrypt(K, T, Y). */
export function ff1Decrypt(
  key: Uint8Array,
  tweak: Uint8Array,
  radix: number,
  numerals: readonly number[],
): number[] {
  return ff1(key, tweak, radix, numerals, true);
}
