import { MlsecError } from "../core/index.js";

/** Parsers for commander options that turn bad values into E_USAGE errors. */

export function parseInteger(
  name: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new MlsecError(
        "E_USAGE",
        `${name} must be an integer in [${min}, ${max}], got "${value}"`,
      );
    }
    return n;
  };
}

export function parseNumber(name: string, min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new MlsecError(
        "E_USAGE",
        `${name} must be a number in [${min}, ${max}], got "${value}"`,
      );
    }
    return n;
  };
}

export function parseChoice<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new MlsecError(
        "E_USAGE",
        `${name} must be one of ${choices.join(", ")}, got "${value}"`,
      );
    }
    return value as T;
  };
}
