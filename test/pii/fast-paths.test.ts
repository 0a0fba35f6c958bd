import fc from "fast-check";
import examples from "libphonenumber-js/examples.mobile.json" with { type: "json" };
import type { CountryCode } from "libphonenumber-js/max";
import {
  getCountries,
  getExampleNumber,
  isPossiblePhoneNumber,
  isValidPhoneNumber,
  parsePhoneNumberFromString,
} from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { analyze, DEFAULT_PHONE_REGIONS, makePhoneRecognizer } from "../../src/pii/index.js";
import { mayBeNational, mayBeValidNational } from "../../src/pii/recognizers/phone.js";
import { readPlainNumber } from "../../src/pii/recognizers/phone-reading.js";

// The fast paths must give the same answers as the slow, obviously right ones they replace.

describe("phone-number prefilter", () => {
  it("never rules out a region where libphonenumber finds the number possible or valid", () => {
    const regions = DEFAULT_PHONE_REGIONS as readonly CountryCode[];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{6,15}$/),
        fc.constantFrom(...regions),
        (digits, region) => {
          if (isValidPhoneNumber(digits, region) || isPossiblePhoneNumber(digits, region)) {
            expect(mayBeNational(digits, region)).toBe(true);
          }
          if (isValidPhoneNumber(digits, region)) {
            expect(mayBeValidNational(digits, region)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
  it("never rules out a region for digits after an international dialling prefix", () => {
    // Prefixes of the default regions ("00", "011", "0011", "010", "001…"), then a 0 or not.
    const regions = DEFAULT_PHONE_REGIONS as readonly CountryCode[];
    fc.assert(
      fc.property(
        fc.constantFrom("00", "000", "011", "0011", "0010", "010", "001", "0"),
        fc.stringMatching(/^[0-9]{3,12}$/),
        fc.constantFrom(...regions),
        (prefix, rest, region) => {
          const digits = prefix + rest;
          if (isValidPhoneNumber(digits, region) || isPossiblePhoneNumber(digits, region)) {
            expect(mayBeNational(digits, region)).toBe(true);
          }
          if (isValidPhoneNumber(digits, region)) {
            expect(mayBeValidNational(digits, region)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
  it("every region's example number passes, written nationally and as bare digits", () => {
    for (const region of DEFAULT_PHONE_REGIONS as readonly CountryCode[]) {
      const example = getExampleNumber(region, examples)!;
      for (const written of [example.formatNational(), example.nationalNumber as string]) {
        const digits = written.replace(/\D/g, "");
        expect(isValidPhoneNumber(written, region)).toBe(true);
        expect(mayBeValidNational(digits, region)).toBe(true);
        expect(mayBeNational(digits, region)).toBe(true);
      }
    }
  });
  it("known national numbers pass the filter for their region", () => {
    expect(mayBeNational("2025550143", "US")).toBe(true);
    expect(mayBeNational("02079460958", "GB")).toBe(true);
    expect(mayBeNational("03012345678", "DE")).toBe(true);
    expect(mayBeNational("0612345678", "FR")).toBe(true);
    expect(mayBeNational("23456", "US")).toBe(false);
  });
  it("memoized scores equal fresh ones, also after the memo fills", () => {
    const numbers = Array.from({ length: 50 }, (_, i) => `(202) 555-${String(1000 + i * 7)}`);
    const text = numbers.map((n) => `call ${n} or 06 12 34 ${String(10 + (numbers.length % 89))}`);
    const warm = makePhoneRecognizer();
    const first = warm.detect(text.join("\n"));
    expect(warm.detect(text.join("\n"))).toEqual(first);
    expect(makePhoneRecognizer().detect(text.join("\n"))).toEqual(first);
  });
});

describe("phone-number reading", () => {
  const regions = DEFAULT_PHONE_REGIONS as readonly CountryCode[];
  const parsed = (text: string, region?: CountryCode) => {
    const number = parsePhoneNumberFromString(
      text,
      region === undefined ? { extract: false } : { defaultCountry: region, extract: false },
    );
    return { valid: number?.isValid() ?? false, possible: number?.isPossible() ?? false };
  };
  // Example numbers of every region, some digits changed: many valid, many near misses.
  const nationals = getCountries().map((c) => getExampleNumber(c, examples)!.nationalNumber);
  const digits = fc.oneof(
    fc.stringMatching(/^[0-9]{5,16}$/),
    fc
      .tuple(fc.constantFrom(...nationals), fc.nat(), fc.stringMatching(/^[0-9]?$/))
      .map(([n, at, d]) => n.slice(0, at % n.length) + d + n.slice((at % n.length) + d.length)),
  );
  const prefixes = [
    "",
    "0",
    "1",
    "8",
    "00",
    "011",
    "0011",
    "001",
    "44",
    "49",
    "+",
    "+1",
    "+44",
    "+7",
  ];
  const written = fc
    .tuple(fc.constantFrom(...prefixes), digits, fc.array(fc.nat(), { maxLength: 4 }))
    .map(([prefix, number, cuts]) => {
      let text = number;
      for (const cut of cuts) {
        const at = 1 + (cut % (text.length - 1));
        text = text.slice(0, at) + [" ", "-", ".", "  ", ") "][cut % 5] + text.slice(at);
      }
      return prefix + text;
    });

  it("reads every plain text as libphonenumber parses it, in every region and in none", () => {
    fc.assert(
      fc.property(written, fc.constantFrom(...regions, undefined), (text, region) => {
        expect(readPlainNumber(text, region)).toEqual(parsed(text, region));
      }),
      { numRuns: 5000 },
    );
  });
  it("reads every region's example number as libphonenumber does, nationally and internationally", () => {
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples)!;
      for (const text of [example.formatNational(), example.formatInternational()]) {
        const region = regions.includes(country) ? country : undefined;
        expect(readPlainNumber(text, region)).toEqual(parsed(text, region));
      }
    }
  });
  it("leaves text that is not plain to libphonenumber", () => {
    expect(readPlainNumber("212-555-0142 ext. 7", "US")).toBeUndefined();
    expect(readPlainNumber("tel:+1-212-555-0142", "US")).toBeUndefined();
  });
});

describe("context words", () => {
  it("a context word lifts a score; a negative one lowers it; the window is bounded", () => {
    const plain = analyze("x 212-555-0142", { minScore: 0 });
    const lifted = analyze("my phone: 212-555-0142", { minScore: 0 });
    const lowered = analyze("order 212-555-0142", { minScore: 0 });
    const far = analyze(`phone ${"word ".repeat(30)}212-555-0142`, { minScore: 0 });
    const score = (fs: typeof plain) => fs.find((f) => f.type === "PHONE_NUMBER")?.score ?? 0;
    expect(score(lifted)).toBeGreaterThan(score(plain));
    expect(score(lowered)).toBeLessThan(score(plain));
    expect(score(far)).toBe(score(plain));
  });
});
