import { describe, expect, it } from "vitest";
import { isSpace } from "../../src/pii/recognizers/char-classes.js";

describe("address word cuts", () => {
  it("take as white space every UTF-16 unit the regex class \\s takes, and no other", () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      if (isSpace(c) !== /\s/u.test(String.fromCharCode(c))) differ.push(c);
    }
    expect(differ).toEqual([]);
  });
});
