// Shared shapes of the PII module: entity names follow Microsoft Presidio's, so findings can be
// compared with Presidio's analyzer output and its evaluation data.

export const ENTITY_TYPES = [
  "PERSON",
  "LOCATION",
  "EMAIL_ADDRESS",
  "PHONE_NUMBER",
  "CREDIT_CARD",
  "IBAN_CODE",
  "US_SSN",
  "US_PASSPORT",
  "US_DRIVER_LICENSE",
  "UK_NHS",
  "IP_ADDRESS",
  "URL",
  "DATE_TIME",
  "CRYPTO",
  "MEDICAL_LICENSE",
  "SECRET",
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

/** A recognizer's raw hit, in UTF-16 code-unit offsets of the analysed string (end exclusive). */
export interface RawFinding {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  /** Which recognizer produced it (for explanations and tie-breaking). */
  readonly recognizer: string;
  /** Words that, found just before the span, raise the score (Presidio's context enhancement). */
  readonly context?: readonly string[];
  /** The score a context word lifts a weak pattern to (default: score + 0.35, at least 0.4). */
  readonly scoreWithContext?: number;
  /** Words that, found just before the span, lower it (order numbers, versions, hashes). */
  readonly negativeContext?: readonly string[];
  /** Extra facts (card brand, IBAN country, secret kind). */
  readonly detail?: string;
}

/** A finding as the analyzer returns it. Offsets follow `AnalyzeOptions.offsets`. */
export interface Finding {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly recognizer: string;
  readonly text: string;
  readonly detail?: string;
}

/** One detector for one family of entities. Pure: same text, same findings. */
export interface Recognizer {
  readonly name: string;
  readonly entities: readonly EntityType[];
  /** Finds candidates in `text`; offsets are UTF-16 code units. */
  detect(text: string): RawFinding[];
}

export type OffsetUnit = "codepoint" | "utf16";
