// PyTorch-exported models (torch.onnx.export, opsets 13 and 17) with PyTorch's own autograd
// input gradients: /work/shared/data/torch-models (see its README).

import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { readNpz } from "../../../src/data/index.js";
import { buildGradientModel, unsupportedOps } from "../../../src/onnx/autodiff/index.js";
import { decodeModel, encodeModel } from "../../../src/onnx/proto/codec.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../../helpers/shared-data.js";
import { relativeError } from "./gradcheck.js";

const dir = sharedDataPath("torch-models");

function maxElementRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

describe.skipIf(dir === undefined)(
  `autodiff on PyTorch exports (${SHARED_DATA_SKIP_REASON} when absent)`,
  () => {
    for (const name of ["tabular-bn-mlp", "image-cnn"]) {
      it(`${name}: loss and input gradient match PyTorch autograd`, async () => {
        const model = decodeModel(readFileSync(`${dir}/${name}.onnx`));
        expect(unsupportedOps(model)).toEqual([]);
        const ref = await readNpz(`${dir}/${name}-reference.npz`);
        const x = ref.get("x")!;
        const y = ref.get("y")!;
        const gm = buildGradientModel(model, { loss: "cross-entropy" });
        const session = await ort.InferenceSession.create(encodeModel(gm.model), {
          intraOpNumThreads: 1,
          logSeverityLevel: 3,
        });
        const out = await session.run({
          [gm.inputName]: new ort.Tensor("float32", x.data as Float32Array, [...x.shape]),
          [gm.labelsName]: new ort.Tensor("int64", y.data as BigInt64Array, [...y.shape]),
        });
        const logits = out[gm.logitsName].data as Float32Array;
        const loss = out[gm.lossName].data as Float32Array;
        const grad = out[gm.inputGradientName!].data as Float32Array;
        const gradRef = ref.get("input_gradient")!.data as Float32Array;
        const errors = {
          logits: maxElementRelative(logits, ref.get("logits")!.data as Float32Array),
          loss: maxElementRelative(loss, ref.get("loss")!.data as Float32Array),
          gradientNorm: relativeError(grad, gradRef),
          gradientMaxElement: maxElementRelative(grad, gradRef),
        };
        if (process.env.GRADCHECK_REPORT) console.log(`TORCH ${name} ${JSON.stringify(errors)}`);
        expect(errors.logits).toBeLessThan(1e-5);
        expect(errors.loss).toBeLessThan(1e-5);
        expect(errors.gradientNorm).toBeLessThan(1e-4);
        expect(errors.gradientMaxElement).toBeLessThan(1e-4);

        // Per-sample losses are independent (BatchNormalization in inference form): the last
        // sample alone gets the same loss and gradient as inside the batch.
        const n = x.shape[0];
        const d = x.data.length / n;
        const last = await session.run({
          [gm.inputName]: new ort.Tensor("float32", (x.data as Float32Array).slice((n - 1) * d), [
            1,
            ...x.shape.slice(1),
          ]),
          [gm.labelsName]: new ort.Tensor("int64", (y.data as BigInt64Array).slice(n - 1), [1]),
        });
        expect((last[gm.lossName].data as Float32Array)[0]).toBeCloseTo(loss[n - 1], 5);
        const alone = last[gm.inputGradientName!].data as Float32Array;
        expect(relativeError(alone, grad.subarray((n - 1) * d))).toBeLessThan(1e-5);
      });
    }
  },
);
