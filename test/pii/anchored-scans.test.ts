import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CARD_NUMBERS } from "../../src/pii/recognizers/credit-card.js";
import { SEGWIT_CANDIDATES } from "../../src/pii/recognizers/crypto-wallet.js";
import {
  CLOCK_TIMES,
  dateTimeRecognizer,
  ISO_DATES,
  NUMERIC_DATES,
  writtenDateValid,
  YEARS,
} from "../../src/pii/recognizers/date-time.js";
import {
  chainedDigits,
  type DigitAnchoredScan,
  digitAnchoredMatches,
  digitRuns,
} from "../../src/pii/recognizers/digit-runs.js";
import { IBAN_CANDIDATES } from "../../src/pii/recognizers/iban.js";
import { V4_CANDIDATES } from "../../src/pii/recognizers/ip-address.js";
import { DEA_CANDIDATES } from "../../src/pii/recognizers/medical-license.js";
import { PHONE_CANDIDATES } from "../../src/pii/recognizers/phone.js";
import { NHS_CANDIDATES } from "../../src/pii/recognizers/uk-nhs.js";
import {
  DRIVER_LICENSE_CANDIDATES,
  PASSPORT_CANDIDATES,
} from "../../src/pii/recognizers/us-ids.js";
import { SSN_CANDIDATES } from "../../src/pii/recognizers/us-ssn.js";
import { includesFrom, matches } from "../../src/pii/recognizers/util.js";

// Each digit-anchored scan must yield what a global scan with its pattern yields, on text built
// from the pieces that keep partial matches alive (digits, the pattern's separators and letters,
// and characters that end or break them).

const spans = (it: Iterable<{ start: number; end: number }>) =>
  Array.from(it, ({ start, end }) => [start, end]);

const textOf = (atoms: string[], maxLength = 40) =>
  fc.array(fc.constantFrom(...atoms), { maxLength }).map((parts) => parts.join(""));

const DIGITS = ["0", "1", "2", "9", "12", "19", "20", "123", "2024", "4111", "0000000"];
const BREAKS = [" ", "x", "é", "_", "\n", "😀"];

function agreesWithGlobalScan(scan: DigitAnchoredScan, atoms: string[]) {
  const global = new RegExp(scan.re.source, scan.re.flags.replace("y", "g"));
  fc.assert(
    fc.property(textOf([...DIGITS, ...BREAKS, ...atoms]), (text) => {
      expect(spans(digitAnchoredMatches(scan, text))).toEqual(
        spans(matches(global, text, scan.notAfter)),
      );
    }),
    { numRuns: 400 },
  );
}

describe("digit-anchored scans equal the global scan they replace", () => {
  it("digitRuns lists the maximal digit runs", () => {
    fc.assert(
      fc.property(textOf([...DIGITS, ...BREAKS]), (text) => {
        const expected = Array.from(text.matchAll(/\d+/g), (m) => [m.index, m.index + m[0].length]);
        expect(digitRuns(text)).toEqual(expected.flat());
      }),
    );
  });

  it("chainedDigits counts digits across short gaps", () => {
    const runs = [0, 3, 4, 7, 12, 16];
    expect(chainedDigits(runs, 0, 1, 6)).toBe(true);
    expect(chainedDigits(runs, 0, 1, 7)).toBe(false);
    expect(chainedDigits(runs, 0, 5, 10)).toBe(true);
  });

  it("card numbers", () => agreesWithGlobalScan(CARD_NUMBERS, ["-", " ", "4111 1111 "]));
  it("SSNs", () => agreesWithGlobalScan(SSN_CANDIDATES, ["-", ".", " ", "123-45-", "123456789"]));
  it("NHS numbers", () => agreesWithGlobalScan(NHS_CANDIDATES, ["-", " ", "943 476 "]));
  it("IBANs", () =>
    agreesWithGlobalScan(IBAN_CANDIDATES, ["GB", "de", "82", "WEST ", "A", "b", " ", "ÿ"]));
  it("IPv4 addresses", () => agreesWithGlobalScan(V4_CANDIDATES, [".", "/", "192.168.", "1.1"]));
  it("DEA numbers", () => agreesWithGlobalScan(DEA_CANDIDATES, ["AB", "a", "Z", "1234563"]));
  it("passport numbers", () =>
    agreesWithGlobalScan(PASSPORT_CANDIDATES, ["A", "b", "-", "123456789"]));
  it("driver licence numbers", () =>
    agreesWithGlobalScan(DRIVER_LICENSE_CANDIDATES, ["A", "BC", "d", "-", "12-", "1234567"]));
  it("phone numbers", () =>
    agreesWithGlobalScan(PHONE_CANDIDATES, [
      ...["+", "00", "(", ")", "-", ".", " ", "/", "ext", "#"],
      // The widest gaps between two digits.
      ...[") ( ", ")-(.", "(0)", "+44 "],
    ]));
  it("ISO dates", () => agreesWithGlobalScan(ISO_DATES, ["-", "T", ":", "Z", "+", "2024-01-"]));
  it("numeric dates", () =>
    agreesWithGlobalScan(NUMERIC_DATES, ["/", ".", "-", "12:30", " pm", "1/2/"]));
  it("clock times", () => agreesWithGlobalScan(CLOCK_TIMES, [":", "12:30", "am", "P.M.", "."]));
  it("segwit addresses", () =>
    agreesWithGlobalScan(SEGWIT_CANDIDATES, ["bc", "tb", "bcrt", "BC", "TB", "b", "qw508d6q"]));
  it("years", () => agreesWithGlobalScan(YEARS, ["1999", "s", "-", ",", ":", "/", "."]));
});

describe("includesFrom", () => {
  it("equals includes", () => {
    fc.assert(
      fc.property(textOf(["-", "----", "BEGIN", " ", "e", "y", "J", "eyJ", "x"]), (text) => {
        expect(includesFrom(text, "-----BEGIN ", 5)).toBe(text.includes("-----BEGIN "));
        expect(includesFrom(text, "eyJ", 1)).toBe(text.includes("eyJ"));
      }),
      { numRuns: 500 },
    );
  });
});

describe("written dates", () => {
  it("are found at every day number a month name can follow", () => {
    const months =
      "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    const days = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    const written = new RegExp(
      `(?:${days},? )?(?:${months}\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?|\\d{1,2}(?:st|nd|rd|th)? (?:of )?${months}\\.?(?:,? \\d{4})?|${months} \\d{4})(?![\\p{L}\\p{N}])`,
      "giu",
    );
    const one = (...options: string[]) => fc.constantFrom(...options);
    const phrase = fc
      .tuple(
        one("", "x", " ", "Monday, ", "5"),
        one("3", "21", "2024", "123"),
        one("", "st", "ſt", "ND", "rd", "Th", "x", "ſ"),
        one(" ", "", " of ", ","),
        one("May", "june", "x", "Sept."),
        one("", " 2024", ", 2024", "1"),
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.array(phrase, { maxLength: 4 }), (phrases) => {
        const text = phrases.join(" ");
        const found = dateTimeRecognizer
          .detect(text)
          .filter((f) => f.score === 0.7)
          .map((f) => [f.start, f.end]);
        const valid = [...matches(written, text, "")].filter((m) => writtenDateValid(m.match[0]));
        expect(found).toEqual(spans(valid));
      }),
      { numRuns: 1000 },
    );
  });
});
