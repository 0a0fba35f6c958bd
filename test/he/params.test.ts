import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectParameters } from "../../src/he/params.js";

// HomomorphicEncryption.org standard (Albrecht et al. 2018), classical 128-bit, ternary secret:
// the largest log2(q) per ring degree, the table SEAL enforces.
const HE_STANDARD_128: Record<number, number> = { 4096: 109, 8192: 218, 16384: 438, 32768: 881 };
const maxBitCount = (n: number) => HE_STANDARD_128[n];

describe("CKKS parameter selection", () => {
  it("picks N=8192 with a 35-bit scale for depth 3 (the demo models)", () => {
    const p = selectParameters({ depth: 3, slotsNeeded: 1024, security: 128, maxBitCount });
    expect(p.polyModulusDegree).toBe(8192);
    expect(p.coeffModulusBits).toEqual([55, 35, 35, 35, 55]);
    expect(p.scaleBits).toBe(35);
    expect(p.explanation.join("\n")).toContain("rejected N=4096");
  });

  it("goes to a larger ring when the slots or the depth need it", () => {
    expect(
      selectParameters({ depth: 3, slotsNeeded: 8192, security: 128, maxBitCount })
        .polyModulusDegree,
    ).toBe(16384);
    expect(
      selectParameters({ depth: 8, slotsNeeded: 16, security: 128, maxBitCount }).polyModulusDegree,
    ).toBe(16384);
  });

  it("refuses what no ring degree can hold", () => {
    expect(() =>
      selectParameters({ depth: 40, slotsNeeded: 16, security: 128, maxBitCount }),
    ).toThrow(expect.objectContaining({ code: "E_HE_PARAMETERS" }));
  });

  it("never exceeds the security budget and keeps every prime at most 60 bits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 16384 }),
        (depth, slots) => {
          try {
            const p = selectParameters({ depth, slotsNeeded: slots, security: 128, maxBitCount });
            const total = p.coeffModulusBits.reduce((a, b) => a + b, 0);
            expect(total).toBeLessThanOrEqual(HE_STANDARD_128[p.polyModulusDegree]);
            expect(Math.max(...p.coeffModulusBits)).toBeLessThanOrEqual(60);
            expect(p.coeffModulusBits.length).toBe(depth + 2);
            expect(p.slots).toBeGreaterThanOrEqual(slots);
          } catch (e) {
            expect(e).toMatchObject({ code: "E_HE_PARAMETERS" });
          }
        },
      ),
    );
  });
});
