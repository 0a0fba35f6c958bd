import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { packContainer, unpackContainer } from "../../src/he/container.js";

describe("HE file container", () => {
  it("round-trips sections and metadata", () => {
    const bytes = packContainer("query", { keyId: "k", count: 2 }, [
      ["ct0", Uint8Array.from([1, 2, 3])],
      ["ct1", new Uint8Array(0)],
    ]);
    const c = unpackContainer(bytes, "query");
    expect(c.meta).toEqual({ keyId: "k", count: 2 });
    expect([...c.sections.get("ct0")!]).toEqual([1, 2, 3]);
    expect(c.sections.get("ct1")!.length).toBe(0);
  });

  it("refuses a file of another kind", () => {
    const bytes = packContainer("result", {}, []);
    expect(() => unpackContainer(bytes, "query")).toThrow(
      expect.objectContaining({ code: "E_HE_FORMAT" }),
    );
  });

  it("fails only with E_HE_FORMAT on arbitrary or corrupted bytes", () => {
    const valid = packContainer("server-keys", { a: 1 }, [["parms", Uint8Array.from([9, 9, 9])]]);
    const check = (bytes: Uint8Array) => {
      try {
        unpackContainer(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(MlsecError);
        expect((e as MlsecError).code).toBe("E_HE_FORMAT");
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check));
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(valid.length),
        (at, b, cut) => {
          const copy = valid.slice(0, Math.max(cut, 1));
          copy[Math.min(at, copy.length - 1)] = b;
          check(copy);
        },
      ),
    );
  });
});
