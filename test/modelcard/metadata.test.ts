import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCardMetadata } from "../../src/modelcard/index.js";

describe("model-card metadata", () => {
  it("reads the bundled example", () => {
    const m = parseCardMetadata(readFileSync("examples/model-cards/digits-cnn.yaml", "utf8"));
    expect(m.name).toBe("digits-cnn");
    expect(m.intendedUse?.outOfScope).toHaveLength(2);
    expect(m.classNames).toHaveLength(10);
  });

  it("accepts an empty file and rejects unknown or mistyped fields by name", () => {
    expect(parseCardMetadata("")).toEqual({});
    expect(() => parseCardMetadata("nmae: x")).toThrow(/nmae/);
    expect(() => parseCardMetadata("owners: alice")).toThrow(/owners/);
    expect(() => parseCardMetadata("owners: [a, b")).toThrow(/not valid YAML/);
  });

  it("bounds size, nesting and aliases", () => {
    expect(() => parseCardMetadata(`description: ${"x".repeat(300_000)}`)).toThrow(
      expect.objectContaining({ code: "E_LIMIT_EXCEEDED" }),
    );
    expect(() => parseCardMetadata(`caveats: ${"[".repeat(40)}`)).toThrow(
      expect.objectContaining({ code: "E_LIMIT_EXCEEDED" }),
    );
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`,
      );
    }
    expect(() => parseCardMetadata(laughs.join("\n"))).toThrow(
      expect.objectContaining({ code: "E_MODEL_CARD" }),
    );
  });

  it("never throws anything but a typed error on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          parseCardMetadata(text);
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^E_(MODEL_CARD|LIMIT_EXCEEDED)$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
