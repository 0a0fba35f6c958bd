import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import {
  DTYPES,
  type DType,
  decodeNpy,
  encodeNpy,
  type NdArray,
  ndarray,
} from "../../src/data/index.js";
import { arrayArb } from "./arbitraries.js";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url)));

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlsecError);
    expect((e as MlsecError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe("encodeNpy known answers", () => {
  it("writes the NEP 1 header byte for byte (hand-checked)", () => {
    const bytes = encodeNpy(ndarray([2, 3], Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25])));
    // magic \x93NUMPY, version 1.0, header length 118 (0x76) so that 10 + 118 = 128 = 2 * 64.
    expect([...bytes.subarray(0, 10)]).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0, 0x76, 0]);
    const header = new TextDecoder("latin1").decode(bytes.subarray(10, 128));
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(header).toBe(dict + " ".repeat(118 - dict.length - 1) + "\n");
    // 1.0 as little-endian float32 is 00 00 80 3f.
    expect([...bytes.subarray(128 + 16, 128 + 20)]).toEqual([0, 0, 0x80, 0x3f]);
    expect(bytes.length).toBe(128 + 24);
  });

  it("matches numpy.save output byte for byte", () => {
    const a = ndarray(
      [2, 3],
      Float32Array.from([0, 1, 2, 3, 4, 5], (v) => v / 4),
    );
    expect(encodeNpy(a)).toEqual(fixture("f4-2x3.npy"));
    expect(encodeNpy(ndarray([3], new Uint8Array([1, 0, 1]), "bool"))).toEqual(fixture("bool.npy"));
    expect(encodeNpy(ndarray([3], Int8Array.from([-128, 0, 127])))).toEqual(fixture("i1.npy"));
    expect(encodeNpy(ndarray([], Float32Array.from([3.5])))).toEqual(fixture("f4-scalar.npy"));
  });
});

describe("decodeNpy reads numpy-written files", () => {
  it("reads float32, scalars and empty arrays", () => {
    const a = decodeNpy(fixture("f4-2x3.npy"));
    expect(a.dtype).toBe("float32");
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    const s = decodeNpy(fixture("f4-scalar.npy"));
    expect(s.shape).toEqual([]);
    expect([...s.data]).toEqual([3.5]);
    const e = decodeNpy(fixture("f4-empty.npy"));
    expect(e.shape).toEqual([0, 5]);
    expect(e.data.length).toBe(0);
  });

  it("swaps big-endian descriptors", () => {
    const f = decodeNpy(fixture("f8-big-endian.npy"));
    expect(f.dtype).toBe("float64");
    expect([...f.data]).toEqual([1.5, -2.25, 1e300]);
    const u = decodeNpy(fixture("u2-big-endian.npy"));
    expect(u.dtype).toBe("uint16");
    expect([...u.data]).toEqual([1, 513, 65535]);
  });

  it("transposes fortran_order: True into C order", () => {
    const a = decodeNpy(fixture("i4-fortran-3x4.npy"));
    expect(a.dtype).toBe("int32");
    expect(a.shape).toEqual([3, 4]);
    expect([...a.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("reads format versions 2.0 and 3.0", () => {
    const v2 = decodeNpy(fixture("i8-v2.npy"));
    expect(v2.dtype).toBe("int64");
    expect([...v2.data]).toEqual([-3n, 0n, 2n ** 40n]);
    const v3 = decodeNpy(fixture("u1-v3.npy"));
    expect(v3.dtype).toBe("uint8");
    expect(v3.shape).toEqual([2, 2]);
    expect([...v3.data]).toEqual([0, 255, 7, 128]);
  });

  it("reads bool and int8", () => {
    expect([...decodeNpy(fixture("bool.npy")).data]).toEqual([1, 0, 1]);
    const i1 = decodeNpy(fixture("i1.npy"));
    expect(i1.dtype).toBe("int8");
    expect([...i1.data]).toEqual([-128, 0, 127]);
  });

  it("refuses object arrays, explaining that they need unpickling", () => {
    try {
      decodeNpy(fixture("object.npy"));
      throw new Error("not refused");
    } catch (e) {
      expect((e as MlsecError).code).toBe("E_DTYPE");
      expect((e as MlsecError).message).toMatch(/unpickling/);
    }
  });

  it("refuses structured dtypes", () => {
    expectCode(() => decodeNpy(fixture("structured.npy")), "E_DTYPE");
  });
});

function withHeader(dict: string, body = new Uint8Array(0), version = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const header = new TextEncoder().encode(dict);
  const out = new Uint8Array(8 + lengthBytes + header.length + body.length);
  out.set([0x93, 78, 85, 77, 80, 89, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  out.set(header, 8 + lengthBytes);
  out.set(body, 8 + lengthBytes + header.length);
  return out;
}

describe("decodeNpy on hostile input", () => {
  it("refuses bad magic, versions, headers and sizes with typed errors", () => {
    expectCode(() => decodeNpy(new Uint8Array(0)), "E_DATA_FORMAT");
    expectCode(
      () => decodeNpy(new TextEncoder().encode("PK\u0003\u0004 not npy")),
      "E_DATA_FORMAT",
    );
    const ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n";
    expect(decodeNpy(withHeader(ok, new Uint8Array(4))).shape).toEqual([1]);
    expectCode(() => decodeNpy(withHeader(ok, new Uint8Array(3))), "E_DATA_FORMAT");
    expectCode(() => decodeNpy(withHeader(ok, new Uint8Array(5))), "E_DATA_FORMAT");
    const bad = [
      "{'descr': '<f4', 'fortran_order': False}",
      "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': __import__('os')}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} extra",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
      "{'descr': '<f4",
    ];
    for (const h of bad)
      expectCode(() => decodeNpy(withHeader(h, new Uint8Array(4))), "E_DATA_FORMAT");
    expectCode(
      () => decodeNpy(withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}")),
      "E_DTYPE",
    );
  });

  it("bounds header size, nesting depth, dimensions and element counts", () => {
    const deep = `{'descr': '<f4', 'fortran_order': False, 'shape': ${"(".repeat(40)}${")".repeat(40)}}`;
    expectCode(() => decodeNpy(withHeader(deep)), "E_LIMIT_EXCEEDED");
    const dims = `{'descr': '<f4', 'fortran_order': False, 'shape': (${"1, ".repeat(65)})}`;
    expectCode(() => decodeNpy(withHeader(dims)), "E_LIMIT_EXCEEDED");
    const huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000)}";
    expectCode(() => decodeNpy(withHeader(huge)), "E_LIMIT_EXCEEDED");
    // The data must be in the file: a big shape over a short body is truncation.
    const big = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 1000)}";
    expectCode(() => decodeNpy(withHeader(big, new Uint8Array(16))), "E_DATA_FORMAT");
    const long = `{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}${" ".repeat(70_000)}`;
    expectCode(() => decodeNpy(withHeader(long, new Uint8Array(4), 2)), "E_LIMIT_EXCEEDED");
    expectCode(() => decodeNpy(withHeader(huge), { maxElements: 10 }), "E_LIMIT_EXCEEDED");
  });

  it("never crashes on truncated or mutated files (fuzz)", () => {
    const seeds = ["f4-2x3.npy", "i8-v2.npy", "u1-v3.npy", "i4-fortran-3x4.npy"].map(fixture);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (which, edits, cut) => {
          const bytes = seeds[which].slice(0, seeds[which].length - (cut % 8));
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          try {
            decodeNpy(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(MlsecError);
          }
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeNpy(Uint8Array.from([0x93, 78, 85, 77, 80, 89, 1, 0, ...bytes]));
        } catch (e) {
          expect(e).toBeInstanceOf(MlsecError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("round trips", () => {
  it("decode(encode(a)) equals a for every dtype and shape", () => {
    fc.assert(
      fc.property(arrayArb(), (a: NdArray) => {
        const b = decodeNpy(encodeNpy(a));
        expect(b.dtype).toBe(a.dtype);
        expect(b.shape).toEqual(a.shape);
        expect(b.data).toEqual(a.data);
      }),
      { numRuns: 300 },
    );
  });

  it("covers every dtype", () => {
    const seen = new Set<DType>();
    fc.assert(
      fc.property(arrayArb(), (a) => void seen.add(a.dtype)),
      { numRuns: 400 },
    );
    expect([...seen].sort()).toEqual([...DTYPES].sort());
  });
});
