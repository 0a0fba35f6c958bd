import { describe, expect, it } from "vitest";
import { MlsecError, tensor } from "../../src/core/index.js";
import { readNpz, toTensor } from "../../src/data/index.js";
import { loadModel, OnnxClassifier } from "../../src/onnx/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";
import { tinyLinearModel } from "./helpers.js";

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof MlsecError ? e.code : `not MlsecError: ${e}`;
  }
  return undefined;
}

describe("OnnxClassifier", () => {
  it("predicts x W + b and batches large inputs", async () => {
    const clf = await OnnxClassifier.create(tinyLinearModel(), { batchSize: 2 });
    expect(clf.inputShape).toEqual([3]);
    expect(clf.numClasses).toBe(2);
    expect(clf.bounds).toEqual([-Infinity, Infinity]);
    const x = tensor(
      [5, 3],
      Array.from({ length: 15 }, (_, i) => i / 10),
    );
    const out = await clf.predict(x);
    expect(out.shape).toEqual([5, 2]);
    for (let i = 0; i < 5; i++) {
      const [a, b, c] = x.data.subarray(i * 3, i * 3 + 3);
      expect(out.data[i * 2]).toBeCloseTo(a * 1 + b * 0.5 + c * -0.25 + 0.1, 5);
      expect(out.data[i * 2 + 1]).toBeCloseTo(a * -1 + b * 2 + 0 - 0.1, 5);
    }
    await clf.release();
  });

  it("rejects a wrong shape, NaN and out-of-bounds inputs with typed errors", async () => {
    const clf = await OnnxClassifier.create(tinyLinearModel({ bounds: "[0, 1]" }));
    expect(clf.bounds).toEqual([0, 1]);
    expect(await codeOf(clf.predict(tensor([2, 4])))).toBe("E_SHAPE_MISMATCH");
    expect(await codeOf(clf.predict(tensor([1, 3], [0, Number.NaN, 0])))).toBe("E_NON_FINITE");
    expect(await codeOf(clf.predict(tensor([1, 3], [0, 1.5, 0])))).toBe("E_OUT_OF_BOUNDS");
    await clf.release();
  });

  for (const name of ["image-cnn", "tabular-bn-mlp"]) {
    const modelPath = sharedDataPath(`torch-models/${name}.onnx`);
    it.skipIf(modelPath === undefined)(
      `reproduces PyTorch's logits for ${name} (${SHARED_DATA_SKIP_REASON})`,
      async () => {
        const ref = await readNpz(sharedDataPath(`torch-models/${name}-reference.npz`)!);
        const clf = await OnnxClassifier.create(await loadModel(modelPath!));
        const logits = await clf.predict(toTensor(ref.get("x")!));
        const expected = toTensor(ref.get("logits")!);
        expect(logits.shape).toEqual(expected.shape);
        let maxErr = 0;
        for (let i = 0; i < logits.data.length; i++)
          maxErr = Math.max(maxErr, Math.abs(logits.data[i] - expected.data[i]));
        expect(maxErr).toBeLessThan(1e-5);
        await clf.release();
      },
    );
  }
});
