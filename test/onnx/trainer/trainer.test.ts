import { describe, expect, it } from "vitest";
import { createRng, type ProgressEvent, type Tensor } from "../../../src/core/index.js";
import { buildCnn, buildMlp } from "../../../src/onnx/architectures/index.js";
import { encodeModel, OnnxClassifier, parseModel } from "../../../src/onnx/index.js";
import { type Dataset, readParameters, train } from "../../../src/onnx/trainer/index.js";

/** Three Gaussian blobs in 2-D, centres on a triangle. */
function blobs(n: number, seed: number): Dataset {
  const rng = createRng(seed);
  const centres = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[2 * i] = centres[c][0] + 0.5 * rng.normal();
    x[2 * i + 1] = centres[c][1] + 0.5 * rng.normal();
  }
  return { x: { shape: [n, 2], data: x }, y };
}

async function accuracy(model: ReturnType<typeof buildMlp>, data: Dataset) {
  // Round trip through bytes: the saved file must be an ordinary model onnxruntime loads.
  const classifier = await OnnxClassifier.create(parseModel(encodeModel(model)));
  const logits: Tensor = await classifier.predict(data.x);
  const c = logits.shape[1];
  let right = 0;
  for (let i = 0; i < data.y.length; i++) {
    const row = Array.from(logits.data.subarray(i * c, (i + 1) * c));
    if (row.indexOf(Math.max(...row)) === data.y[i]) right++;
  }
  return right / data.y.length;
}

const mlp = (seed = 0) =>
  buildMlp({ inputShape: [2], numClasses: 3, hidden: [16], rng: createRng(seed) });
const trainSet = blobs(240, 1);
const valSet = blobs(90, 2);

describe("train", () => {
  it("fits an mlp with Adam; the saved model agrees with the reported validation accuracy", async () => {
    const epochs: number[] = [];
    const result = await train(mlp(), trainSet, {
      epochs: 8,
      batchSize: 16,
      learningRate: 0.02,
      optimizer: { type: "adam" },
      rng: createRng(5),
      validation: valSet,
      onEpoch: (s) => epochs.push(s.trainLoss),
      intraOpThreads: 1,
    });
    expect(result.history).toHaveLength(8);
    expect(epochs[7]).toBeLessThan(epochs[0] / 2);
    expect(result.validation!.accuracy).toBeGreaterThan(0.9);
    expect(await accuracy(result.model, valSet)).toBeCloseTo(result.validation!.accuracy, 10);
    expect(result.stoppedEarly).toBe(false);
    expect(result.epoch).toBe(8);
  });

  it("trains with SGD + Nesterov momentum and a cosine schedule", async () => {
    const result = await train(mlp(), trainSet, {
      epochs: 6,
      batchSize: 32,
      learningRate: 0.1,
      optimizer: { type: "sgd", momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
      schedule: { type: "cosine", warmupEpochs: 1 },
      rng: createRng(5),
      validation: valSet,
      intraOpThreads: 1,
    });
    expect(result.validation!.accuracy).toBeGreaterThan(0.9);
    expect(result.history[5].learningRate).toBeLessThan(0.01);
  });

  it("is repeatable: same seeds, same weights; another shuffle seed, other weights", async () => {
    const run = (seed: number) =>
      train(mlp(), trainSet, {
        epochs: 2,
        batchSize: 32,
        learningRate: 0.05,
        optimizer: { type: "sgd" },
        rng: createRng(seed),
        intraOpThreads: 1,
      });
    const weights = async (seed: number) =>
      readParameters((await run(seed)).model, ["fc1.weight"]).get("fc1.weight")!.data;
    const a = await weights(1);
    expect(Array.from(await weights(1))).toEqual(Array.from(a));
    expect(Array.from(await weights(2))).not.toEqual(Array.from(a));
  });

  it("reports progress once per mini-batch (the last batch may be partial)", async () => {
    const events: ProgressEvent[] = [];
    await train(mlp(), trainSet, {
      epochs: 2,
      batchSize: 100,
      learningRate: 0.01,
      optimizer: { type: "adam" },
      rng: createRng(0),
      onProgress: (e) => events.push(e),
      intraOpThreads: 1,
    });
    expect(events.map((e) => `${e.task}:${e.done}/${e.total}`)).toEqual([
      "epoch 1/2:1/3",
      "epoch 1/2:2/3",
      "epoch 1/2:3/3",
      "epoch 2/2:1/3",
      "epoch 2/2:2/3",
      "epoch 2/2:3/3",
    ]);
  });

  it("stops early when validation loss stops improving and restores the best weights", async () => {
    // Validation labels are shifted, so the better the model fits, the worse validation gets.
    const shifted = { x: valSet.x, y: valSet.y.map((c) => (c + 1) % 3) };
    const result = await train(mlp(), trainSet, {
      epochs: 20,
      batchSize: 16,
      learningRate: 0.02,
      optimizer: { type: "adam" },
      rng: createRng(0),
      validation: shifted,
      earlyStopping: { patience: 2 },
      intraOpThreads: 1,
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(20);
    expect(result.history.length).toBe(result.epoch + 2);
    const best = result.history[result.epoch - 1];
    expect(Math.min(...result.history.map((h) => h.valLoss!))).toBe(best.valLoss);
    expect(result.validation).toEqual({ loss: best.valLoss, accuracy: best.valAccuracy });
    expect(await accuracy(result.model, shifted)).toBeCloseTo(best.valAccuracy!, 10);
  });

  it("detects divergence to NaN/Infinity as E_TRAINING", async () => {
    const huge = {
      x: { shape: [30, 2], data: new Float32Array(60).fill(1e18) },
      y: trainSet.y.slice(0, 30),
    };
    await expect(
      train(mlp(), huge, {
        epochs: 3,
        batchSize: 10,
        learningRate: 1e10,
        optimizer: { type: "sgd", momentum: 0 },
        rng: createRng(0),
        intraOpThreads: 1,
      }),
    ).rejects.toMatchObject({ code: "E_TRAINING", message: expect.stringMatching(/diverged/) });
  });

  it("rejects inconsistent configurations and data with typed errors", async () => {
    const base = {
      epochs: 1,
      batchSize: 8,
      learningRate: 0.01,
      optimizer: { type: "adam" } as const,
      rng: createRng(0),
    };
    await expect(
      train(mlp(), trainSet, { ...base, earlyStopping: { patience: 1 } }),
    ).rejects.toMatchObject({
      code: "E_TRAINING",
    });
    await expect(train(mlp(), trainSet, { ...base, batchSize: 0 })).rejects.toMatchObject({
      code: "E_TRAINING",
    });
    await expect(
      train(mlp(), trainSet, { ...base, learningRate: Number.NaN }),
    ).rejects.toMatchObject({
      code: "E_TRAINING",
    });
    const badLabels = { x: trainSet.x, y: trainSet.y.map((c) => c + 1) };
    await expect(train(mlp(), badLabels, base)).rejects.toMatchObject({
      code: "E_INVALID_ARGUMENT",
    });
    const nan = { x: { shape: [1, 2], data: Float32Array.of(0, Number.NaN) }, y: Int32Array.of(0) };
    await expect(train(mlp(), nan, base)).rejects.toMatchObject({ code: "E_NON_FINITE" });
    const empty = { x: { shape: [0, 2], data: new Float32Array(0) }, y: new Int32Array(0) };
    await expect(train(mlp(), empty, base)).rejects.toMatchObject({ code: "E_TRAINING" });
    const wide = { x: { shape: [2, 3], data: new Float32Array(6) }, y: Int32Array.of(0, 1) };
    await expect(train(mlp(), wide, base)).rejects.toMatchObject({ code: "E_SHAPE_MISMATCH" });
  });

  it("trains the cnn architecture on tiny images (bars: horizontal vs vertical)", async () => {
    const rng = createRng(3);
    const n = 64;
    const x = new Float32Array(n * 12 * 12);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      const at = 2 + rng.int(8);
      for (let k = 0; k < 12; k++) {
        const [r, c] = y[i] === 0 ? [at, k] : [k, at];
        x[i * 144 + r * 12 + c] = 1;
      }
    }
    const data = { x: { shape: [n, 1, 12, 12], data: x }, y };
    const cnn = buildCnn({
      inputShape: [1, 12, 12],
      numClasses: 2,
      hidden: 8,
      filters: [4, 8],
      rng: createRng(0),
    });
    const result = await train(cnn, data, {
      epochs: 10,
      batchSize: 16,
      learningRate: 0.01,
      optimizer: { type: "adam" },
      rng: createRng(0),
      validation: data,
      intraOpThreads: 1,
    });
    expect(result.validation!.accuracy).toBe(1);
  });
});
