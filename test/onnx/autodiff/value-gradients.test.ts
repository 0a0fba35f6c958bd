import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import { buildMlp } from "../../../src/onnx/architectures/index.js";
import { buildGradientModel } from "../../../src/onnx/autodiff/index.js";
import { feed, floatOutput, OrtSession } from "../../../src/onnx/session.js";
import { readParameters, trainableParameterNames } from "../../../src/onnx/trainer/index.js";

describe("gradients of intermediate values (the `values` option)", () => {
  const model = buildMlp({ inputShape: [3], numClasses: 4, rng: createRng(1), hidden: [5] });
  const names = trainableParameterNames(model);

  it("exposes dLoss/dlogits = softmax(z) - onehot(y), row by row", async () => {
    const g = buildGradientModel(model, {
      loss: "cross-entropy",
      inputGradient: false,
      parameters: names,
      values: [logitsOf(model)],
    });
    const out = g.valueGradientNames.get(logitsOf(model))!;
    const session = await OrtSession.create(g.model);
    try {
      const params = readParameters(model, names);
      const x = Float32Array.of(0.1, -0.2, 0.3, 1, 0.5, -1);
      const y = [2, 0];
      const r = await session.run(
        {
          ...Object.fromEntries([...params].map(([k, p]) => [k, feed.float32(p.data, p.dims)])),
          [g.inputName]: feed.float32(x, [2, 3]),
          [g.labelsName]: feed.int64(y),
        },
        [g.logitsName, out],
      );
      const z = floatOutput(r, g.logitsName).data;
      const dz = floatOutput(r, out).data;
      for (let i = 0; i < 2; i++) {
        const row = Array.from(z.subarray(i * 4, i * 4 + 4));
        const e = row.map((v) => Math.exp(v));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < 4; j++) {
          expect(dz[i * 4 + j]).toBeCloseTo(e[j] / sum - (j === y[i] ? 1 : 0), 5);
        }
      }
    } finally {
      await session.release();
    }
  });

  it("refuses a value that is not on a gradient path", () => {
    expect(() =>
      buildGradientModel(model, {
        loss: "cross-entropy",
        inputGradient: false,
        parameters: names,
        values: ["input"],
      }),
    ).toThrow(/not on a gradient path/);
  });
});

/** The logits value of the mlp. */
function logitsOf(m: ReturnType<typeof buildMlp>): string {
  return m.graph!.output[0].name!;
}
