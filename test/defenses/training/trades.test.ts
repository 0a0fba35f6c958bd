import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  logSoftmaxRows,
  tradesCotangent,
  VjpSessions,
} from "../../../src/defenses/training/index.js";
import {
  buildGradientModel,
  feed,
  floatOutput,
  OnnxClassifier,
  OrtSession,
} from "../../../src/onnx/index.js";
import { readParameters, trainableParameterNames } from "../../../src/onnx/trainer/index.js";
import { FEATURES, robustVsWeak, tinyMlp } from "./synthetic.js";

/** Mean TRADES loss over the batch, in float64, from clean and adversarial logits. */
function meanLoss(
  clean: Float64Array,
  adv: Float64Array,
  labels: Int32Array,
  c: number,
  beta: number,
) {
  const f32 = (a: Float64Array) => Float32Array.from(a);
  const { losses } = tradesCotangent(f32(clean), f32(adv), labels, c, beta);
  return losses.reduce((s, l) => s + l, 0) / labels.length;
}

describe("TRADES cotangent", () => {
  it("matches central finite differences of the mean loss in both sets of logits", () => {
    const rng = createRng(1);
    const n = 3;
    const c = 4;
    const clean = Float64Array.from({ length: n * c }, () => 2 * rng.normal());
    const adv = Float64Array.from({ length: n * c }, () => 2 * rng.normal());
    const labels = Int32Array.from([0, 3, 1]);
    const beta = 6;
    const { cotangent } = tradesCotangent(
      Float32Array.from(clean),
      Float32Array.from(adv),
      labels,
      c,
      beta,
    );
    const h = 1e-4;
    for (const [which, z] of [
      [0, clean],
      [1, adv],
    ] as const) {
      for (let j = 0; j < n * c; j++) {
        const up = Float64Array.from(z);
        const down = Float64Array.from(z);
        up[j] += h;
        down[j] -= h;
        const f = (v: Float64Array) =>
          which === 0 ? meanLoss(v, adv, labels, c, beta) : meanLoss(clean, v, labels, c, beta);
        const numeric = (f(up) - f(down)) / (2 * h);
        expect(cotangent[which * n * c + j]).toBeCloseTo(numeric, 2);
      }
    }
  });

  it("has no KL part when the adversarial logits equal the clean ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        (row, label) => {
          const z = Float32Array.from(row);
          const { losses, cotangent } = tradesCotangent(z, z, Int32Array.of(label), 3, 6);
          const logP = logSoftmaxRows(z, 3);
          expect(losses[0]).toBeCloseTo(-logP[label], 5);
          for (let k = 0; k < 3; k++) {
            expect(cotangent[3 + k]).toBeCloseTo(0, 6);
            expect(cotangent[k]).toBeCloseTo(Math.exp(logP[k]) - (k === label ? 1 : 0), 5);
          }
        },
      ),
    );
  });
});

describe("vector-Jacobian products", () => {
  it("with G = softmax − onehot they are the cross-entropy gradients (input and weights)", async () => {
    const model = tinyMlp(createRng(2));
    const data = robustVsWeak(8, 3);
    const names = trainableParameterNames(model);
    const weights = readParameters(model, names);
    const classifier = await OnnxClassifier.create(model, { intraOpThreads: 1 });
    const vjp = await VjpSessions.create(model, 2, names, 1);
    const ce = buildGradientModel(model, {
      loss: "cross-entropy",
      inputGradient: false,
      parameters: names,
    });
    const ceSession = await OrtSession.create(ce.model, { intraOpThreads: 1 });
    try {
      const expected = await classifier.lossGradient(data.x, data.y);
      const logP = logSoftmaxRows(expected.logits!.data, 2);
      const g = Float32Array.from(logP, (l, j) => Math.exp(l) - (j % 2 === data.y[j >> 1] ? 1 : 0));
      const input = await vjp.inputProduct(weights, data.x, g);
      expect(input.shape).toEqual([8, FEATURES]);
      input.data.forEach((v, j) => {
        expect(v).toBeCloseTo(expected.gradient.data[j], 5);
      });

      const grads = await vjp.parameterProduct(weights, data.x, g);
      const out = await ceSession.run(
        {
          [ce.inputName]: feed.float32(data.x.data, data.x.shape),
          [ce.labelsName]: feed.int64(data.y),
          ...Object.fromEntries(
            names.map((n) => [n, feed.float32(weights.get(n)!.data, weights.get(n)!.dims)]),
          ),
        },
        names.map((n) => ce.parameterGradientNames.get(n)!),
      );
      for (const n of names) {
        const want = floatOutput(out, ce.parameterGradientNames.get(n)!).data;
        grads.get(n)!.forEach((v, j) => {
          expect(v).toBeCloseTo(want[j], 4);
        });
      }
    } finally {
      await Promise.all([classifier.release(), vjp.release(), ceSession.release()]);
    }
  });
});
