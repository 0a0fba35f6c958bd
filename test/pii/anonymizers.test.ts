import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anonymizeCsvRecords,
  anonymizeText,
  deanonymizeText,
  decryptDeterministic,
  deriveKeys,
  encryptDeterministic,
  ff1Decrypt,
  ff1Encrypt,
  luhnValid,
  parseAnonymizerConfig,
  parseKey,
  pseudonymize,
  unpseudonymize,
} from "../../src/pii/index.js";

const ALPHA = "0123456789abcdefghijklmnopqrstuvwxyz";
const numerals = (s: string) => [...s].map((c) => ALPHA.indexOf(c));
const text = (a: number[]) => a.map((i) => ALPHA[i]).join("");
const hex = (s: string) => Buffer.from(s, "hex");

describe("FF1 (NIST SP 800-38G samples)", () => {
  const k128 = hex("2B7E151628AED2A6ABF7158809CF4F3C");
  const k256 = hex("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94");
  const cases = [
    { key: k128, tweak: "", radix: 10, pt: "0123456789", ct: "2433477484" },
    { key: k128, tweak: "39383736353433323130", radix: 10, pt: "0123456789", ct: "6124200773" },
    {
      key: k128,
      tweak: "3737373770717273373737",
      radix: 36,
      pt: "0123456789abcdefghi",
      ct: "a9tv40mll9kdu509eum",
    },
    { key: k256, tweak: "", radix: 10, pt: "0123456789", ct: "6657667009" },
  ];
  for (const c of cases) {
    it(`radix ${c.radix}, ${c.key.length * 8}-bit key, tweak "${c.tweak}"`, () => {
      const t = hex(c.tweak);
      expect(text(ff1Encrypt(c.key, t, c.radix, numerals(c.pt)))).toBe(c.ct);
      expect(text(ff1Decrypt(c.key, t, c.radix, numerals(c.ct)))).toBe(c.pt);
    });
  }
  it("round-trips random numeral strings and rejects too-small domains", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 30 }),
        (x) => {
          expect(
            ff1Decrypt(k128, Buffer.from("t"), 10, ff1Encrypt(k128, Buffer.from("t"), 10, x)),
          ).toEqual(x);
        },
      ),
      { numRuns: 50 },
    );
    expect(() => ff1Encrypt(k128, Buffer.alloc(0), 10, [1, 2, 3])).toThrow(/1,000,000/);
  });
});

const keys = deriveKeys(Buffer.alloc(32, 7));
const otherKeys = deriveKeys(Buffer.alloc(32, 8));

describe("operators", () => {
  const sample = "Email ann.lee@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111.";

  it("replace (default), redact, mask, keep", () => {
    expect(anonymizeText(sample, {}).text).toBe(
      "Email <EMAIL_ADDRESS> or call <PHONE_NUMBER>; card <CREDIT_CARD>.",
    );
    const cfg = parseAnonymizerConfig({
      default: { type: "redact" },
      entities: {
        CREDIT_CARD: { type: "mask", char: "#", count: 15, fromEnd: false },
        PHONE_NUMBER: { type: "keep" },
      },
    });
    expect(anonymizeText(sample, cfg).text).toBe(
      "Email  or call +44 20 7946 0958; card ###############1111.",
    );
  });

  it("hash is keyed HMAC-SHA-256 (same key same digest, other key other digest)", () => {
    const cfg = parseAnonymizerConfig({ default: { type: "hash", length: 16 } });
    const a = anonymizeText(sample, cfg, keys).text;
    expect(a).toMatch(/^Email [0-9a-f]{16} or call [0-9a-f]{16}; card [0-9a-f]{16}\.$/);
    expect(anonymizeText(sample, cfg, keys).text).toBe(a);
    expect(anonymizeText(sample, cfg, otherKeys).text).not.toBe(a);
    expect(() => anonymizeText(sample, cfg)).toThrow(/needs a key/);
  });

  it("encrypt is deterministic and reversible only with the key", () => {
    const cfg = parseAnonymizerConfig({ default: { type: "encrypt" } });
    const enc = anonymizeText(sample, cfg, keys);
    expect(enc.text).not.toContain("ann.lee");
    expect(anonymizeText(sample, cfg, keys).text).toBe(enc.text);
    expect(deanonymizeText(enc.text, keys)).toEqual({ text: sample, restored: 3 });
    expect(() => deanonymizeText(enc.text, otherKeys)).toThrow(/does not decrypt/);
  });

  it("deterministic AEAD rejects tampering and binds the type", () => {
    const sealed = encryptDeterministic(keys.encrypt, keys.nonce, "PERSON", "Ann Lee");
    expect(decryptDeterministic(keys.encrypt, keys.nonce, "PERSON", sealed)).toBe("Ann Lee");
    expect(() => decryptDeterministic(keys.encrypt, keys.nonce, "LOCATION", sealed)).toThrow();
    const bad = Buffer.from(sealed);
    bad[14] ^= 1;
    expect(() => decryptDeterministic(keys.encrypt, keys.nonce, "PERSON", bad)).toThrow();
  });

  it("pseudonyms keep the format, are consistent, and invert", () => {
    const card = pseudonymize(keys.pseudonym, "CREDIT_CARD", "4111 1111 1111 1111");
    expect(card).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(card).not.toBe("4111 1111 1111 1111");
    expect(luhnValid(card.replace(/ /g, ""))).toBe(true);
    expect(pseudonymize(keys.pseudonym, "CREDIT_CARD", "4111 1111 1111 1111")).toBe(card);
    const phone = pseudonymize(keys.pseudonym, "PHONE_NUMBER", "+44 20 7946 0958");
    expect(phone).toMatch(/^\+\d\d \d\d \d{4} \d{4}$/);
    expect(unpseudonymize(keys.pseudonym, "PHONE_NUMBER", phone)).toBe("+44 20 7946 0958");
    const email = pseudonymize(keys.pseudonym, "EMAIL_ADDRESS", "Ann.Lee@example.com");
    expect(email).toMatch(/^[A-Z][a-z]{2}\.[A-Z][a-z]{2}@[a-z]{7}\.com$/);
    expect(unpseudonymize(keys.pseudonym, "EMAIL_ADDRESS", email)).toBe("Ann.Lee@example.com");
  });

  it("rejects bad configs and short keys", () => {
    expect(() => parseAnonymizerConfig({ default: { type: "shred" } })).toThrow(
      /invalid anonymizer/,
    );
    expect(() => parseAnonymizerConfig({ entities: { NOPE: { type: "redact" } } })).toThrow();
    expect(() => deriveKeys(Buffer.alloc(8))).toThrow(/at least 16/);
    expect(parseKey(Buffer.from("00".repeat(32))).length).toBe(32);
  });

  it("offsets of replaced items point into the output", () => {
    const r = anonymizeText("😀 ann@example.com", {});
    expect(r.items).toEqual([{ type: "EMAIL_ADDRESS", operator: "replace", start: 2, end: 17 }]);
    expect(Array.from(r.text).slice(2, 17).join("")).toBe("<EMAIL_ADDRESS>");
  });
});

describe("hostile input (fast-check)", () => {
  it("config parsing returns a config or throws E_PII_CONFIG, nothing else", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        try {
          parseAnonymizerConfig(value);
        } catch (e) {
          expect((e as { code?: string }).code).toBe("E_PII_CONFIG");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("deanonymize of forged tokens fails with E_PII_KEY and never returns garbage", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.uint8Array({ minLength: 28, maxLength: 120 }),
        (prefix, bytes) => {
          const forged = `${prefix}<enc:PERSON:${Buffer.from(bytes).toString("base64url")}>`;
          expect(() => deanonymizeText(forged, keys)).toThrow(
            expect.objectContaining({ code: "E_PII_KEY" }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("CSV anonymization rejects ragged rows before changing anything", () => {
    expect(() =>
      anonymizeCsvRecords(
        [
          ["a", "b"],
          ["1", "2", "3"],
        ],
        {},
      ),
    ).toThrow(/has 3 fields/);
  });
});
