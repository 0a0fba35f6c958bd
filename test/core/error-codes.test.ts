import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, MlsecError } from "../../src/core/index.js";

const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
const documented = [...doc.matchAll(/^\|\s*`(E_[A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);

describe("error codes", () => {
  it("docs/errors.md lists exactly the codes in ERROR_CODES", () => {
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it("has no duplicated rows in the doc", () => {
    expect(new Set(documented).size).toBe(documented.length);
  });

  it("every code has a summary and a hint", () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^E_[A-Z0-9_]+$/);
      expect(info.summary.length).toBeGreaterThan(10);
      expect(info.hint.length).toBeGreaterThan(10);
    }
  });

  it("MlsecError carries code, default hint and details", () => {
    const e = new MlsecError("E_SHAPE_MISMATCH", "bad shape", { details: { got: [1, 2] } });
    expect(e.code).toBe("E_SHAPE_MISMATCH");
    expect(e.hint).toBe(ERROR_CODES.E_SHAPE_MISMATCH.hint);
    expect(e.toJSON()).toMatchObject({ code: "E_SHAPE_MISMATCH", details: { got: [1, 2] } });
  });
});
