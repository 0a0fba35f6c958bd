import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  fitDetector,
  hasDropout,
  loadDetector,
  McDropout,
  serializeDetector,
} from "../../../src/defenses/detect/index.js";
import { buildMlp, heUniform, zeros } from "../../../src/onnx/architectures/index.js";
import {
  A,
  BOUNDS_METADATA_KEY,
  DataType,
  floatTensor,
  GraphBuilder,
  type ModelProto,
  makeModel,
  saveModel,
} from "../../../src/onnx/index.js";

/** x[4] → Gemm 16 → Relu → Dropout(0.5) → Gemm 3. */
function dropoutModel(): ModelProto {
  const rng = createRng(4);
  const g = new GraphBuilder(undefined, "dropout_mlp");
  g.addInput("input", DataType.FLOAT, ["batch", 4]);
  const w1 = g.initializer(heUniform("fc1.weight", [16, 4], 4, rng));
  const b1 = g.initializer(zeros("fc1.bias", [16]));
  const h = g.op("Relu", [g.op("Gemm", ["input", w1, b1], { transB: A.int(1) })]);
  const ratio = g.initializer(floatTensor("ratio", [], [0.5]));
  const dropped = g.op("Dropout", [h, ratio]);
  const w2 = g.initializer(heUniform("fc2.weight", [3, 16], 16, rng));
  const b2 = g.initializer(zeros("fc2.bias", [3]));
  g.add("Gemm", [dropped, w2, b2], { transB: A.int(1) }, { outputs: ["logits"] });
  g.addOutput("logits", DataType.FLOAT, ["batch", 3]);
  return makeModel(g.build(), { metadata: { [BOUNDS_METADATA_KEY]: "[0,1]" } });
}

const batch = (n: number, seed: number) => {
  const rng = createRng(seed);
  return { shape: [n, 4], data: Float32Array.from({ length: n * 4 }, () => rng.next()) };
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlsec-mc-dropout-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("MC dropout", () => {
  it("finds Dropout nodes", () => {
    expect(hasDropout(dropoutModel())).toBe(true);
    expect(
      hasDropout(buildMlp({ inputShape: [4], numClasses: 3, rng: createRng(1), bounds: [0, 1] })),
    ).toBe(false);
  });

  it("gives a positive uncertainty when dropout stays on", async () => {
    const mc = await McDropout.create(dropoutModel(), 30);
    try {
      const u = await mc.uncertainty(batch(5, 1));
      expect(u.length).toBe(5);
      expect(u.every((v) => v > 0 && v < 1)).toBe(true);
    } finally {
      await mc.release();
    }
  });

  it("joins the kernel-density detector and round-trips through its file", async () => {
    const model = dropoutModel();
    const modelPath = join(dir, "model.onnx");
    await saveModel(modelPath, model);
    const outPath = join(dir, "kde.json");
    const x = batch(200, 2);
    const y = Int32Array.from({ length: 200 }, (_, i) => i % 3);
    const file = await fitDetector(
      { model, modelBytes: readFileSync(modelPath), modelPath, outPath, x, y },
      { kind: "kde", rng: createRng(3), mcPasses: 8, perClass: 40 },
    );
    expect(file.kind === "kde" && file.uncertainty?.passes).toBe(8);
    writeFileSync(outPath, serializeDetector(file));
    const detector = await loadDetector(outPath);
    try {
      const probe = batch(10, 5);
      const scores = await detector.score(probe.data, probe.shape);
      expect(scores.every(Number.isFinite)).toBe(true);
      expect((await detector.layerScores(probe)).length).toBe(2);
    } finally {
      await detector.dispose();
    }
  });
});
