import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { saveDataset } from "../../src/data/index.js";
import { loadModel, saveModel } from "../../src/onnx/index.js";
import { accuracies, robustVsWeak, tinyMlp } from "../defenses/training/synthetic.js";
import { runCli } from "../helpers/cli.js";

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlsec-defend-"));
  await saveDataset(join(dir, "train.npz"), robustVsWeak(300, 1));
  await saveDataset(join(dir, "val.npz"), robustVsWeak(100, 2));
  await saveModel(join(dir, "init.onnx"), tinyMlp(createRng(5)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (method: string, out: string) => [
  "defend",
  "adversarial-training",
  "--data",
  join(dir, "train.npz"),
  "--val",
  join(dir, "val.npz"),
  "--method",
  method,
  "--eps",
  "0.2",
  "--epochs",
  "10",
  "--batch-size",
  "25",
  "--lr",
  "0.01",
  "--steps",
  "5",
  "--val-samples",
  "50",
  "--val-steps",
  "10",
  "--threads",
  "1",
  "--arch",
  "mlp",
  "--out",
  join(dir, out),
];

describe("mlsec defend adversarial-training", () => {
  it("prints clean and PGD validation accuracy per epoch and saves a robust ONNX model", async () => {
    const r = runCli([
      "--quiet",
      ...base("pgd", "pgd.onnx"),
      "--hidden",
      "16",
      "--ramp-epochs",
      "2",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^pgd adversarial training \(eps 0\.2, 5 step\(s\) of 0\.100, ramp-up over 2 epochs\) of mlp on 300 samples, validating on 100 \(PGD-10 on the first 50\)$/m,
    );
    expect(
      r.stdout.match(
        /^epoch [ \d]\d\/10 {2}eps 0\.\d{3} {2}loss [\d.]+ {2}adv_acc [\d.]+% {2}val_acc [\d.]+% {2}val_adv_acc [\d.]+%/gm,
      ),
    ).toHaveLength(10);
    expect(r.stdout).toMatch(/^val accuracy [\d.]+% clean, [\d.]+% under PGD-10 at eps 0\.2$/m);
    const model = await loadModel(join(dir, "pgd.onnx"));
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta["mlsec.bounds"]).toBe("[0,1]");
    expect(JSON.parse(meta["mlsec.training"]!)).toMatchObject({
      defense: "adversarial-training/pgd",
      eps: 0.2,
      steps: 5,
      rampEpochs: 2,
    });
    const scores = await accuracies(model, robustVsWeak(100, 2), 0.2);
    expect(scores.robust).toBeGreaterThan(0.7);
  });

  it("--format json reports the history; --init starts from a given model, --keep-best (trades, fast)", () => {
    for (const method of ["trades", "fast"]) {
      const r = runCli([
        "--format",
        "json",
        "--quiet",
        ...base(method, `${method}.onnx`),
        "--init",
        join(dir, "init.onnx"),
        "--beta",
        "3",
        "--keep-best",
      ]);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({
        schemaVersion: 1,
        command: "defend adversarial-training",
        method,
        init: join(dir, "init.onnx"),
        arch: null,
        eps: 0.2,
        samples: 300,
        classes: 2,
        bounds: [0, 1],
      });
      expect(report.steps).toBe(method === "fast" ? 1 : 5);
      expect(report.beta).toBe(method === "trades" ? 3 : undefined);
      expect(report.history).toHaveLength(10);
      const scores = report.history.map(
        (h: { valAdversarialAccuracy: number }) => h.valAdversarialAccuracy,
      );
      expect(report.epoch).toBe(scores.indexOf(Math.max(...scores)) + 1);
      expect(report.valAdversarialAccuracy).toBe(scores[report.epoch - 1]);
      expect(report.valAdversarialAccuracy).toBeGreaterThan(0.5);
    }
  });

  it("bad input exits 2 with a typed error and leaves no output file", () => {
    const cases: [string[], RegExp][] = [
      [
        [...base("pgd", "a.onnx"), "--method", "free"],
        /^error\[E_USAGE\]: --method must be one of/m,
      ],
      [
        [...base("pgd", "b.onnx"), "--eps", "1.5"],
        /^error\[E_INVALID_ARGUMENT\]: eps 1\.5 exceeds/m,
      ],
      [[...base("pgd", "c.onnx"), "--eps", "abc"], /^error\[E_USAGE\]: --eps must be a number/m],
      [
        [...base("pgd", "d.onnx"), "--data", join(dir, "missing.npz")],
        /^error\[E_FILE_NOT_FOUND\]/m,
      ],
      [[...base("pgd", "e.onnx"), "--init", join(dir, "garbage.onnx")], /^error\[E_ONNX/m],
      [[...base("pgd", "f.onnx"), "--arch", "cnn"], /^error\[E_SHAPE_MISMATCH\]/m],
      [
        [...base("pgd", "g.onnx"), "--init", join(dir, "init.onnx"), "--hidden", "8"],
        /^error\[E_USAGE\]: --hidden builds a new model/m,
      ],
    ];
    const noVal = base("pgd", "h.onnx").filter(
      (_, i, a) => a[i] !== "--val" && a[i - 1] !== "--val",
    );
    cases.push([[...noVal, "--keep-best"], /^error\[E_TRAINING\]: keeping the best epoch needs/m]);
    writeFileSync(join(dir, "garbage.onnx"), "not a model");
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    for (const name of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
      expect(existsSync(join(dir, `${name}.onnx`))).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });
});
