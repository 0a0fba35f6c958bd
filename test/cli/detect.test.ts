import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const MODEL = "examples/models/digits-mlp.onnx";
const TEST = "examples/data/digits-test.npz";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlsec-detect-cli-"));
  const attack = runCli([
    "--quiet",
    "attack",
    MODEL,
    "--data",
    TEST,
    "--attack",
    "fgsm",
    "--eps",
    "0.3",
    "--limit",
    "100",
    "--threads",
    "1",
    "--save-adversarial",
    join(dir, "adv.npz"),
  ]);
  expect(attack.status, attack.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fitDetector = (kind: string, out: string, extra: string[] = []) =>
  runCli([
    "--quiet",
    "--format",
    "json",
    "detect",
    "fit",
    MODEL,
    "--data",
    TEST,
    "--detector",
    kind,
    "--limit",
    "400",
    "--threads",
    "1",
    "--out",
    join(dir, out),
    ...extra,
  ]);

describe("mlsec detect", () => {
  it("fits a Mahalanobis detector and evaluates it against FGSM examples", () => {
    const r = fitDetector("mahalanobis", "maha.json");
    expect(r.status, r.stderr).toBe(0);
    const fitted = JSON.parse(r.stdout);
    expect(fitted).toMatchObject({
      schemaVersion: 1,
      command: "detect fit",
      detector: "mahalanobis",
    });
    expect(fitted.layers.length).toBeGreaterThanOrEqual(1);
    const e = runCli([
      "--format",
      "json",
      "detect",
      "eval",
      join(dir, "maha.json"),
      "--clean",
      TEST,
      "--adversarial",
      join(dir, "adv.npz"),
      "--limit",
      "100",
    ]);
    expect(e.status, e.stderr).toBe(0);
    const result = JSON.parse(e.stdout);
    expect(result.command).toBe("detect eval");
    expect(result.auroc).toBeGreaterThanOrEqual(0);
    expect(result.auroc).toBeLessThanOrEqual(1);
    expect(result.clean).toBe(100);
    expect(result.adversarial + result.skippedUnsuccessful).toBe(100);
    expect(result.threshold).toBe(fitted.threshold);
  });

  it("fits feature squeezing in text mode", () => {
    const r = runCli([
      "detect",
      "fit",
      MODEL,
      "--data",
      TEST,
      "--detector",
      "squeeze",
      "--squeezer",
      "bit-depth:1",
      "--limit",
      "100",
      "--out",
      join(dir, "squeeze.json"),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/detector +squeeze on squeezers bit-depth:1/);
    expect(r.stdout).toMatch(/threshold/);
  });

  it("reports robust accuracy with and without preprocessors", () => {
    const r = runCli([
      "--quiet",
      "--format",
      "json",
      "detect",
      "preprocess-eval",
      MODEL,
      "--data",
      TEST,
      "--preprocessor",
      "bit-depth:1",
      "--preprocessor",
      "gaussian:0.2",
      "--attack",
      "fgsm",
      "--eps",
      "0.2",
      "--eot",
      "2",
      "--limit",
      "20",
      "--threads",
      "1",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.map((e: { preprocessor: string }) => e.preprocessor)).toEqual([
      "bit-depth(1)",
      "gaussian(0.2)",
    ]);
    expect(out.results[1]).toMatchObject({ randomized: true, eotSamples: 2, n: 20 });
    for (const e of out.results) {
      for (const v of Object.values(e.robustAccuracy) as number[]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  it("refuses bad input with a typed error, exit 2 and no output file", () => {
    const corrupt = join(dir, "corrupt.json");
    writeFileSync(corrupt, '{"format":"mlsec-detector","version":1,"kind":"lid"}');
    const e = runCli(["detect", "eval", corrupt, "--clean", TEST, "--adversarial", TEST]);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/error\[E_DETECTOR_FORMAT\]/);

    const bad = fitDetector("nope", "nope.json");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/error\[E_USAGE\]/);

    const layer = fitDetector("mahalanobis", "layer.json", ["--layer", "no-such-layer"]);
    expect(layer.status).toBe(2);
    expect(layer.stderr).toMatch(/error\[E_INVALID_ARGUMENT\].*no-such-layer/);
    expect(existsSync(join(dir, "layer.json"))).toBe(false);

    const pre = runCli([
      "detect",
      "preprocess-eval",
      MODEL,
      "--data",
      TEST,
      "--preprocessor",
      "jpeg:500",
      "--eps",
      "0.1",
    ]);
    expect(pre.status).toBe(2);
    expect(pre.stderr).toMatch(/error\[E_USAGE\]/);
  });
});
