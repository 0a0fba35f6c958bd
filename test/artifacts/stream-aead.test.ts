import { createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  decryptFile,
  encryptFile,
  type KeySource,
  openEncrypted,
  parseHeader,
  parseKeyFile,
  rekeyFile,
} from "../../src/artifacts/index.js";
import { unwrapDataKey } from "../../src/artifacts/key-wrap.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsec-aead-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const S = 64; // small segments so that tests cross many boundaries
const SEALED = S + 16;
const key: KeySource = { kind: "key", key: randomBytes(32) };
const pass: KeySource = { kind: "passphrase", passphrase: "correct horse", log2N: 10 };
let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${n++}`);

function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + seed * 17 + (i >> 8)) & 255;
  return b;
}

async function encrypted(plain: Buffer, source: KeySource = key): Promise<string> {
  const input = fresh("plain");
  const output = fresh("enc");
  writeFileSync(input, plain);
  await encryptFile(input, output, { key: source, segmentSize: S });
  return output;
}

/** Decrypting must fail with `code` and leave no output (nor temp file) behind. */
async function expectFailure(encPath: string, code: string, source: KeySource = key) {
  const dir = mkdtempSync(join(tmp, "out-"));
  const out = join(dir, "plain.out");
  await expect(decryptFile(encPath, out, { key: source })).rejects.toMatchObject({ code });
  expect(readdirSync(dir)).toEqual([]);
}

describe("streaming AEAD (STREAM / Tink AES-GCM-HKDF layout)", () => {
  it("property: round trip for sizes around segment boundaries", async () => {
    const sizes = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -2, max: 2 }))
        .map(([k, d]) => Math.max(0, k * S + d)),
      fc.nat(1000),
    );
    await fc.assert(
      fc.asyncProperty(sizes, fc.nat(255), async (size, seed) => {
        const plain = pattern(size, seed);
        const enc = await encrypted(plain);
        expect(readFileSync(enc).length).toBe(
          parseHeader(readFileSync(enc)).length + Math.max(1, Math.ceil(size / S)) * 16 + size,
        );
        const out = fresh("dec");
        const summary = await decryptFile(enc, out, { key });
        expect(readFileSync(out).equals(plain)).toBe(true);
        expect(summary.plaintextBytes).toBe(size);
      }),
      { numRuns: 40 },
    );
  });

  it("follows the documented layout: HKDF key, nonce = prefix || index || last flag", async () => {
    const plain = pattern(100, 1);
    const enc = readFileSync(await encrypted(plain));
    const header = parseHeader(enc);
    expect(enc.subarray(0, 8).toString("latin1")).toBe("MLSECENC");
    expect(header.segmentSize).toBe(S);
    // Re-derive everything by hand from the format description.
    const dataKey = unwrapDataKey(header.wrap, key, header.fixed);
    const info = Buffer.concat([Buffer.from("mlsec stream v1 segment key"), header.fixed]);
    const segmentKey = Buffer.from(hkdfSync("sha256", dataKey, header.salt, info, 32));
    const open = (index: number, last: boolean, sealed: Buffer) => {
      const nonce = Buffer.alloc(12);
      header.noncePrefix.copy(nonce);
      nonce.writeUInt32BE(index, 7);
      nonce[11] = last ? 1 : 0;
      const d = createDecipheriv("aes-256-gcm", segmentKey, nonce);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
    };
    const seg0 = enc.subarray(header.length, header.length + SEALED);
    const seg1 = enc.subarray(header.length + SEALED);
    expect(Buffer.concat([open(0, false, seg0), open(1, true, seg1)]).equals(plain)).toBe(true);
    // The flag and the index are bound: the same bytes do not open in another position.
    expect(() => open(0, true, seg0)).toThrow();
    expect(() => open(1, false, seg1)).toThrow();
  });

  it("random access: any byte range equals the plaintext slice", async () => {
    const plain = pattern(1000, 9);
    const reader = await openEncrypted(await encrypted(plain), key);
    try {
      await fc.assert(
        fc.asyncProperty(fc.nat(1100), fc.nat(400), async (position, length) => {
          const got = await reader.read(position, length);
          expect(got.equals(plain.subarray(position, position + length))).toBe(true);
        }),
        { numRuns: 100 },
      );
    } finally {
      await reader.close();
    }
  });

  it("passphrase mode round trip; wrong passphrase and wrong key are E_WRONG_KEY", async () => {
    const plain = pattern(300, 2);
    const enc = await encrypted(plain, pass);
    const out = fresh("dec");
    await decryptFile(enc, out, { key: pass });
    expect(readFileSync(out).equals(plain)).toBe(true);
    await expectFailure(enc, "E_WRONG_KEY", { kind: "passphrase", passphrase: "wrong horse" });
    await expectFailure(enc, "E_WRONG_KEY", key);
    await expectFailure(await encrypted(plain), "E_WRONG_KEY", {
      kind: "key",
      key: randomBytes(32),
    });
  });

  it("property: any changed ciphertext byte is detected and leaves no plaintext", async () => {
    const plain = pattern(5 * S + 7, 3);
    const enc = readFileSync(await encrypted(plain));
    await fc.assert(
      fc.asyncProperty(fc.nat(enc.length - 1), fc.integer({ min: 1, max: 255 }), async (i, x) => {
        const altered = Buffer.from(enc);
        altered[i] ^= x;
        const path = fresh("tampered");
        writeFileSync(path, altered);
        const dir = mkdtempSync(join(tmp, "out-"));
        const outcome = await decryptFile(path, join(dir, "p"), { key }).then(
          () => "ok",
          (e: { code?: string }) => e.code,
        );
        expect([
          "E_DECRYPT_AUTH",
          "E_WRONG_KEY",
          "E_ENCRYPTED_FORMAT",
          "E_LIMIT_EXCEEDED",
        ]).toContain(outcome);
        expect(readdirSync(dir)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("property: truncation anywhere after the header is E_DECRYPT_AUTH", async () => {
    const plain = pattern(4 * S, 4);
    const enc = readFileSync(await encrypted(plain));
    const headerLength = parseHeader(enc).length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: headerLength, max: enc.length - 1 }), async (cut) => {
        const path = fresh("truncated");
        writeFileSync(path, enc.subarray(0, cut));
        await expectFailure(path, "E_DECRYPT_AUTH");
      }),
      { numRuns: 30 },
    );
    // Exactly at a segment boundary, too.
    const atBoundary = fresh("boundary");
    writeFileSync(atBoundary, enc.subarray(0, headerLength + 2 * SEALED));
    await expectFailure(atBoundary, "E_DECRYPT_AUTH");
  });

  it("reordered and appended segments are E_DECRYPT_AUTH", async () => {
    const plain = pattern(3 * S + 5, 5);
    const enc = readFileSync(await encrypted(plain));
    const h = parseHeader(enc).length;
    const seg = (i: number) =>
      enc.subarray(h + i * SEALED, Math.min(enc.length, h + (i + 1) * SEALED));
    const swapped = fresh("swapped");
    writeFileSync(swapped, Buffer.concat([enc.subarray(0, h), seg(1), seg(0), seg(2), seg(3)]));
    await expectFailure(swapped, "E_DECRYPT_AUTH");
    const appended = fresh("appended");
    writeFileSync(appended, Buffer.concat([enc, seg(3)]));
    await expectFailure(appended, "E_DECRYPT_AUTH");
    const spliced = fresh("spliced"); // a segment from another file with the same key
    const other = readFileSync(await encrypted(pattern(3 * S + 5, 6)));
    writeFileSync(
      spliced,
      Buffer.concat([enc.subarray(0, h + SEALED), other.subarray(h + SEALED)]),
    );
    await expectFailure(spliced, "E_DECRYPT_AUTH");
  });

  it("an input that grows or shrinks while it is encrypted is E_IO, with no output", async () => {
    for (const change of ["grow", "shrink"] as const) {
      const input = fresh("changing");
      writeFileSync(input, pattern(20 * S, 3));
      const dir = mkdtempSync(join(tmp, "out-"));
      let changed = false;
      const run = encryptFile(input, join(dir, "out.enc"), {
        key,
        segmentSize: S,
        onProgress: () => {
          if (changed) return;
          changed = true;
          if (change === "grow") appendFileSync(input, "more");
          else truncateSync(input, S);
        },
      });
      await expect(run).rejects.toMatchObject({ code: "E_IO" });
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it("not an encrypted file is E_ENCRYPTED_FORMAT", async () => {
    const path = fresh("junk");
    writeFileSync(path, "hello, this is not encrypted at all, not even a little bit ".repeat(4));
    await expectFailure(path, "E_ENCRYPTED_FORMAT");
  });

  it("rekey re-wraps the data key without touching the segments", async () => {
    const plain = pattern(500, 7);
    const enc = await encrypted(plain);
    const before = readFileSync(enc);
    const rekeyed = fresh("rekeyed");
    await rekeyFile(enc, rekeyed, { oldKey: key, newKey: pass });
    const after = readFileSync(rekeyed);
    const hb = parseHeader(before);
    const ha = parseHeader(after);
    expect(after.subarray(ha.length).equals(before.subarray(hb.length))).toBe(true);
    await expectFailure(rekeyed, "E_WRONG_KEY", key);
    const out = fresh("dec");
    await decryptFile(rekeyed, out, { key: pass });
    expect(readFileSync(out).equals(plain)).toBe(true);
    // In place, back to a key file.
    const newKey: KeySource = { kind: "key", key: randomBytes(32) };
    await rekeyFile(rekeyed, rekeyed, { oldKey: pass, newKey });
    await decryptFile(rekeyed, out, { key: newKey });
    expect(readFileSync(out).equals(plain)).toBe(true);
  });

  it("key files: 64 hex characters or 32 raw bytes", () => {
    const k = randomBytes(32);
    expect(parseKeyFile(Buffer.from(`${k.toString("hex")}\n`)).equals(k)).toBe(true);
    expect(parseKeyFile(k).equals(k)).toBe(true);
    expect(() => parseKeyFile(Buffer.from("short"))).toThrow(
      expect.objectContaining({ code: "E_KEY_FORMAT" }),
    );
    expect(existsSync(tmp)).toBe(true);
  });
});

describe("envelope encryption through an external KMS command", () => {
  // A stand-in KMS: wraps by XOR with a fixed secret and a "kms1:" tag; refuses other blobs.
  const script = join(tmp, "fake-kms.mjs");
  writeFileSync(
    script,
    `const secret = Buffer.alloc(32, 0x5a);
     let input = "";
     process.stdin.on("data", (d) => (input += d));
     process.stdin.on("end", () => {
       const verb = process.argv.at(-1);
       if (verb === "wrap") {
         const k = Buffer.from(input.trim(), "base64").map((b, i) => b ^ secret[i]);
         process.stdout.write("kms1:" + Buffer.from(k).toString("hex") + "\\n");
       } else if (verb === "unwrap" && input.startsWith("kms1:")) {
         const k = Buffer.from(input.slice(5).trim(), "hex").map((b, i) => b ^ secret[i]);
         process.stdout.write(Buffer.from(k).toString("base64"));
       } else {
         process.stderr.write("access denied");
         process.exit(3);
       }
     });`,
  );
  const kms: KeySource = { kind: "kms", command: [process.execPath, script] };

  it("round-trips, re-keys away from the KMS, and reports a failing command", async () => {
    const plain = pattern(777, 8);
    const enc = await encrypted(plain, kms);
    const out = fresh("dec");
    const summary = await decryptFile(enc, out, { key: kms });
    expect(summary.keyKind).toBe("kms");
    expect(readFileSync(out).equals(plain)).toBe(true);
    await expectFailure(enc, "E_WRONG_KEY", key);
    await expectFailure(enc, "E_KMS_COMMAND", {
      kind: "kms",
      command: [process.execPath, "-e", "process.exit(1)"],
    });
    // A KMS blob altered in the header: the command refuses it.
    const bytes = readFileSync(enc);
    const h = parseHeader(bytes);
    const at = h.length - h.wrap.length + 3; // first blob byte
    bytes[at] ^= 0x01;
    const altered = fresh("kms-altered");
    writeFileSync(altered, bytes);
    await expectFailure(altered, "E_KMS_COMMAND", kms);

    const moved = fresh("moved");
    await rekeyFile(enc, moved, { oldKey: kms, newKey: key });
    await decryptFile(moved, out, { key });
    expect(readFileSync(out).equals(plain)).toBe(true);
  });
});
