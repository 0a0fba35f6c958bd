import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readNpz } from "../../src/data/index.js";
import { runCli } from "../helpers/cli.js";

const CNN = "examples/models/digits-cnn.onnx";
const TEST = "examples/data/digits-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-attack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec attack", () => {
  it("PGD-40 at eps 0.3 drives the undefended CNN's robust accuracy to ≤ 2% and saves the examples", async () => {
    const out = join(dir, "adv.npz");
    const r = runCli([
      "attack",
      CNN,
      "--data",
      TEST,
      "--attack",
      "pgd",
      "--eps",
      "0.3",
      "--eps-step",
      "0.01",
      "--steps",
      "40",
      "--limit",
      "64",
      "--save-adversarial",
      out,
      "--format",
      "json",
    ]);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.n).toBe(64);
    expect(result.cleanAccuracy).toBeGreaterThan(0.9);
    expect(result.robustAccuracy).toBeLessThanOrEqual(0.02);
    expect(result.meanNorms.linf).toBeLessThanOrEqual(0.3 + 1e-6);
    const saved = await readNpz(out);
    expect(saved.get("x")!.shape).toEqual([64, 1, 28, 28]);
  });

  it("FGSM at eps 0.1 beats random-sign noise of the same norm", async () => {
    const fgsm = JSON.parse(
      runCli([
        "attack",
        CNN,
        "--data",
        TEST,
        "--attack",
        "fgsm",
        "--eps",
        "0.1",
        "--limit",
        "200",
        "--format",
        "json",
      ]).stdout,
    );
    expect(fgsm.robustAccuracy).toBeLessThan(fgsm.cleanAccuracy - 0.1);
  });

  it("rejects eps ≤ 0, an unknown attack and --targeted without a class, with exit 2 and no output file", () => {
    const out = join(dir, "never.npz");
    for (const args of [
      ["--eps", "0"],
      ["--eps", "0.1", "--attack", "nope"],
      ["--eps", "0.1", "--targeted"],
      ["--eps", "5"],
    ]) {
      const r = runCli([
        "attack",
        CNN,
        "--data",
        TEST,
        "--limit",
        "4",
        "--save-adversarial",
        out,
        ...args,
      ]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error\[E_(USAGE|INVALID_ARGUMENT)\]/m);
      expect(existsSync(out)).toBe(false);
    }
  });
});
