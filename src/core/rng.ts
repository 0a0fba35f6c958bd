// Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear
// pseudorandom number generators"), seeded through SplitMix32 so any 32-bit seed is usable.

import { MlsecError } from "./errors.js";

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T;
  /** An independent generator derived from this one (for parallel streams). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `seed must be a finite number, got ${seed}`);
  }
  const mix = splitmix32(Math.trunc(seed) >>> 0);
  const s = new Uint32Array([mix(), mix(), mix(), mix()]);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  let spareNormal: number | undefined;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const next = (): number => nextUint32() / 4294967296;

  const rng: Rng = {
    next,
    nextUint32,
    int(n) {
      if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
        throw new MlsecError("E_INVALID_ARGUMENT", `int(n) needs an integer 1..2^32, got ${n}`);
      }
      // Rejection sampling avoids modulo bias.
      const limit = 4294967296 - (4294967296 % n);
      let v = nextUint32();
      while (v >= limit) v = nextUint32();
      return v % n;
    },
    normal() {
      if (spareNormal !== undefined) {
        const v = spareNormal;
        spareNormal = undefined;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    fork() {
      return createRng(nextUint32());
    },
  };
  return rng;
}
