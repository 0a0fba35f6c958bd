import { readFileSync } from "node:fs";
import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import {
  crc32,
  decodeNpz,
  encodeNpy,
  encodeNpz,
  listNpz,
  listZip,
  type NdArray,
  ndarray,
  readZip,
} from "../../src/data/index.js";
import { arrayArb } from "./arbitraries.js";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url)));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlsecError);
    return (e as MlsecError).code;
  }
  return "none";
}

/** Offset of the first central-directory header (signature PK\1\2). */
function centralDirectory(bytes: Uint8Array): number {
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 1 && bytes[i + 3] === 2) {
      return i;
    }
  }
  throw new Error("no central directory");
}

describe("crc32", () => {
  it("matches the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("decodeNpz reads numpy.savez and numpy.savez_compressed", () => {
  for (const name of ["stored.npz", "deflated.npz"]) {
    it(name, () => {
      const arrays = decodeNpz(fixture(name));
      expect([...arrays.keys()].sort()).toEqual(["x", "y"]);
      const x = arrays.get("x")!;
      expect(x.dtype).toBe("float32");
      expect(x.shape).toEqual([4, 1, 2, 3]);
      expect([...x.data]).toEqual(Array.from({ length: 24 }, (_, i) => Math.fround(i / 10)));
      const y = arrays.get("y")!;
      expect(y.dtype).toBe("int64");
      expect([...y.data]).toEqual([0n, 1n, 2n, 1n]);
    });
  }
  it("sees the compression methods", () => {
    expect(listZip(fixture("stored.npz")).map((e) => e.method)).toEqual([0, 0]);
    expect(listZip(fixture("deflated.npz")).map((e) => e.method)).toEqual([8, 8]);
  });
});

describe("encodeNpz", () => {
  it("round-trips any set of arrays, stored or deflated", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), arrayArb(), { maxKeys: 4 }),
        fc.boolean(),
        (arrays: Record<string, NdArray>, compress) => {
          const bytes = encodeNpz(arrays, { compress });
          const back = decodeNpz(bytes);
          expect([...back.keys()].sort()).toEqual(Object.keys(arrays).sort());
          for (const [k, a] of Object.entries(arrays)) {
            expect(back.get(k)!.dtype).toBe(a.dtype);
            expect(back.get(k)!.shape).toEqual(a.shape);
            expect(back.get(k)!.data).toEqual(a.data);
          }
          for (const e of listZip(bytes)) expect(e.method).toBe(compress ? 8 : 0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is reproducible byte for byte", () => {
    const a = { x: ndarray([2], Float32Array.from([1, 2])) };
    expect(encodeNpz(a)).toEqual(encodeNpz(a));
  });

  it("refuses names that cannot be array names", () => {
    const a = ndarray([1], Float32Array.from([1]));
    for (const name of ["", "a/b", "a\u0000b"]) {
      expect(codeOf(() => encodeNpz({ [name]: a }))).toBe("E_INVALID_ARGUMENT");
    }
  });
});

describe("zip bombs and corrupt archives", () => {
  const zeros = new Uint8Array(1 << 20); // 1 MiB of zeros deflates to about 1 KiB

  it("bounds the total declared size before inflating anything", () => {
    const bytes = zipSync({ "a.npy": [zeros, { level: 9 }] });
    expect(bytes.length).toBeLessThan(5_000);
    expect(codeOf(() => readZip(bytes, { maxTotalBytes: 1 << 18 }))).toBe("E_LIMIT_EXCEEDED");
    expect(codeOf(() => readZip(bytes, { maxEntryBytes: 1 << 18 }))).toBe("E_LIMIT_EXCEEDED");
  });

  it("stops inflating at the declared size when the directory lies", () => {
    const bytes = zipSync({ "a.npy": [zeros, { level: 9 }] });
    const cd = centralDirectory(bytes);
    new DataView(bytes.buffer).setUint32(cd + 24, 1000, true); // claims 1000 bytes
    expect(() => readZip(bytes)).toThrow(/inflates past its declared size/);
  });

  it("bounds the number of entries", () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`a${i}.npy`] = new Uint8Array(1);
    expect(codeOf(() => readZip(zipSync(files), { maxEntries: 10 }))).toBe("E_LIMIT_EXCEEDED");
  });

  it("detects CRC mismatches, encryption, other methods and duplicate names", () => {
    const bytes = encodeNpz({ x: ndarray([1], Float32Array.from([1])) }, { compress: false });
    const cd = centralDirectory(bytes);
    const crcBad = bytes.slice();
    crcBad[cd + 16] ^= 1;
    expect(() => readZip(crcBad)).toThrow(/CRC-32/);
    const encrypted = bytes.slice();
    encrypted[cd + 8] |= 1;
    expect(() => readZip(encrypted)).toThrow(/encrypted/);
    const bzip = bytes.slice();
    bzip[cd + 10] = 12;
    expect(() => readZip(bzip)).toThrow(/method 12/);
    const twice = zipSync({ "x.npy": new Uint8Array(1), x: new Uint8Array(1) });
    expect(codeOf(() => decodeNpz(twice))).toBe("E_DATA_FORMAT");
  });

  it("decodes only the requested arrays and lists names without decoding", () => {
    const x = encodeNpy(ndarray([1], Float32Array.from([1])));
    const bytes = zipSync({ "x.npy": x, "junk.npy": new TextEncoder().encode("junk") });
    expect(listNpz(bytes)).toEqual(["x", "junk"]);
    expect([...decodeNpz(bytes, { names: ["x", "y"] }).keys()]).toEqual(["x"]);
    expect(() => decodeNpz(bytes)).toThrow(/member "junk.npy"/);
  });

  it("names the member whose .npy is bad", () => {
    const bytes = zipSync({ "x.npy": new TextEncoder().encode("not an array") });
    expect(() => decodeNpz(bytes)).toThrow(/member "x.npy"/);
  });

  it("never crashes on truncated or mutated archives (fuzz)", () => {
    const seeds = [fixture("stored.npz"), fixture("deflated.npz")];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat({ max: 700 }),
        (which, edits, cut) => {
          const src = seeds[which];
          const bytes = src.slice(0, Math.max(0, src.length - cut));
          for (const [at, v] of edits) if (bytes.length > 0) bytes[at % bytes.length] = v;
          try {
            decodeNpz(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(MlsecError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
