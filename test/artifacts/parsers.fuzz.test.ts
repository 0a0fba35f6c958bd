// Fuzz tests for every parser of untrusted bytes in src/artifacts: whatever the input, the
// parser returns or throws a typed MlsecError, never anything else (no crash, no hang).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBundle, parseHeader, parseStatement } from "../../src/artifacts/index.js";
import { jsonDepth } from "../../src/core/index.js";

function typedOrOk(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    expect(typeof code === "string" && code.startsWith("E_")).toBe(true);
    return code as string;
  }
}

const jsonBytes = (v: unknown) => Buffer.from(JSON.stringify(v) ?? "null");

describe("parsers of untrusted input", () => {
  it("parseBundle: random bytes and random JSON give typed errors", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        typedOrOk(() => parseBundle(b));
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(typedOrOk(() => parseBundle(jsonBytes(v)))).not.toBe("ok");
      }),
    );
  });

  it("parseBundle: bundle-shaped values with random fields give typed errors", () => {
    const b64 = fc.base64String({ maxLength: 40 });
    const bundle = fc.record({
      mediaType: fc.constantFrom("application/vnd.dev.sigstore.bundle.v0.3+json", "x"),
      verificationMaterial: fc.record(
        {
          publicKey: fc.record({ hint: fc.string() }),
          tlogEntries: fc.array(fc.jsonValue(), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      dsseEnvelope: fc.record({
        payload: b64,
        payloadType: fc.string(),
        signatures: fc.array(fc.record({ sig: b64 }), { maxLength: 3 }),
      }),
    });
    fc.assert(
      fc.property(bundle, (v) => {
        typedOrOk(() => parseBundle(jsonBytes(v)));
      }),
    );
  });

  it("parseBundle refuses deep nesting before parsing it", () => {
    const deep = Buffer.from(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(() => parseBundle(deep)).toThrow(expect.objectContaining({ code: "E_LIMIT_EXCEEDED" }));
    expect(jsonDepth('{"a":"[[[[","b":[{}]}')).toBe(3);
  });

  it("parseStatement: random statements give typed errors", () => {
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    const statement = fc.record({
      _type: fc.constantFrom("https://in-toto.io/Statement/v1", "other"),
      subject: fc.array(fc.record({ name: fc.string(), digest: fc.record({ sha256: hex }) }), {
        maxLength: 3,
      }),
      predicateType: fc.constantFrom(
        "https://model_signing/signature/v1.0",
        "https://model_signing/Digests/v0.1",
        "x",
      ),
      predicate: fc.record({
        serialization: fc.record({
          method: fc.constantFrom("files", "shards", "x"),
          hash_type: fc.constantFrom("sha256", "blake2"),
          allow_symlinks: fc.boolean(),
          shard_size: fc.integer({ min: -5, max: 1000 }),
          ignore_paths: fc.array(fc.constantFrom("a", "../b", "c/d"), { maxLength: 3 }),
        }),
        resources: fc.array(fc.record({ name: fc.string(), algorithm: fc.string(), digest: hex }), {
          maxLength: 4,
        }),
      }),
    });
    fc.assert(
      fc.property(statement, (v) => {
        typedOrOk(() => parseStatement(jsonBytes(v)));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        typedOrOk(() => parseStatement(b));
      }),
    );
  });

  it("parseHeader: random bytes, and a valid prefix with random tails, give typed errors", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        typedOrOk(() => parseHeader(Buffer.from(b)));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (tail) => {
        const b = Buffer.concat([Buffer.from("MLSECENC"), Buffer.from([1, 1]), Buffer.from(tail)]);
        typedOrOk(() => parseHeader(b));
      }),
    );
  });
});
