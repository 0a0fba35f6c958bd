import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("mlsec CLI", () => {
  it("prints help and exits 0", () => {
    const r = runCli(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: mlsec");
  });

  it("reports an unknown option as error[E_USAGE] with exit 2", () => {
    const r = runCli(["--no-such-option"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[E_USAGE\]: unknown option/m);
    expect(r.stderr).toContain("hint:");
  });

  it("rejects a bad --seed with exit 2", () => {
    const r = runCli(["--seed", "minus-one"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_USAGE]: --seed");
  });
});
