// End-to-end: the built `mlsec privacy` commands (run `npm run build` first).
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const MNIST = ["--sampling-rate", String(256 / 60000), "--steps", "14062", "--delta", "1e-5"];

describe("mlsec privacy epsilon", () => {
  it("prints TF Privacy's MNIST epsilon as JSON (rdp, improved and classic)", () => {
    const r = runCli([
      "--format",
      "json",
      "privacy",
      "epsilon",
      ...MNIST,
      "--noise-multiplier",
      "1.1",
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      schemaVersion: 1,
      accountant: "rdp",
      delta: 1e-5,
      conversion: "improved",
    });
    expect(out.epsilon).toBeCloseTo(2.6, 2);
    expect(out.optimalOrder).toBeGreaterThan(1);
    const classic = runCli([
      "--format",
      "json",
      "privacy",
      "epsilon",
      ...MNIST,
      "--noise-multiplier",
      "1.1",
      "--conversion",
      "classic",
    ]);
    expect(JSON.parse(classic.stdout).epsilon).toBeCloseTo(3.01, 2);
  });

  it("uses the PLD accountant on request and prints text by default", () => {
    const r = runCli([
      "privacy",
      "epsilon",
      "--sampling-rate",
      "0.01",
      "--steps",
      "1000",
      "--delta",
      "1e-5",
      "--noise-multiplier",
      "1",
      "--accountant",
      "pld",
      "--interval",
      "1e-3",
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^epsilon \d+\.\d+ at delta 0\.00001 \(pld accountant, interval 0\.001\)/,
    );
  });

  it("rejects bad input with exit 2 and an error code", () => {
    const bad = runCli(["privacy", "epsilon", ...MNIST, "--noise-multiplier", "-1"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error[E_USAGE]: --noise-multiplier");
    const mixed = runCli([
      "privacy",
      "epsilon",
      ...MNIST,
      "--noise-multiplier",
      "1",
      "--accountant",
      "pld",
      "--conversion",
      "classic",
    ]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain("--conversion applies to the rdp accountant only");
    const missing = runCli(["privacy", "epsilon", "--delta", "1e-5"]);
    expect(missing.status).toBe(2);
  });
});

describe("mlsec privacy noise", () => {
  it("finds the noise multiplier for a target epsilon", () => {
    const r = runCli(["--format", "json", "privacy", "noise", ...MNIST, "--target-epsilon", "3"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.command).toBe("privacy noise");
    expect(out.epsilon).toBeLessThanOrEqual(3);
    expect(out.noiseMultiplier).toBeGreaterThan(1);
    expect(out.noiseMultiplier).toBeLessThan(1.1);
    const back = runCli([
      "--format",
      "json",
      "privacy",
      "epsilon",
      ...MNIST,
      "--noise-multiplier",
      String(out.noiseMultiplier),
    ]);
    expect(JSON.parse(back.stdout).epsilon).toBeLessThanOrEqual(3);
  });

  it("reports an unreachable target as E_INVALID_ARGUMENT", () => {
    const r = runCli([
      "privacy",
      "noise",
      "--sampling-rate",
      "1",
      "--steps",
      "1000000",
      "--delta",
      "1e-12",
      "--target-epsilon",
      "0.000001",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_INVALID_ARGUMENT]: no noise multiplier");
  });
});
