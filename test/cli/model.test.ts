import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const CNN = "examples/models/digits-cnn.onnx";
const TEST = "examples/data/digits-test.npz";

describe("mlsec model", () => {
  it("info describes the demo CNN as JSON", () => {
    const r = runCli(["model", "info", CNN, "--format", "json"]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.schemaVersion).toBe(1);
    expect(info.inputs[0].shape.slice(1)).toEqual([1, 28, 28]);
    expect(info.differentiable).toBe(true);
    expect(info.unsupportedOps).toEqual([]);
    expect(info.opHistogram.Conv).toBe(2);
    expect(info.parameterCount).toBeGreaterThan(100_000);
  });

  it("eval reports accuracy ≥ 97% and a confusion matrix", () => {
    const r = runCli(["model", "eval", CNN, "--data", TEST, "--format", "json"]);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.samples).toBe(2000);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(result.confusion).toHaveLength(10);
    const total = result.confusion.flat().reduce((a: number, b: number) => a + b, 0);
    expect(total).toBe(2000);
  });

  it("gradcheck agrees with finite differences", () => {
    const r = runCli([
      "model",
      "gradcheck",
      CNN,
      "--data",
      TEST,
      "--samples",
      "2",
      "--format",
      "json",
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).medianRelativeError).toBeLessThan(0.05);
  });

  it("fails with exit 2 and a typed error on a truncated model and on a data file without y", () => {
    const truncated = runCli(["model", "info", "examples/data/digits-test.npz"]);
    expect(truncated.status).toBe(2);
    expect(truncated.stderr).toMatch(/^error\[E_ONNX_PARSE\]/m);
    const missing = runCli(["model", "eval", CNN, "--data", "no/such/file.npz"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error\[E_FILE_NOT_FOUND\]/m);
  });
});
