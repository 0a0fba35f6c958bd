// RFC 8785 (JSON Canonicalization Scheme) vectors for the audit-log hashing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { canonicalJson, type JsonValue } from "../../src/registry/index.js";

describe("canonicalJson (RFC 8785)", () => {
  it("matches the §3.2.2 sample: numbers, string escapes, literals, sorted keys", () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], ' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", ' +
        '"literals": [null, true, false]}',
    ) as JsonValue;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts keys by UTF-16 code units (§3.2.3), not by code points", () => {
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FB33 in UTF-16.
    expect(canonicalJson({ "\uFB33": 1, "\u{1F600}": 2, a: 3, "\r": 4 })).toBe(
      '{"\\r":4,"a":3,"\u{1F600}":2,"\uFB33":1}',
    );
  });

  it("rejects numbers JSON cannot carry", () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(MlsecError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(MlsecError);
  });

  it("is a fixed point: parse(canonical(v)) canonicalises to the same text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v as JsonValue);
        expect(canonicalJson(JSON.parse(text) as JsonValue)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
