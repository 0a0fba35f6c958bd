import fc from "fast-check";
import { DTYPES, type DType, type NdArray, ndarray } from "../../src/data/index.js";

const elementArb: Record<DType, fc.Arbitrary<number | bigint>> = {
  bool: fc.integer({ min: 0, max: 1 }),
  int8: fc.integer({ min: -128, max: 127 }),
  uint8: fc.integer({ min: 0, max: 255 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  uint16: fc.integer({ min: 0, max: 65535 }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  uint32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
};

const ctor: Record<DType, { from(values: Iterable<never>): NdArray["data"] }> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as never;

/** Arbitrary NdArrays: any supported dtype, rank 0..4, each dimension 0..4. */
export function arrayArb(): fc.Arbitrary<NdArray> {
  return fc
    .tuple(fc.constantFrom(...DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }))
    .chain(([dtype, shape]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return fc
        .array(elementArb[dtype], { minLength: n, maxLength: n })
        .map((values) => ndarray(shape, ctor[dtype].from(values as never), dtype));
    });
}
