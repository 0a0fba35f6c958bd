// libphonenumber-js's parse of plain phone-number text, re-enacted on its own metadata with each
// pattern compiled once. libphonenumber builds a regular expression anew for every test
// (helpers/matchesEntirely.js and others), which makes a parse cost 8–25 µs; the same answer
// read here costs about a microsecond. Each step names the file of libphonenumber-js (es6/) it
// follows, as of version 1.13.

import type { CountryCode } from "libphonenumber-js/max";
import { Metadata } from "libphonenumber-js/max";

/** What libphonenumber concludes of a text: PhoneNumber.isValid and isPossible. */
export interface Verdict {
  readonly valid: boolean;
  readonly possible: boolean;
}

export const NOT_A_NUMBER: Verdict = { valid: false, possible: false };

/** The number types PhoneNumber.isValid tries (getNumberType in helpers/getNumberType.js). */
const NUMBER_TYPES = [
  "FIXED_LINE",
  "MOBILE",
  "PREMIUM_RATE",
  "TOLL_FREE",
  "SHARED_COST",
  "VOIP",
  "PERSONAL_NUMBER",
  "PAGER",
  "UAN",
  "VOICEMAIL",
] as const;

/** The parts of libphonenumber-js's metadata classes read here that its typings leave out. */
interface TypeInternals {
  pattern(): string;
  possibleLengths(): readonly number[] | undefined;
}
interface PlanInternals {
  callingCode(): string;
  IDDPrefix(): string | 0;
  nationalNumberPattern(): string;
  possibleLengths(): readonly number[];
  nationalPrefixForParsing(): string | 0 | undefined;
  nationalPrefixTransformRule(): string | 0 | undefined;
  leadingDigits(): string | 0 | undefined;
  hasTypes(): boolean;
  type(type: string): TypeInternals | undefined;
}
interface MetadataInternals {
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan: PlanInternals;
  hasCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): readonly CountryCode[] | undefined;
}

interface NumberTypePlan {
  readonly pattern: RegExp;
  readonly lengths?: readonly number[];
}

/** A numbering plan as the parse reads it, its patterns compiled. */
export interface NumberingPlan {
  readonly callingCode: string;
  /** Possible lengths of a national significant number. */
  readonly lengths: readonly number[];
  /** The general national-number pattern, anchored at both ends (matchesEntirely). */
  readonly general: RegExp;
  /** The national prefix for parsing, anchored; undefined when the plan has none. */
  readonly prefix?: RegExp;
  /** The transform rule that rewrites digits the prefix captures. */
  readonly transform?: string;
  /** The international dialling prefix, anchored; undefined for a non-geographic plan. */
  readonly idd?: RegExp;
  /** Undefined when the plan has no number types (isValid then asks the general pattern). */
  readonly types?: readonly NumberTypePlan[];
  readonly leadingDigits?: RegExp;
}

function metadataInternals(): MetadataInternals {
  return new Metadata() as unknown as MetadataInternals;
}

/** libphonenumber's matchesEntirely, compiled once. */
const entirely = (pattern: string) => new RegExp(`^(?:${pattern})$`);
/** A pattern libphonenumber matches at the start only (String.search(…) === 0, exec of ^(?:…)). */
const atStart = (pattern: string) => new RegExp(`^(?:${pattern})`);

const plans = new Map<string, NumberingPlan>();

/**
 * The plan metadata.selectNumberingPlan(key) selects: a region's, or for a calling code the plan
 * of its main region (or its non-geographic plan).
 */
export function numberingPlan(key: string): NumberingPlan {
  let plan = plans.get(key);
  if (plan === undefined) {
    const metadata = metadataInternals();
    metadata.selectNumberingPlan(key);
    plan = compilePlan(metadata.numberingPlan);
    plans.set(key, plan);
  }
  return plan;
}

function compilePlan(internals: PlanInternals): NumberingPlan {
  // The compressed metadata stores an absent value as 0 or leaves it out.
  const prefix = internals.nationalPrefixForParsing();
  const transform = internals.nationalPrefixTransformRule();
  const idd = internals.IDDPrefix();
  const leadingDigits = internals.leadingDigits();
  return {
    callingCode: internals.callingCode(),
    lengths: internals.possibleLengths(),
    general: entirely(internals.nationalNumberPattern()),
    ...(prefix ? { prefix: atStart(prefix) } : {}),
    ...(transform ? { transform } : {}),
    ...(idd ? { idd: atStart(idd) } : {}),
    ...(internals.hasTypes() ? { types: numberTypePlans(internals) } : {}),
    ...(leadingDigits ? { leadingDigits: atStart(leadingDigits) } : {}),
  };
}

function numberTypePlans(internals: PlanInternals): NumberTypePlan[] {
  const types: NumberTypePlan[] = [];
  for (const type of NUMBER_TYPES) {
    const description = internals.type(type);
    // isNumberTypeEqualTo: a missing type or an empty pattern matches nothing.
    if (description === undefined || description.pattern() === "") continue;
    const lengths = description.possibleLengths();
    types.push({ pattern: entirely(description.pattern()), ...(lengths ? { lengths } : {}) });
  }
  return types;
}

const families = new Map<string, readonly NumberingPlan[]>();

/** The plans of the regions of a calling code, main region first; none for a non-geographic one. */
function family(callingCode: string): readonly NumberingPlan[] {
  let plans = families.get(callingCode);
  if (plans === undefined) {
    const regions = metadataInternals().getCountryCodesForCallingCode(callingCode) ?? [];
    plans = regions.map(numberingPlan);
    families.set(callingCode, plans);
  }
  return plans;
}

const callingCodes = new Map<string, boolean>();

function isCallingCode(digits: string): boolean {
  let known = callingCodes.get(digits);
  if (known === undefined) {
    known = metadataInternals().hasCallingCode(digits);
    callingCodes.set(digits, known);
  }
  return known;
}

/** helpers/getNumberType.js: whether the number has a type (fixed line, mobile, …) in the plan. */
function hasNumberType(plan: NumberingPlan, national: string): boolean {
  return (
    plan.general.test(national) &&
    (plan.types ?? []).some(
      (type) =>
        (type.lengths === undefined || type.lengths.includes(national.length)) &&
        type.pattern.test(national),
    )
  );
}

/** isValid.js: a number type where the plan has them, else the general pattern. */
function isValidIn(plan: NumberingPlan, national: string): boolean {
  return plan.types === undefined ? plan.general.test(national) : hasNumberType(plan, national);
}

type LengthCheck = "IS_POSSIBLE" | "TOO_SHORT" | "TOO_LONG" | "INVALID_LENGTH";

/** helpers/checkNumberLength.js, without a number type. */
function checkLength(lengths: readonly number[], length: number): LengthCheck {
  if (lengths[0] === length) return "IS_POSSIBLE";
  if (lengths[0] > length) return "TOO_SHORT";
  if (lengths[lengths.length - 1] < length) return "TOO_LONG";
  return lengths.indexOf(length, 1) >= 0 ? "IS_POSSIBLE" : "INVALID_LENGTH";
}

/**
 * helpers/getCountryByCallingCode.js and getCountryByNationalNumber.js: the only region of the
 * calling code, else the first whose leading digits start the number or, for a region without
 * leading digits, in which the number has a type; undefined if none.
 */
function regionOfNumber(callingCode: string, national: string): NumberingPlan | undefined {
  const plans = family(callingCode);
  if (plans.length === 1) return plans[0];
  return plans.find((plan) =>
    plan.leadingDigits ? plan.leadingDigits.test(national) : hasNumberType(plan, national),
  );
}

/**
 * helpers/extractNationalNumberFromPossiblyIncompleteNumber.js: the digits after the national
 * prefix, or the prefix's captures rewritten by the transform rule.
 */
function withoutNationalPrefix(plan: NumberingPlan, digits: string): string {
  const match = plan.prefix?.exec(digits);
  if (!match) return digits;
  const lastGroup = match.length - 1;
  if (plan.transform && lastGroup > 0 && match[lastGroup]) {
    return digits.replace(plan.prefix!, plan.transform);
  }
  return digits.slice(match[0].length);
}

/**
 * helpers/extractNationalNumber.js: the digits without their national prefix, unless the digits
 * match the general pattern and the rest does not, or the rest is too short or of an impossible
 * length for the region it belongs to. (Every plan of the metadata has possible lengths.)
 */
function nationalSignificantNumber(plan: NumberingPlan, digits: string): string {
  const rest = withoutNationalPrefix(plan, digits);
  if (rest === digits) return digits;
  if (plan.general.test(digits) && !plan.general.test(rest)) return digits;
  const check = checkLength((regionOfNumber(plan.callingCode, rest) ?? plan).lengths, rest.length);
  return check === "TOO_SHORT" || check === "INVALID_LENGTH" ? digits : rest;
}

/**
 * parse.js after the calling code is known, with `plan` selected: the national significant
 * number (2 to 17 digits, else no number) belongs to the region getCountryByCallingCode picks,
 * else to `plan`'s; PhoneNumber.isValid and isPossible read that region's plan.
 */
function readSignificant(plan: NumberingPlan, digits: string): Verdict {
  const national = nationalSignificantNumber(plan, digits);
  if (national.length < 2 || national.length > 17) return NOT_A_NUMBER;
  const owner = regionOfNumber(plan.callingCode, national) ?? plan;
  return {
    valid: isValidIn(owner, national),
    possible: checkLength(owner.lengths, national.length) === "IS_POSSIBLE",
  };
}

/**
 * helpers/extractCountryCallingCode.js for "+" and digits: the shortest of the one- to
 * three-digit prefixes that is a calling code, then the rest read in its plan.
 */
function readInternational(digits: string): Verdict {
  if (digits.startsWith("0")) return NOT_A_NUMBER;
  for (let length = 1; length <= 3 && length <= digits.length; length++) {
    const callingCode = digits.slice(0, length);
    if (!isCallingCode(callingCode)) continue;
    const rest = digits.slice(length);
    return rest === "" ? NOT_A_NUMBER : readSignificant(numberingPlan(callingCode), rest);
  }
  return NOT_A_NUMBER;
}

/**
 * helpers/stripIddPrefix.js: the digits after the region's international dialling prefix, unless
 * the prefix matches nothing, or nothing or a 0 follows it.
 */
export function afterIddPrefix(plan: NumberingPlan, digits: string): string | undefined {
  const idd = plan.idd?.exec(digits);
  if (!idd || idd[0].length === 0) return undefined;
  const rest = digits.slice(idd[0].length);
  return rest === "" || rest.startsWith("0") ? undefined : rest;
}

/**
 * helpers/extractCountryCallingCodeFromInternationalNumberWithoutPlusSign.js: digits that start
 * with the region's calling code are read as international when only the shorter number matches
 * the general pattern, or when the whole is too long.
 */
function startsWithCallingCode(plan: NumberingPlan, digits: string): boolean {
  if (!digits.startsWith(plan.callingCode)) return false;
  const shorter = nationalSignificantNumber(plan, digits.slice(plan.callingCode.length));
  const whole = nationalSignificantNumber(plan, digits);
  return (
    (!plan.general.test(whole) && plan.general.test(shorter)) ||
    checkLength(plan.lengths, whole.length) === "TOO_LONG"
  );
}

/**
 * Text the parse reads as written (parse.js, parseInput): at most 250 characters, viable (three
 * or more digits among VALID_PUNCTUATION, after an optional "+":
 * helpers/isViablePhoneNumber.js), no extension (each pattern of
 * helpers/extension/createExtensionPattern.js needs a label, ";", ",," or "#") and no RFC 3966
 * "tel:" or ";phone-context="; parseIncompletePhoneNumber keeps its "+" and ASCII digits.
 */
const PLAIN = /^(?=.{1,250}$)\+?(?:[ .()-]*\d){3}[\d .()-]*$/;

/**
 * What parsePhoneNumberFromString(text, { defaultCountry: region, extract: false }) concludes
 * of the text (no default country when `region` is undefined), or undefined when the text is
 * not plain and only a parse can tell.
 */
export function readPlainNumber(text: string, region?: CountryCode): Verdict | undefined {
  if (!PLAIN.test(text)) return undefined;
  const digits = text.replace(/\D/g, "");
  if (text.startsWith("+")) return readInternational(digits);
  // parse.js: national digits without a default country select no plan.
  if (region === undefined) return NOT_A_NUMBER;
  const plan = numberingPlan(region);
  const international = afterIddPrefix(plan, digits);
  if (international !== undefined) return readInternational(international);
  if (startsWithCallingCode(plan, digits)) {
    return readSignificant(numberingPlan(plan.callingCode), digits.slice(plan.callingCode.length));
  }
  return readSignificant(plan, digits);
}
