import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index.js";
import { saveDataset } from "../../src/data/index.js";
import { loadModel, OnnxClassifier } from "../../src/onnx/index.js";
import { runCli } from "../helpers/cli.js";

let dir: string;

/** Two Gaussian blobs in 3-D: class 0 around −1, class 1 around +1. */
function blobs(n: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 3; j++) x[3 * i + j] = (y[i] === 0 ? -1 : 1) + 0.5 * rng.normal();
  }
  return { x: { shape: [n, 3], data: x }, y };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlsec-train-"));
  await saveDataset(join(dir, "train.npz"), blobs(200, 1));
  await saveDataset(join(dir, "val.npz"), blobs(60, 2));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (out: string) => [
  "train",
  "--arch",
  "mlp",
  "--data",
  join(dir, "train.npz"),
  "--val",
  join(dir, "val.npz"),
  "--hidden",
  "8",
  "--epochs",
  "3",
  "--batch-size",
  "20",
  "--lr",
  "0.05",
  "--threads",
  "1",
  "--out",
  join(dir, out),
];

describe("mlsec train", () => {
  it("prints one line per epoch and the final validation accuracy, and saves an ONNX model", async () => {
    const r = runCli(["--quiet", ...base("text.onnx")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^training mlp on 200 samples of shape \[3\], 2 classes, validating on 60$/m,
    );
    expect(r.stdout.match(/^epoch \d\/3 {2}loss [\d.]+ {2}acc [\d.]+% {2}val_loss/gm)).toHaveLength(
      3,
    );
    expect(r.stdout).toMatch(/^val accuracy \d+\.\d\d% \(loss [\d.]+\)$/m);
    expect(r.stdout).toMatch(/^saved .*text\.onnx \(mlp, 50 parameters\) in [\d.]+s$/m);
    const model = await loadModel(join(dir, "text.onnx"));
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta["mlsec.bounds"]).toBe("[null,null]");
    expect(JSON.parse(meta["mlsec.training"]!)).toMatchObject({ arch: "mlp", epochs: 3 });
  });

  it("--format json reports the history; the saved model scores the reported accuracy", async () => {
    const r = runCli(["--format", "json", "--seed", "7", ...base("json.onnx")]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      schemaVersion: 1,
      command: "train",
      arch: "mlp",
      samples: 200,
      classes: 2,
      parameters: 50,
      bounds: [null, null],
      epoch: 3,
      stoppedEarly: false,
    });
    expect(report.history).toHaveLength(3);
    expect(report.valAccuracy).toBeGreaterThan(0.9);
    const classifier = await OnnxClassifier.create(await loadModel(join(dir, "json.onnx")));
    const val = blobs(60, 2);
    const logits = await classifier.predict(val.x);
    let right = 0;
    for (let i = 0; i < 60; i++) {
      const [a, b] = [logits.data[2 * i], logits.data[2 * i + 1]];
      if ((b > a ? 1 : 0) === val.y[i]) right++;
    }
    expect(right / 60).toBeCloseTo(report.valAccuracy, 10);
    // Same seed, same model: the run is repeatable.
    const again = JSON.parse(
      runCli(["--format", "json", "--seed", "7", ...base("again.onnx")]).stdout,
    );
    expect(again.history.map((h: { trainLoss: number }) => h.trainLoss)).toEqual(
      report.history.map((h: { trainLoss: number }) => h.trainLoss),
    );
  });

  it("bad input exits 2 with a typed error and leaves no output file", () => {
    const missing = runCli([
      "train",
      "--arch",
      "mlp",
      "--data",
      join(dir, "nope.npz"),
      "--out",
      join(dir, "x.onnx"),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error\[E_FILE_NOT_FOUND\]/m);

    const args = base("stopped.onnx").filter((_, i, a) => a[i] !== "--val" && a[i - 1] !== "--val");
    const noVal = runCli([...args, "--patience", "2"]);
    expect(noVal.status).toBe(2);
    expect(noVal.stderr).toMatch(/^error\[E_TRAINING\]: early stopping needs a validation set/m);

    const badArch = runCli([...base("arch.onnx"), "--arch", "transformer"]);
    expect(badArch.status).toBe(2);
    expect(badArch.stderr).toMatch(/^error\[E_USAGE\]: --arch must be one of cnn, mlp/m);

    const cnnOnRows = runCli([...base("cnn.onnx"), "--arch", "cnn"]);
    expect(cnnOnRows.status).toBe(2);
    expect(cnnOnRows.stderr).toMatch(/^error\[E_SHAPE_MISMATCH\]/m);
    expect(
      readdirSync(dir).filter(
        (f) => !f.endsWith(".npz") && !["text.onnx", "json.onnx", "again.onnx"].includes(f),
      ),
    ).toEqual([]);
    expect(existsSync(join(dir, "stopped.onnx"))).toBe(false);
  });
});
