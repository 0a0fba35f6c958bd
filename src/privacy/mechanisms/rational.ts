// Exact rationals from IEEE-754 doubles: every finite double is m * 2^e with integer m, so it
// converts to a BigInt fraction without rounding (IEEE 754-2019 §3.4).

import { MlsecError } from "../../core/index.js";

export interface Rational {
  readonly num: bigint;
  /** Always > 0. */
  readonly den: bigint;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double as a fraction in lowest terms. */
export function toRational(x: number): Rational {
  if (!Number.isFinite(x)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `cannot make an exact fraction of ${x}`);
  }
  if (x === 0) return { num: 0n, den: 1n };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  while (mantissa % 2n === 0n && exponent < 0) {
    mantissa /= 2n;
    exponent++;
  }
  if (exponent >= 0) return { num: sign * (mantissa << BigInt(exponent)), den: 1n };
  return { num: sign * mantissa, den: 1n << BigInt(-exponent) };
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** round(value / 2^exponent) as an exact integer (halves round up). */
export function roundToGrid(value: number, exponent: number): bigint {
  const { num, den } = toRational(value);
  const n = exponent >= 0 ? num : num << BigInt(-exponent);
  const d = exponent >= 0 ? den << BigInt(exponent) : den;
  return floorDiv(2n * n + d, 2n * d);
}
