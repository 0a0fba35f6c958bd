import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng, isMlsecError, type Tensor } from "../../../src/core/index.js";
import {
  type DetectorKind,
  fitDetector,
  loadDetector,
  parseDetectorFile,
  serializeDetector,
} from "../../../src/defenses/detect/index.js";
import { buildMlp } from "../../../src/onnx/architectures/index.js";
import { type ModelProto, saveModel } from "../../../src/onnx/index.js";

let dir: string;
let model: ModelProto;
let modelPath: string;

/** Three blobs in [0, 1]^4 around 0.2, 0.5 and 0.8, labelled by blob. */
function blobs(n: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) {
      x[i * 4 + j] = Math.min(1, Math.max(0, 0.2 + 0.3 * y[i] + 0.05 * rng.normal()));
    }
  }
  return { x: { shape: [n, 4], data: x }, y };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlsec-detector-"));
  model = buildMlp({
    inputShape: [4],
    numClasses: 3,
    hidden: [8, 6],
    rng: createRng(2),
    bounds: [0, 1],
  });
  modelPath = join(dir, "model.onnx");
  await saveModel(modelPath, model);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fitAndSave(kind: DetectorKind, name: string, extra: object = {}) {
  const data = blobs(300, 1);
  const outPath = join(dir, name);
  const file = await fitDetector(
    { model, modelBytes: readFileSync(modelPath), modelPath, outPath, ...data },
    { kind, rng: createRng(3), fpr: 0.1, k: 10, references: 100, perClass: 50, ...extra },
  );
  writeFileSync(outPath, serializeDetector(file));
  return { file, outPath };
}

describe("fitted detectors", () => {
  for (const kind of ["mahalanobis", "lid", "kde", "squeeze"] as const) {
    it(`${kind}: round-trips through JSON and scores one value per sample`, async () => {
      const { file, outPath } = await fitAndSave(kind, `${kind}.json`, {
        squeezers: ["bit-depth:2"],
      });
      const detector = await loadDetector(outPath);
      try {
        expect(detector.kind).toBe(kind);
        expect(detector.threshold).toBe(file.threshold);
        const clean = blobs(200, 9).x;
        const scores = await detector.score(clean.data, clean.shape);
        expect(scores.length).toBe(200);
        expect(scores.every(Number.isFinite)).toBe(true);
        // Fresh clean data from the same distribution: the flagged share is near the 10% aimed at.
        const flagged = scores.filter((s) => s > detector.threshold).length / 200;
        expect(flagged).toBeLessThan(0.3);
      } finally {
        await detector.dispose();
      }
    });
  }

  it("mahalanobis: an input far from the clean data scores above the threshold", async () => {
    const { outPath } = await fitAndSave("mahalanobis", "far.json");
    const detector = await loadDetector(outPath);
    try {
      const far = Float32Array.from([1, 0, 1, 0]);
      const [score] = await detector.score(far, [1, 4]);
      expect(score).toBeGreaterThan(detector.threshold);
    } finally {
      await detector.dispose();
    }
  });

  it("refuses a batch of the wrong shape and a model that changed", async () => {
    const { outPath } = await fitAndSave("mahalanobis", "shape.json");
    const detector = await loadDetector(outPath);
    try {
      await expect(detector.score(new Float32Array(5), [1, 5])).rejects.toSatisfy(
        (e) => isMlsecError(e) && e.code === "E_SHAPE_MISMATCH",
      );
    } finally {
      await detector.dispose();
    }
    const other = join(dir, "other");
    const moved = JSON.parse(readFileSync(outPath, "utf8"));
    moved.model.sha256 = "0".repeat(64);
    writeFileSync(other, JSON.stringify(moved));
    await expect(loadDetector(other)).rejects.toSatisfy(
      (e) => isMlsecError(e) && e.code === "E_DETECTOR_FORMAT" && /has changed/.test(e.message),
    );
  });
});

describe("detector file parsing", () => {
  it("names a newer format version", async () => {
    const { outPath } = await fitAndSave("squeeze", "v.json", { squeezers: ["bit-depth:2"] });
    const text = readFileSync(outPath, "utf8").replace('"version":1', '"version":2');
    expect(() => parseDetectorFile(text, "v.json")).toThrow(/version 2/);
  });

  it("refuses arrays whose bytes do not match their shape", async () => {
    const { outPath } = await fitAndSave("mahalanobis", "bytes.json");
    const file = JSON.parse(readFileSync(outPath, "utf8"));
    file.layers[0].means.shape = [3, 999];
    expect(() => parseDetectorFile(JSON.stringify(file), "bytes.json")).toThrow(/needs .* bytes/);
  });

  it("turns any malformed or mutated file into E_DETECTOR_FORMAT (property)", async () => {
    const { outPath } = await fitAndSave("lid", "fuzz.json");
    const valid = JSON.parse(readFileSync(outPath, "utf8"));
    const check = (text: string) => {
      try {
        parseDetectorFile(text, "fuzz");
        return true;
      } catch (error) {
        return isMlsecError(error) && error.code === "E_DETECTOR_FORMAT";
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 300 });
    fc.assert(fc.property(fc.json(), check), { numRuns: 300 });
    const keys = ["format", "version", "kind", "threshold", "calibration", "model", "layers"];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) =>
        check(JSON.stringify({ ...valid, [key]: value })),
      ),
      { numRuns: 300 },
    );
  });
});
