import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecompressError, OutputLimitError } from "../../../src/scan/formats/bounded-output.js";
import { type Compression, decompress } from "../../../src/scan/formats/compressed.js";
import { scanBytes } from "../../../src/scan/index.js";

// Fixtures from make-compressed.py: pickles compressed as joblib compresses them (bz2, xz,
// legacy lzma), a corpus in every xz check variant, and 64 MiB bombs.
const DIR = new URL("../../fixtures/scan/compressed/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));
const corpus = fixture("corpus.bin");
const rules = (r: { findings: readonly { ruleId: string }[] }) => r.findings.map((f) => f.ruleId);
const KINDS: [Compression, string][] = [
  ["bzip2", "bz2"],
  ["xz", "xz"],
  ["lzma", "lzma"],
];

describe("joblib files compressed with bz2, xz and lzma", () => {
  it.each(KINDS)("%s: a malicious pickle inside is malicious, a benign one safe", (kind, ext) => {
    const bad = scanBytes(fixture(`malicious-p4.pkl.${ext}`), "model.joblib");
    expect(bad).toMatchObject({ format: kind, verdict: "malicious" });
    expect(bad.callables).toEqual(["posix.system"]);
    expect(bad.findings[0].location.members).toEqual([`<${kind}>`]);
    const good = scanBytes(fixture(`benign-p4.pkl.${ext}`), "model.joblib");
    expect(good).toMatchObject({ format: kind, verdict: "safe", findings: [] });
  });

  it("decoders reproduce the corpus byte for byte (every xz check, two xz streams)", () => {
    const files = readdirSync(DIR).filter((f) => f.startsWith("corpus") && f !== "corpus.bin");
    expect(files.length).toBe(7);
    for (const name of files) {
      const kind = name.endsWith(".bz2") ? "bzip2" : name.endsWith(".xz") ? "xz" : "lzma";
      expect(Buffer.from(decompress(kind, fixture(name), 1 << 30)).equals(corpus), name).toBe(true);
    }
  });

  it.each(KINDS)("%s: a bomb stops at the byte budget and is suspicious", (kind, ext) => {
    const bomb = fixture(`zeros.${ext}`);
    expect(() => decompress(kind, bomb, 1 << 20)).toThrow(OutputLimitError);
    const r = scanBytes(bomb, "model.joblib", { limits: { maxMemberBytes: 1 << 20 } });
    expect(r.verdict).toBe("suspicious");
    expect(rules(r)).toEqual(["archive.bomb"]);
  });

  it.each(KINDS)("%s: truncated streams are invalid, never safe", (kind, ext) => {
    const whole = fixture(`malicious-p4.pkl.${ext}`);
    for (const keep of [0.3, 0.6, 0.9]) {
      const cut = whole.subarray(0, Math.floor(whole.length * keep));
      const r = scanBytes(cut, "model.joblib");
      expect(r.verdict, `${kind} cut to ${cut.length}`).not.toBe("safe");
    }
  });

  it("arbitrary bytes behind each format's magic end in a typed error or bounded output (fuzz)", () => {
    const magic: [Compression, number[]][] = [
      ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46]],
      ["lzma", [0x5d, 0x00, 0x00, 0x10, 0x00]],
    ];
    fc.assert(
      fc.property(fc.nat(magic.length - 1), fc.uint8Array({ maxLength: 600 }), (which, tail) => {
        const [kind, head] = magic[which];
        const bytes = new Uint8Array([...head, ...tail]);
        try {
          expect(decompress(kind, bytes, 1 << 16).length).toBeLessThanOrEqual(1 << 16);
        } catch (error) {
          expect(error instanceof DecompressError || error instanceof OutputLimitError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never throws past the decoders' typed errors on mutated streams (fuzz)", () => {
    const seeds = KINDS.map(([kind, ext]) => [kind, fixture(`benign-p4.pkl.${ext}`)] as const);
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (which, edits) => {
          const [kind, seed] = seeds[which];
          const bytes = seed.slice();
          for (const [at, value] of edits) bytes[3 + (at % (bytes.length - 3))] = value;
          try {
            expect(decompress(kind, bytes, 1 << 20).length).toBeLessThanOrEqual(1 << 20);
          } catch (error) {
            // seek-bzip reports corrupt data with its own TypeErrors; the scanner maps any of
            // them to invalid.compressed.
            if (kind !== "bzip2") {
              expect(error instanceof DecompressError || error instanceof OutputLimitError).toBe(
                true,
              );
            }
          }
          const r = scanBytes(bytes, "m.joblib", { limits: { maxMemberBytes: 1 << 20 } });
          expect(["malicious", "suspicious", "invalid", "safe"]).toContain(r.verdict);
        },
      ),
      { numRuns: 400 },
    );
  });
});
