// CKKS parameter selection (Cheon, Kim, Kim & Song 2017): the smallest ring degree N whose
// coefficient modulus fits both the plan's depth and the HomomorphicEncryption.org security
// standard (Albrecht et al. 2018, Table 1: the largest log2 q for N at 128/192/256 bits, the
// bound SEAL enforces and reports through CoeffModulus.MaxBitCount).
//
// Modulus chain [F, Δ × depth, F]: each rescale divides by one Δ-bit prime, keeping the scale
// near 2^Δ; the first prime F = Δ + integer bits leaves room for |values| < 2^(integer bits - 1)
// at the last level; the special prime (last, used only for key switching) is as large as F.

import { MlsecError } from "../core/index.js";

export const SECURITY_LEVELS = [128, 192, 256] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];

export const RING_DEGREES = [4096, 8192, 16384, 32768] as const;

/** Scale bits: above this SEAL's 60-bit prime cap binds and precision stops mattering. */
const MAX_SCALE_BITS = 40;
/** Below this the CKKS rounding noise (~2^-Δ · N) swamps 3-digit logits. */
const MIN_SCALE_BITS = 30;
const MAX_PRIME_BITS = 60;

export interface ParameterRequest {
  readonly depth: number;
  /** Slots one sample needs (the plan's feature period); N/2 must reach it. */
  readonly slotsNeeded: number;
  readonly security: SecurityLevel;
  /** Bits above the scale kept for the integer part of decrypted values (default 20). */
  readonly integerBits?: number;
  /** SEAL's HE-standard bound: the largest total coefficient-modulus bits for N and security. */
  readonly maxBitCount: (polyModulusDegree: number, security: SecurityLevel) => number;
}

export interface CkksParameters {
  readonly polyModulusDegree: number;
  /** Bit sizes of the coefficient-modulus primes, special prime last. */
  readonly coeffModulusBits: readonly number[];
  readonly scaleBits: number;
  readonly security: SecurityLevel;
  readonly depth: number;
  readonly slots: number;
  /** Why these values, one sentence each. */
  readonly explanation: readonly string[];
}

export function selectParameters(request: ParameterRequest): CkksParameters {
  const { depth, slotsNeeded, security } = request;
  const integerBits = request.integerBits ?? 20;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new MlsecError("E_HE_PARAMETERS", `the multiplicative depth must be >= 1, got ${depth}`);
  }
  const tried: string[] = [];
  for (const n of RING_DEGREES) {
    const budget = request.maxBitCount(n, security);
    if (n / 2 < slotsNeeded) {
      tried.push(`N=${n}: ${n / 2} slots < ${slotsNeeded}`);
      continue;
    }
    const scaleBits = Math.min(
      MAX_SCALE_BITS,
      MAX_PRIME_BITS - integerBits,
      Math.floor((budget - 2 * integerBits) / (depth + 2)),
    );
    if (scaleBits < MIN_SCALE_BITS) {
      tried.push(`N=${n}: ${budget} bits leave a ${scaleBits}-bit scale`);
      continue;
    }
    const outer = scaleBits + integerBits;
    const bits = [outer, ...new Array<number>(depth).fill(scaleBits), outer];
    const total = bits.reduce((a, b) => a + b, 0);
    return {
      polyModulusDegree: n,
      coeffModulusBits: bits,
      scaleBits,
      security,
      depth,
      slots: n / 2,
      explanation: [
        `depth ${depth}: ${depth} rescaling primes of ${scaleBits} bits, scale 2^${scaleBits}`,
        `first prime ${outer} bits = scale + ${integerBits} integer bits (decrypted values below 2^${integerBits - 1})`,
        `special prime ${outer} bits for key switching (not part of the ciphertext modulus)`,
        `N=${n}: total ${total} of ${budget} bits allowed at ${security}-bit security (HE standard); ${n / 2} slots`,
        ...tried.map((t) => `rejected ${t}`),
      ],
    };
  }
  throw new MlsecError(
    "E_HE_PARAMETERS",
    `no CKKS ring degree up to ${RING_DEGREES[RING_DEGREES.length - 1]} fits depth ${depth} and ${slotsNeeded} slots at ${security}-bit security (${tried.join("; ")})`,
    { hint: "Use a shallower model (fewer layers, degree-2 activations) or a lower --security." },
  );
}
