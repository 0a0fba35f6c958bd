import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readNpz } from "../../src/data/index.js";
import { loadModel, OnnxClassifier } from "../../src/onnx/index.js";
import { type DigitsServer, startDigitsServer } from "../attacks/endpoint/digits-server.js";
import { CLI, REPO_ROOT, runCli } from "../helpers/cli.js";

/** Runs the CLI without blocking this process (the endpoint test serves from it). */
function runCliAsync(
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

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

  it("runs the Square attack against an HTTP endpoint serving the CNN, counting queries", async () => {
    const classifier = await OnnxClassifier.create(await loadModel(CNN), { intraOpThreads: 1 });
    let server: DigitsServer | undefined;
    try {
      server = await startDigitsServer(classifier);
      const r = await runCliAsync([
        "attack",
        "--endpoint",
        `${server.url}/predict`,
        "--header",
        "Authorization: Bearer s3cret",
        "--classes",
        "10",
        "--bounds",
        "0,1",
        "--data",
        TEST,
        "--attack",
        "square",
        "--eps",
        "0.3",
        "--max-queries",
        "300",
        "--limit",
        "8",
        "--format",
        "json",
      ]);
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.attack).toBe("square");
      expect(result.successRate).toBeGreaterThanOrEqual(0.75);
      expect(result.queries.total).toBeGreaterThan(8);
      // The endpoint also scored the clean and the final adversarial batches.
      expect(result.endpoint.queries).toBe(result.queries.total + 16);
      // A white-box attack against the endpoint is refused with a hint.
      const refused = await runCliAsync([
        "attack",
        "--endpoint",
        `${server.url}/predict`,
        "--classes",
        "10",
        "--bounds",
        "0,1",
        "--data",
        TEST,
        "--attack",
        "pgd",
        "--eps",
        "0.1",
        "--limit",
        "2",
      ]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/black-box/);
    } finally {
      await server?.close();
      await classifier.release();
    }
  });

  it("APGD-CE, DeepFool and FAB run from the command line", () => {
    for (const args of [
      ["--attack", "apgd-ce", "--eps", "0.2", "--steps", "10"],
      ["--attack", "fab", "--eps", "0.2", "--steps", "20"],
      ["--attack", "deepfool", "--norm", "2", "--eps", "4", "--steps", "20"],
    ]) {
      const r = runCli([
        "attack",
        CNN,
        "--data",
        TEST,
        "--limit",
        "8",
        "--format",
        "json",
        ...args,
      ]);
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.robustAccuracy).toBeLessThan(result.cleanAccuracy);
    }
  });
});
