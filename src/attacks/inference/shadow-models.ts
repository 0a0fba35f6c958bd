// Shadow models for membership inference (Shokri et al. 2017, "Membership Inference Attacks
// Against Machine Learning Models", §IV.B): copies of the target's architecture, freshly
// initialised and trained with mlsec's trainer on data the attacker owns — drawn from the same
// distribution as the target's training set but disjoint from it. Each shadow model trains on a
// random half of that data, so every shadow point is "in" for some models and "out" for others.

import {
  type Classifier,
  MlsecError,
  type ProgressListener,
  type Rng,
  takeRows,
} from "../../core/index.js";
import { heUniform, zeros } from "../../onnx/architectures/index.js";
import { type ModelProto, OnnxClassifier } from "../../onnx/index.js";
import { type OptimizerConfig, train, trainableParameterNames } from "../../onnx/trainer/index.js";
import type { LabelledSamples } from "./audit.js";

export interface ShadowTrainingOptions {
  /** Number of shadow models (default 4). */
  readonly count?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly optimizer?: OptimizerConfig;
  readonly rng: Rng;
  readonly intraOpThreads?: number;
  readonly onProgress?: ProgressListener;
}

export interface ShadowModel {
  readonly classifier: Classifier & { release(): Promise<void> };
  /** inSet[i] = 1 when shadow sample i was in this model's training half. */
  readonly inSet: Uint8Array;
}

/** The model with every trainable parameter re-drawn (He-uniform weights, zero biases). */
export function reinitialise(model: ModelProto, rng: Rng): ModelProto {
  const names = new Set(trainableParameterNames(model));
  const graph = model.graph!;
  return {
    ...model,
    graph: {
      ...graph,
      initializer: graph.initializer.map((t) => {
        const name = t.name ?? "";
        if (!names.has(name)) return t;
        const dims = t.dims.map(Number);
        if (dims.length < 2) return zeros(name, dims);
        // mlsec's layouts (Gemm transB [out, in], Conv [out, in, ...k]): fan-in is all but dim 0.
        return heUniform(
          name,
          dims,
          dims.slice(1).reduce((a, b) => a * b, 1),
          rng,
        );
      }),
    },
  };
}

/** Trains `count` shadow models of the target's architecture on random halves of `data`. */
export async function trainShadowModels(
  architecture: ModelProto,
  data: LabelledSamples,
  options: ShadowTrainingOptions,
): Promise<ShadowModel[]> {
  const count = options.count ?? 4;
  const n = data.y.length;
  if (!Number.isInteger(count) || count < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `shadow model count must be >= 1, got ${count}`);
  }
  if (n < 4) {
    throw new MlsecError("E_INVALID_ARGUMENT", `shadow data needs at least 4 samples, got ${n}`, {
      hint: "Supply labelled samples from the target's distribution that it was not trained on.",
    });
  }
  const models: ShadowModel[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const order = options.rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const inRows = order.subarray(0, Math.floor(n / 2));
      const inSet = new Uint8Array(n);
      for (const r of inRows) inSet[r] = 1;
      const trained = await train(
        reinitialise(architecture, options.rng),
        { x: takeRows(data.x, inRows), y: Int32Array.from(inRows, (r) => data.y[r]) },
        {
          epochs: options.epochs ?? 10,
          batchSize: options.batchSize ?? 64,
          learningRate: options.learningRate ?? 0.001,
          optimizer: options.optimizer ?? { type: "adam" },
          rng: options.rng.fork(),
          intraOpThreads: options.intraOpThreads,
          onProgress: (e) =>
            options.onProgress?.({ ...e, task: `shadow model ${k + 1}/${count}: ${e.task}` }),
        },
      );
      models.push({ classifier: await OnnxClassifier.create(trained.model), inSet });
    }
  } catch (error) {
    await Promise.all(models.map((m) => m.classifier.release()));
    throw error;
  }
  return models;
}
