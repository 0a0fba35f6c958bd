// Sources of uniform random integers for exact samplers: a cryptographic one (node:crypto
// randomBytes with rejection sampling, no modulo bias) and a seeded one for repeatable tests.

import { randomBytes } from "node:crypto";
import { MlsecError, type Rng } from "../../core/index.js";

export interface RandomSource {
  /** Uniform integer in [0, n), n >= 1. */
  uniformBelow(n: bigint): bigint;
}

function checkBound(n: bigint): void {
  if (n < 1n) throw new MlsecError("E_INVALID_ARGUMENT", `uniformBelow needs n >= 1, got ${n}`);
}

/** Draws ceil(bits/8) bytes, masks to the bit length of n - 1, and rejects values >= n. */
function rejection(n: bigint, bytes: (count: number) => Uint8Array): bigint {
  checkBound(n);
  if (n === 1n) return 0n;
  const bits = (n - 1n).toString(2).length;
  const count = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const b = bytes(count);
    let v = 0n;
    for (let i = 0; i < count; i++) v = (v << 8n) | BigInt(b[i]);
    v &= mask;
    if (v < n) return v;
  }
}

// Bytes from the OS CSPRNG, fetched 4 KiB at a time: samplers ask for a few bytes per draw,
// and one randomBytes call per draw would dominate their cost. Bytes are used once.
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

function secureBytes(count: number): Uint8Array {
  if (count > POOL_SIZE) return randomBytes(count);
  if (poolOffset + count > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return out;
}

/** The default source: the operating system's CSPRNG through node:crypto. */
export const secureRandom: RandomSource = {
  uniformBelow: (n) => rejection(n, secureBytes),
};

/** A repeatable source from mlsec's seeded RNG (for tests and reproducible experiments only). */
export function seededRandom(rng: Rng): RandomSource {
  return {
    uniformBelow: (n) =>
      rejection(n, (count) => {
        const out = new Uint8Array(count);
        for (let i = 0; i < count; i += 4) {
          const word = rng.nextUint32();
          for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
        }
        return out;
      }),
  };
}
