import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { analyze } from "../../src/pii/index.js";

// The line-length check jumps through the text; it must refuse exactly the texts with a line
// longer than the limit and name the first such line.

describe("analyze line limit", () => {
  it("refuses a text iff one of its lines is too long, naming the first", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 12 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 10 }),
        (lengths, limit) => {
          const text = lengths.map((n) => "x".repeat(n)).join("\n");
          let offset = 0;
          let firstLong: number | undefined;
          for (const n of lengths) {
            if (n > limit && firstLong === undefined) firstLong = offset;
            offset += n + 1;
          }
          let error: unknown;
          try {
            analyze(text, { maxLineLength: limit });
          } catch (e) {
            error = e;
          }
          if (firstLong === undefined) {
            expect(error).toBeUndefined();
          } else {
            expect(error).toBeInstanceOf(MlsecError);
            expect((error as MlsecError).code).toBe("E_LIMIT_EXCEEDED");
            expect((error as MlsecError).details).toEqual({ offset: firstLong, limit });
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
