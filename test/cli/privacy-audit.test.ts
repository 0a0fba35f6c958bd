import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const CNN = "examples/models/digits-cnn.onnx";
const TRAIN = "examples/data/digits-train.npz";
const TEST = "examples/data/digits-test.npz";

describe("mlsec privacy audit", () => {
  it("audits a model's training data against held-out data, repeatably under --seed", () => {
    const args = ["privacy", "audit", CNN, "--members", TRAIN, "--non-members", TEST];
    const json = [...args, "--limit", "300", "--seed", "4", "--format", "json"];
    const r = runCli(json);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      schemaVersion: 1,
      command: "privacy audit",
      attack: "loss",
      members: 300,
      nonMembers: 300,
      seed: 4,
    });
    expect(out.auc).toBeGreaterThanOrEqual(0);
    expect(out.auc).toBeLessThanOrEqual(1);
    expect(Object.keys(out.tprAtFpr).sort()).toEqual(["0.001", "0.01"]);
    expect(out.tprAtFpr["0.01"]).toBeGreaterThanOrEqual(out.tprAtFpr["0.001"]);
    expect(out.advantage).toBeGreaterThanOrEqual(0);
    expect(out.memberAccuracy).toBeGreaterThan(0.9);
    expect(out.roc.length).toBeLessThanOrEqual(101);
    expect(out.roc[0]).toEqual([0, 0]);
    expect(out.roc[out.roc.length - 1]).toEqual([1, 1]);
    expect(runCli(json).stdout).toBe(r.stdout);

    const text = runCli([...args, "--attack", "confidence", "--limit", "100"]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/confidence attack.*100 members vs 100 non-members/);
    expect(text.stdout).toMatch(/AUC\s+0\.\d{4}/);
    expect(text.stdout).toMatch(/TPR at 1\.00% FPR/);
  });

  it("exits 2 with no output on bad input", () => {
    const missing = runCli([
      "privacy",
      "audit",
      CNN,
      "--members",
      "nope.npz",
      "--non-members",
      TEST,
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/error\[E_/);

    // Tabular rows do not fit the digits CNN's input shape.
    const shape = runCli([
      "privacy",
      "audit",
      CNN,
      "--members",
      TRAIN,
      "--non-members",
      "examples/data/tabular-test.npz",
    ]);
    expect(shape.status).toBe(2);
    expect(shape.stdout).toBe("");
    expect(shape.stderr).toMatch(/error\[E_SHAPE_MISMATCH\]/);
  });
});
