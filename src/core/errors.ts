import { ERROR_CODES, type ErrorCode } from "./error-codes.js";

export interface MlsecErrorOptions {
  /** What the user can do about it; defaults to the code's hint from the table. */
  readonly hint?: string;
  readonly cause?: unknown;
  /** Structured context for JSON output (paths, node names, shapes). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Every error mlsec raises on purpose. `code` is stable and documented in docs/errors.md. */
export class MlsecError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: MlsecErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MlsecError";
    this.code = code;
    this.hint = options.hint ?? ERROR_CODES[code].hint;
    this.details = options.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; details: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      details: { ...this.details },
    };
  }
}

export function isMlsecError(value: unknown): value is MlsecError {
  return value instanceof MlsecError;
}

/** Wraps an unknown thrown value so callers always handle an MlsecError. */
export function toMlsecError(value: unknown, fallback: ErrorCode = "E_INTERNAL"): MlsecError {
  if (value instanceof MlsecError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new MlsecError(fallback, message, { cause: value });
}
