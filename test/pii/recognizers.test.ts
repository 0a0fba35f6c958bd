import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyze,
  base58CheckValid,
  bech32Variant,
  cardBrand,
  deaValid,
  ibanValid,
  luhnValid,
  nhsValid,
  segwitAddressValid,
  ssnValid,
  validDate,
} from "../../src/pii/index.js";

const types = (text: string) => analyze(text).map((f) => [f.type, f.text]);

describe("checksums (known answers)", () => {
  it("Luhn and card brands (ISO/IEC 7812, incl. Mastercard 2-series)", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398713")).toBe(true); // the classic Luhn example
    expect(cardBrand("5555555555554444")).toBe("mastercard");
    expect(cardBrand("2223003122003222")).toBe("mastercard");
    expect(cardBrand("378282246310005")).toBe("amex");
    expect(cardBrand("6011111111111117")).toBe("discover");
  });
  it("IBAN mod-97 and per-country length (ISO 13616)", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("gb82west12345698765432")).toBe(true);
    expect(ibanValid("GB82WEST12345698765433")).toBe(false); // check digits fail
    expect(ibanValid("GB82WEST1234569876543")).toBe(false); // GB is 22 long
  });
  it("SSN area/group/serial rules", () => {
    expect(ssnValid("536228726")).toBe(true);
    for (const bad of ["000123456", "666123456", "912345678", "123006789", "123450000"]) {
      expect(ssnValid(bad)).toBe(false);
    }
    expect(ssnValid("078051120")).toBe(false); // the Woolworth wallet-card number
  });
  it("NHS mod-11", () => {
    expect(nhsValid("9434765919")).toBe(true);
    expect(nhsValid("9434765918")).toBe(false);
  });
  it("Base58Check (genesis address) and BIP-173/350 bech32(m) vectors", () => {
    expect(base58CheckValid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")).toBe(true);
    expect(base58CheckValid("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")).toBe(false);
    expect(bech32Variant("A12UEL5L")).toBe("bech32");
    expect(bech32Variant("A1LQFN3A")).toBe("bech32m");
    expect(bech32Variant("A1G7SGD8")).toBeUndefined();
    expect(segwitAddressValid("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")).toBe(true);
    expect(
      segwitAddressValid(
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
      ),
    ).toBe(true);
    // v0 with a bech32m checksum is invalid (BIP-350).
    expect(segwitAddressValid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")).toBe(false);
  });
  it("DEA check digit and calendar dates", () => {
    expect(deaValid("AB1234563")).toBe(true);
    expect(deaValid("AB1234564")).toBe(false);
    expect(validDate(2024, 2, 29)).toBe(true);
    expect(validDate(2023, 2, 29)).toBe(false);
  });
});

describe("analyze", () => {
  it("finds each entity family in a sentence", () => {
    const found = types(
      "Mr. John Smith (john.smith@example.com, +1 202-555-0143) paid with 4111 1111 1111 1111 " +
        "from IBAN GB82 WEST 1234 5698 7654 32 on 2024-03-05; SSN 536-22-8726, host 192.168.10.4, " +
        "see https://example.org/a?b=1. Wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.",
    );
    expect(found).toEqual(
      expect.arrayContaining([
        ["PERSON", "John Smith"],
        ["EMAIL_ADDRESS", "john.smith@example.com"],
        ["PHONE_NUMBER", "+1 202-555-0143"],
        ["CREDIT_CARD", "4111 1111 1111 1111"],
        ["IBAN_CODE", "GB82 WEST 1234 5698 7654 32"],
        ["DATE_TIME", "2024-03-05"],
        ["US_SSN", "536-22-8726"],
        ["IP_ADDRESS", "192.168.10.4"],
        ["URL", "https://example.org/a?b=1"],
        ["CRYPTO", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"],
      ]),
    );
  });

  it("finds secrets", () => {
    const jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    const pem =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----";
    const text = `key AKIAIOSFODNN7EXAMPLE token ghp_${"a".repeat(36)} jwt ${jwt}\n${pem}\n`;
    const details = analyze(text).map((f) => f.detail);
    expect(details).toEqual(["aws-access-key-id", "github-token", "jwt", "private-key"]);
  });

  it("finds IPv6 addresses that end in a dotted quad whole (RFC 4291 §2.2, form 3)", () => {
    const ips = (text: string) =>
      analyze(text)
        .filter((f) => f.type === "IP_ADDRESS")
        .map((f) => f.text);
    // The last hex group "10" or "192" starts the quad: the address must not be cut after it,
    // or anonymizing it would leave the IPv4 part behind.
    expect(ips("client ::ffff:10.0.0.1 connected")).toEqual(["::ffff:10.0.0.1"]);
    expect(ips("Traffic goes to 2001:db8::192.168.1.1 now.")).toEqual(["2001:db8::192.168.1.1"]);
    expect(ips("not an address: ::ffff:10.0.0.300")).toEqual([]);
  });

  it("finds written dates only with a day their month has", () => {
    const dates = (text: string) =>
      analyze(text)
        .filter((f) => f.type === "DATE_TIME")
        .map((f) => f.text);
    expect(dates("Due May 39, 2027 or Nov 25, 2020.")).toEqual(["2027", "Nov 25, 2020"]);
    expect(dates("February 29, 2023 and February 29, 2024")).toEqual(["2023", "February 29, 2024"]);
    expect(dates("the 0th of March and the 5th of May")).toEqual(["5th of May"]);
  });

  it("takes table rows, decimals and year ranges for no phone numbers", () => {
    const phones = (text: string) =>
      analyze(text)
        .filter((f) => f.type === "PHONE_NUMBER")
        .map((f) => f.text);
    expect(phones("Copyright © 2016-2026 The Authors.")).toEqual([]);
    expect(phones("| simple | 0.0000  0.3694  0.0001  0.0002 |")).toEqual([]);
    expect(phones("Call 8.000000 now, total 313309.09 EUR")).toEqual([]);
    // Dotted groups of three or more digits, and dashed ones that are no range of years, stay.
    expect(phones("call 555.1234 or 020.7946.0958 today")).toEqual(["555.1234", "020.7946.0958"]);
    expect(phones("ring 2015-1999 or 5551-2345")).toEqual(["2015-1999", "5551-2345"]);
  });

  it("rejects hard negatives: Luhn failures, version strings, hashes, order numbers", () => {
    expect(types("Card 4111 1111 1111 1112 was declined")).toEqual([]);
    expect(
      analyze("upgrade to version 1.2.3.4 today").filter((f) => f.type === "IP_ADDRESS"),
    ).toEqual([]);
    expect(analyze("sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12")).toEqual([]);
    expect(
      analyze("invoice INV-2291 and order number 4716 9088 1234").filter(
        (f) => f.type === "CREDIT_CARD" || f.type === "PHONE_NUMBER",
      ),
    ).toEqual([]);
    expect(analyze("IBAN GB82 WEST 1234 5698 7654 33").map((f) => f.type)).not.toContain(
      "IBAN_CODE",
    );
  });

  it("context words raise weak patterns above the threshold", () => {
    expect(analyze("the number is 912345678").filter((f) => f.type === "US_PASSPORT")).toEqual([]);
    const hit = analyze("my passport number is 912345678").find((f) => f.type === "US_PASSPORT");
    expect(hit?.text).toBe("912345678");
  });

  it("reports code-point offsets by default and UTF-16 on request", () => {
    const text = "😀 mail me at ann@example.com";
    const [cp] = analyze(text, { entities: ["EMAIL_ADDRESS"] });
    const [u16] = analyze(text, { entities: ["EMAIL_ADDRESS"], offsets: "utf16" });
    expect(Array.from(text).slice(cp.start, cp.end).join("")).toBe("ann@example.com");
    expect(text.slice(u16.start, u16.end)).toBe("ann@example.com");
    expect(u16.start - cp.start).toBe(1);
  });

  it("filters by entity and score, and bounds line length", () => {
    const text = "Call 202-555-0143 or mail a@b.co";
    expect(analyze(text, { entities: ["EMAIL_ADDRESS"] }).map((f) => f.type)).toEqual([
      "EMAIL_ADDRESS",
    ]);
    expect(analyze(text, { minScore: 1 }).map((f) => f.type)).toEqual(["EMAIL_ADDRESS"]);
    expect(() => analyze("x".repeat(100), { maxLineLength: 50 })).toThrow(/exceeds the limit/);
  });
});

describe("properties", () => {
  it("findings are sorted, disjoint, in range and quote the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: "grapheme" }), (text) => {
        const chars = Array.from(text);
        let last = 0;
        for (const f of analyze(text)) {
          expect(f.start).toBeGreaterThanOrEqual(last);
          expect(f.end).toBeLessThanOrEqual(chars.length);
          expect(chars.slice(f.start, f.end).join("")).toBe(f.text);
          last = f.end;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("adversarial inputs (long runs of pattern prefixes) finish in linear work", () => {
    // Runs that keep every recognizer's partial match alive: the regexes use only bounded
    // quantifiers, so these must complete; a catastrophic pattern would hang the test.
    const pieces = [
      "a",
      "1",
      "1 ",
      "1-",
      "A",
      "a.",
      "@",
      ":",
      "1.",
      "eyJ",
      "-----BEGIN PRIVATE KEY-----",
      "Mr ",
      "Street ",
      "\n",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 40 }),
        fc.integer({ min: 500, max: 3000 }),
        (parts, repeat) => {
          const text = parts
            .join("")
            .repeat(Math.ceil(repeat / Math.max(1, parts.join("").length)));
          expect(Array.isArray(analyze(text))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    expect(analyze(`${"1 ".repeat(50_000)}x`).length).toBeGreaterThanOrEqual(0);
    expect(analyze(`${"a".repeat(200_000)}@`)).toEqual([]);
  });
});

describe("hard negatives and precedence found by bench/pii-corpus.mjs", () => {
  it("version strings are not dotted dates; dotted dates are day.month.year", () => {
    expect(types("Upgraded to version 9.23.18 today.")).toEqual([]);
    expect(types("Upgraded to version 5.3.85 today.")).toEqual([]);
    expect(types("Termin am 13.05.2021 bestätigt.")).toContainEqual(["DATE_TIME", "13.05.2021"]);
  });
  it("'NHS' before a valid NHS number outranks the phone reading of 'number'", () => {
    expect(types("NHS number 401 023 2137 registered.")).toEqual([["UK_NHS", "401 023 2137"]]);
  });
  it("a compound street suffix must end the word ('Patient' is no street)", () => {
    expect(types("Patient NHS no. 943 476 5919 attended.")).toEqual([["UK_NHS", "943 476 5919"]]);
  });
});
