import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";

describe("createRng", () => {
  it("is repeatable for the same seed and differs across seeds", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it("next() stays in [0, 1) and int(n) in [0, n)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: 1000 }),
        (seed, n) => {
          const rng = createRng(seed);
          for (let i = 0; i < 50; i++) {
            const u = rng.next();
            const k = rng.int(n);
            if (u < 0 || u >= 1 || k < 0 || k >= n || !Number.isInteger(k)) return false;
          }
          return true;
        },
      ),
    );
  });

  it("normal() has mean ≈ 0 and variance ≈ 1", () => {
    const rng = createRng(7);
    const n = 20000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - mean * mean - 1)).toBeLessThan(0.05);
  });

  it("shuffle is a permutation", () => {
    const rng = createRng(1);
    const a = Int32Array.from({ length: 100 }, (_, i) => i);
    rng.shuffle(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("rejects a non-finite seed", () => {
    expect(() => createRng(Number.NaN)).toThrow(/seed/);
  });
});
