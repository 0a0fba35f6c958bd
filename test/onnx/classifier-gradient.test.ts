import { describe, expect, it } from "vitest";
import { MlsecError, tensor } from "../../src/core/index.js";
import { readNpz, toTensor } from "../../src/data/index.js";
import {
  GraphBuilder,
  gradcheck,
  loadModel,
  makeModel,
  OnnxClassifier,
} from "../../src/onnx/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";
import { tinyLinearModel } from "./helpers.js";

function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

describe("OnnxClassifier.lossGradient", () => {
  it("gives the analytic cross-entropy gradient of a linear model: W (softmax(z) - onehot(y))", async () => {
    const clf = await OnnxClassifier.create(tinyLinearModel());
    const x = tensor([2, 3], [0.2, -0.4, 1, 1.5, 0.3, -0.7]);
    const y = Int32Array.from([1, 0]);
    const { loss, gradient } = await clf.lossGradient(x, y);
    const W = [
      [1, -1],
      [0.5, 2],
      [-0.25, 0],
    ];
    for (let i = 0; i < 2; i++) {
      const xi = [...x.data.subarray(i * 3, i * 3 + 3)];
      const z = [0, 1].map((k) => xi.reduce((s, v, j) => s + v * W[j][k], 0) + [0.1, -0.1][k]);
      const m = Math.max(...z);
      const p = z.map((v) => Math.exp(v - m) / z.reduce((s, u) => s + Math.exp(u - m), 0));
      expect(loss[i]).toBeCloseTo(-Math.log(p[y[i]]), 5);
      for (let j = 0; j < 3; j++) {
        const expected = W[j].reduce((s, w, k) => s + w * (p[k] - (k === y[i] ? 1 : 0)), 0);
        expect(gradient.data[i * 3 + j]).toBeCloseTo(expected, 5);
      }
    }
    await clf.release();
  });

  it("reports E_UNSUPPORTED_OP for a white-box call on a model with an op autodiff lacks, while predict works", async () => {
    const b = new GraphBuilder();
    b.addInput("x", 1, ["N", 4]);
    const y = b.op("Sin", ["x"]);
    b.addOutput(y, 1, ["N", 4]);
    const clf = await OnnxClassifier.create(makeModel(b.build()));
    expect((await clf.predict(tensor([1, 4]))).shape).toEqual([1, 4]);
    const error = await clf.lossGradient(tensor([1, 4]), Int32Array.from([0])).catch((e) => e);
    expect(error).toBeInstanceOf(MlsecError);
    expect(error.code).toBe("E_UNSUPPORTED_OP");
    expect(error.message).toContain("Sin");
    await clf.release();
  });

  for (const name of ["image-cnn", "tabular-bn-mlp"]) {
    const modelPath = sharedDataPath(`torch-models/${name}.onnx`);
    it.skipIf(modelPath === undefined)(
      `matches PyTorch autograd's input gradient for ${name} (${SHARED_DATA_SKIP_REASON})`,
      async () => {
        const ref = await readNpz(sharedDataPath(`torch-models/${name}-reference.npz`)!);
        const model = await loadModel(modelPath!);
        const clf = await OnnxClassifier.create(model);
        const x = toTensor(ref.get("x")!);
        const y = Int32Array.from(ref.get("y")!.data as BigInt64Array, Number);
        const { loss, gradient } = await clf.lossGradient(x, y);
        expect(
          relativeError(gradient.data, toTensor(ref.get("input_gradient")!).data),
        ).toBeLessThan(1e-4);
        expect(relativeError(loss, toTensor(ref.get("loss")!).data)).toBeLessThan(1e-5);
        await clf.release();
        const check = await gradcheck(model, x, y, { samples: 2, coordinates: 16, step: 1e-3 });
        expect(check.medianRelativeError).toBeLessThan(0.1);
      },
    );
  }
});
