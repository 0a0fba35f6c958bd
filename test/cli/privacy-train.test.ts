import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const TRAIN = "examples/data/tabular-train.npz";
const TEST = "examples/data/tabular-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-dp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trainArgs = (out: string) => [
  "privacy",
  "train",
  "--arch",
  "mlp",
  "--data",
  TRAIN,
  "--val",
  TEST,
  "--batch-size",
  "30",
  "--epochs",
  "3",
  "--lr",
  "0.01",
  "--threads",
  "1",
  "--out",
  out,
];

describe("mlsec privacy train", () => {
  it("trains with DP-SGD, reports epsilon per epoch as the accountant does, saves the model", () => {
    const out = join(dir, "dp.onnx");
    const r = runCli([...trainArgs(out), "--noise-multiplier", "1.1", "--format", "json"]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      command: "privacy train",
      schemaVersion: 1,
      arch: "mlp",
      samples: 120,
      noiseMultiplier: 1.1,
      clipNorm: 1,
      samplingRate: 0.25,
      steps: 12,
      delta: 1e-5,
      accountant: "rdp",
      gradientMethod: "in-graph",
    });
    expect(report.history).toHaveLength(3);
    expect(report.valAccuracy).toBeGreaterThanOrEqual(0);
    expect(existsSync(out)).toBe(true);
    const eps = runCli([
      "privacy",
      "epsilon",
      "--sampling-rate",
      "0.25",
      "--noise-multiplier",
      "1.1",
      "--steps",
      "12",
      "--delta",
      "1e-5",
      "--format",
      "json",
    ]);
    expect(report.epsilon).toBe(JSON.parse(eps.stdout).epsilon);

    // The saved model is an ordinary classifier: the audit reads it (offline LiRA).
    const audit = runCli([
      "privacy",
      "audit",
      out,
      "--members",
      TRAIN,
      "--non-members",
      TEST,
      "--attack",
      "lira",
      "--shadow-data",
      TEST,
      "--limit",
      "15",
      "--shadow-models",
      "2",
      "--shadow-epochs",
      "3",
      "--format",
      "json",
    ]);
    expect(audit.status, audit.stderr).toBe(0);
    const a = JSON.parse(audit.stdout);
    expect(a).toMatchObject({ attack: "lira", members: 15, nonMembers: 15, shadowModels: 2 });
    expect(a.shadowSamples).toBe(15);
    expect(a.shadowSamplesDropped).toBe(15);
  });

  it("--target-epsilon picks the noise multiplier; text output shows epsilon per epoch", () => {
    const r = runCli([...trainArgs(join(dir, "t.onnx")), "--target-epsilon", "2"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 3\/3 .* epsilon [\d.]+/);
    const eps = Number(/\(epsilon ([\d.]+), delta 0.00001\)-DP/.exec(r.stdout)?.[1]);
    expect(eps).toBeLessThanOrEqual(2);
    expect(eps).toBeGreaterThan(1.9);
  });

  it("exits 2 with no output and no model file on bad input", () => {
    const out = join(dir, "bad.onnx");
    const cases: [string[], RegExp][] = [
      [trainArgs(out), /E_USAGE.*exactly one of --noise-multiplier and --target-epsilon/],
      [
        [...trainArgs(out), "--noise-multiplier", "1", "--target-epsilon", "1"],
        /E_USAGE.*exactly one/,
      ],
      [[...trainArgs(out), "--noise-multiplier", "0"], /error\[E_USAGE\]/],
      [[...trainArgs(out), "--noise-multiplier", "1", "--batch-size", "500"], /exceeds the 120/],
      [[...trainArgs(out), "--noise-multiplier", "1", "--data", "missing.npz"], /error\[E_/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("mlsec privacy audit with shadow models", () => {
  const base = ["privacy", "audit", "examples/models/tabular-mlp.onnx", "--members", TRAIN];
  it("shadow attack on the tabular model", () => {
    const r = runCli([
      ...base,
      "--non-members",
      TEST,
      "--attack",
      "shadow",
      "--shadow-data",
      TEST,
      "--limit",
      "15",
      "--shadow-models",
      "2",
      "--shadow-epochs",
      "3",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/shadow attack.*15 members vs 15 non-members/);
    expect(r.stdout).toMatch(/2 shadow models on halves of 15 shadow samples/);
    expect(r.stdout).toMatch(/AUC\s+[01]\.\d{4}/);
  });

  it("exits 2 when the shadow data is missing, misplaced or all audited", () => {
    for (const [args, message] of [
      [["--non-members", TEST, "--attack", "lira"], /E_USAGE.*needs --shadow-data/],
      [["--non-members", TEST, "--shadow-data", TEST], /E_USAGE.*shadow or lira only/],
      [
        ["--non-members", TEST, "--attack", "lira", "--shadow-data", TEST],
        /E_INVALID_ARGUMENT.*shadow samples remain/,
      ],
    ] as [string[], RegExp][]) {
      const r = runCli([...base, ...args]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
    }
  });
});
