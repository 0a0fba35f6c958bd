import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import { buildMlp } from "../../../src/onnx/architectures/index.js";
import { crossEntropy, feed, floatOutput, OrtSession } from "../../../src/onnx/index.js";
import {
  readParameters,
  TrainingSession,
  writeParameters,
} from "../../../src/onnx/trainer/index.js";

// A softmax regression (no hidden layer): the loss is smooth, so central differences are exact
// enough to check the step against.
const model = buildMlp({ inputShape: [3], numClasses: 4, hidden: [], rng: createRng(9) });
const rng = createRng(1);
const x = { shape: [5, 3], data: Float32Array.from({ length: 15 }, () => rng.normal()) };
const y = Int32Array.of(0, 1, 2, 3, 1);

async function meanLoss(weights: Float32Array, bias: Float32Array): Promise<number> {
  const session = await OrtSession.create(
    writeParameters(
      model,
      new Map([
        ["fc1.weight", { dims: [4, 3], data: weights }],
        ["fc1.bias", { dims: [4], data: bias }],
      ]),
    ),
    { intraOpThreads: 1 },
  );
  const logits = floatOutput(await session.run({ input: feed.float32(x.data, x.shape) }), "logits");
  await session.release();
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += crossEntropy(logits.data.subarray(4 * i, 4 * i + 4), y[i]);
  return sum / 5;
}

describe("TrainingSession", () => {
  it("one plain SGD step moves the weights by −lr × the gradient of the MEAN loss", async () => {
    const before = readParameters(model, ["fc1.weight", "fc1.bias"]);
    const w0 = before.get("fc1.weight")!.data;
    const b0 = before.get("fc1.bias")!.data;
    const session = await TrainingSession.create(model, {
      optimizer: { type: "sgd", momentum: 0 },
      intraOpThreads: 1,
    });
    const lr = 0.5;
    const result = await session.step(x, y, lr);
    expect(result.lossSum / 5).toBeCloseTo(await meanLoss(w0, b0), 5);
    const after = readParameters(session.toModel(), ["fc1.weight"]).get("fc1.weight")!.data;
    await session.release();
    for (const i of [0, 4, 11]) {
      const h = 1e-2;
      const up = w0.slice();
      up[i] += h;
      const down = w0.slice();
      down[i] -= h;
      const numeric = ((await meanLoss(up, b0)) - (await meanLoss(down, b0))) / (2 * h);
      expect((w0[i] - after[i]) / lr).toBeCloseTo(numeric, 3);
    }
  });

  it("snapshot and restore put the weights back; steps are counted", async () => {
    const session = await TrainingSession.create(model, { optimizer: { type: "adam" } });
    const saved = session.snapshot();
    await session.step(x, y, 0.1);
    await session.step(x, y, 0.1);
    expect(session.stepCount).toBe(2);
    const moved = readParameters(session.toModel(), ["fc1.bias"]).get("fc1.bias")!.data;
    expect(Array.from(moved)).not.toEqual(Array.from(saved.get("fc1.bias")!.data));
    session.restore(saved);
    const back = readParameters(session.toModel(), ["fc1.bias"]).get("fc1.bias")!.data;
    expect(Array.from(back)).toEqual(Array.from(saved.get("fc1.bias")!.data));
    const score = await session.evaluate(x, y);
    expect(score.loss).toBeCloseTo(
      await meanLoss(saved.get("fc1.weight")!.data, saved.get("fc1.bias")!.data),
      5,
    );
    await session.release();
  });

  it("refuses a parameter that is not a float initializer", async () => {
    await expect(
      TrainingSession.create(model, { optimizer: { type: "adam" }, parameters: ["nope"] }),
    ).rejects.toMatchObject({ code: "E_TRAINING" });
  });
});
