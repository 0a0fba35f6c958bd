// A detector file opened against its model: the scoring object the CLI and the serving gateway
// use. One score per sample, higher = more anomalous, flagged when score > threshold.

import { createHash } from "node:crypto";
import { dirname, isAbsolute, resolve } from "node:path";
import {
  argmaxRows,
  createRng,
  firstNonFinite,
  MlsecError,
  readFileBounded,
  type Tensor,
} from "../../core/index.js";
import {
  ActivationExtractor,
  loadModel,
  type ModelProto,
  OnnxClassifier,
} from "../../onnx/index.js";
import { type Preprocessor, parsePreprocessor } from "../preprocess/index.js";
import { type Features, featuresOf } from "./features.js";
import { type DetectorFile, MAX_DETECTOR_BYTES, parseDetectorFile } from "./format.js";
import { kernelDensityScores } from "./kernel-density.js";
import { lidScores } from "./lid.js";
import { mahalanobisScores } from "./mahalanobis.js";
import { McDropout } from "./mc-dropout.js";
import { squeezeScores } from "./squeeze.js";

/** The contract the serving gateway codes against. */
export interface InputDetector {
  readonly kind: string;
  readonly threshold: number;
  /** One score per sample of batch (shape [N, ...input shape]); higher = more anomalous. */
  score(batch: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  dispose?(): Promise<void>;
}

/** An InputDetector that also exposes the guarded model's predictions. */
export interface ModelDetector extends InputDetector {
  readonly inputShape: readonly number[];
  /** Logits of the guarded model, [N, C]. */
  predict(x: Tensor): Promise<Tensor>;
  /** Unstandardized scores per ensemble layer (one entry for feature squeezing). */
  layerScores(x: Tensor): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface OpenOptions {
  readonly threads?: number;
  readonly batchSize?: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function checkBatch(
  batch: Float32Array,
  shape: readonly number[],
  inputShape: readonly number[],
): Tensor {
  const expected = [shape[0], ...inputShape];
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `batch has shape [${shape}], the detector's model expects [N, ${inputShape.join(", ")}]`,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(shape[0]) || shape[0] < 0 || batch.length !== size) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `shape [${shape}] needs ${size} values, got ${batch.length}`,
    );
  }
  const bad = firstNonFinite(batch);
  if (bad >= 0) throw new MlsecError("E_NON_FINITE", `batch value ${bad} is ${batch[bad]}`);
  return { shape: [...shape], data: batch };
}

/** A squeezer named in a detector file; randomized preprocessors have no place in one. */
export function deterministicSqueezer(spec: string): Preprocessor {
  let squeezer: Preprocessor;
  try {
    squeezer = parsePreprocessor(spec);
  } catch (error) {
    throw new MlsecError("E_DETECTOR_FORMAT", `squeezer "${spec}": ${(error as Error).message}`);
  }
  if (squeezer.randomized) {
    throw new MlsecError(
      "E_DETECTOR_FORMAT",
      `squeezer "${spec}" is randomized; squeezers must be deterministic`,
    );
  }
  return squeezer;
}

/** Largest standardized layer score per sample: max over layers of (s − mean) / std. */
export function combineLayerScores(
  raw: readonly Float32Array[],
  stats: readonly { readonly scoreMean: number; readonly scoreStd: number }[],
): Float32Array {
  const out = new Float32Array(raw[0]?.length ?? 0).fill(Number.NEGATIVE_INFINITY);
  raw.forEach((scores, k) => {
    const { scoreMean, scoreStd } = stats[k];
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.max(out[i], (scores[i] - scoreMean) / scoreStd);
    }
  });
  return out;
}

type FeatureFile = Exclude<DetectorFile, { kind: "squeeze" }>;

/** Raw (unstandardized) scores of one layer's features. */
function layerScorer(
  file: FeatureFile,
  k: number,
): { dim: number; score(f: Features, predicted: Int32Array): Float32Array } {
  switch (file.kind) {
    case "mahalanobis": {
      const l = file.layers[k];
      const [classes, dim] = l.means.shape;
      const params = {
        classes,
        dim,
        means: l.means.data,
        precision: l.precision.data,
        shrinkage: l.shrinkage,
      };
      return { dim, score: (f) => mahalanobisScores(params, f.data) };
    }
    case "lid": {
      const l = file.layers[k];
      const dim = l.references.shape[1];
      return {
        dim,
        score: (f) => lidScores({ dim, references: l.references.data, k: l.k }, f.data),
      };
    }
    case "kde": {
      const l = file.layers[k];
      const dim = l.features.shape[1];
      const params = {
        classes: l.counts.length,
        dim,
        bandwidth: l.bandwidth,
        features: l.features.data,
        counts: l.counts,
      };
      return { dim, score: (f, predicted) => kernelDensityScores(params, f.data, predicted) };
    }
  }
}

async function openSqueeze(
  file: Extract<DetectorFile, { kind: "squeeze" }>,
  model: ModelProto,
  session: { intraOpThreads: number; batchSize: number },
): Promise<ModelDetector> {
  const classifier = await OnnxClassifier.create(model, session);
  const squeezers = file.squeezers.map(deterministicSqueezer);
  const unused = createRng(0);
  const predict = (x: Tensor) => classifier.predictUnchecked(x);
  const layerScores = async (x: Tensor) => {
    const squeezed: Tensor[] = [];
    for (const s of squeezers) squeezed.push(await predict(s.apply(x, classifier.bounds, unused)));
    return [squeezeScores(await predict(x), squeezed)];
  };
  return {
    kind: file.kind,
    threshold: file.threshold,
    inputShape: classifier.inputShape,
    predict,
    layerScores,
    async score(batch, shape) {
      return (await layerScores(checkBatch(batch, shape, classifier.inputShape)))[0];
    },
    dispose: () => classifier.release(),
  };
}

/** Opens a parsed detector against an already loaded model (its hash is the caller's check). */
export async function openDetector(
  file: DetectorFile,
  model: ModelProto,
  options: OpenOptions = {},
): Promise<ModelDetector> {
  const session = { intraOpThreads: options.threads ?? 0, batchSize: options.batchSize ?? 256 };
  if (file.kind === "squeeze") return openSqueeze(file, model, session);
  const names = file.layers.map((l) => l.name);
  const extractor = await ActivationExtractor.create(model, names, session);
  const scorers = file.layers.map((_, k) => layerScorer(file, k));
  const uncertainty = file.kind === "kde" ? file.uncertainty : undefined;
  const dropout =
    uncertainty === undefined
      ? undefined
      : await McDropout.create(model, uncertainty.passes, session);
  const stats = uncertainty === undefined ? file.layers : [...file.layers, uncertainty];
  const layerScores = async (x: Tensor) => {
    const out = await extractor.run(x);
    const predicted = argmaxRows(out.logits);
    const raw = out.layers.map((activations, k) => {
      const f = featuresOf(activations);
      if (f.dim !== scorers[k].dim) {
        throw new MlsecError(
          "E_DETECTOR_FORMAT",
          `layer "${names[k]}" has ${f.dim} features but the detector was fitted on ${scorers[k].dim}`,
        );
      }
      return scorers[k].score(f, predicted);
    });
    if (dropout !== undefined) raw.push(await dropout.uncertainty(x));
    return raw;
  };
  return {
    kind: file.kind,
    threshold: file.threshold,
    inputShape: extractor.inputShape,
    predict: async (x) => (await extractor.run(x)).logits,
    layerScores,
    async score(batch, shape) {
      const raw = await layerScores(checkBatch(batch, shape, extractor.inputShape));
      return combineLayerScores(raw, stats);
    },
    async dispose() {
      await extractor.release();
      await dropout?.release();
    },
  };
}

/** Where a detector file's model lives: its recorded path, relative to the detector file. */
export function modelPathOf(file: DetectorFile, detectorPath: string): string {
  return isAbsolute(file.model.path)
    ? file.model.path
    : resolve(dirname(detectorPath), file.model.path);
}

/** Reads a detector file, checks its model's SHA-256 and opens it for scoring. */
export async function loadDetector(
  path: string,
  options: OpenOptions = {},
): Promise<ModelDetector> {
  const bytes = await readFileBounded(path, MAX_DETECTOR_BYTES);
  const file = parseDetectorFile(new TextDecoder().decode(bytes), path);
  const modelPath = modelPathOf(file, path);
  const modelBytes = await readFileBounded(modelPath);
  if (sha256Hex(modelBytes) !== file.model.sha256) {
    throw new MlsecError(
      "E_DETECTOR_FORMAT",
      `the model ${modelPath} has changed since the detector ${path} was fitted (SHA-256 differs)`,
    );
  }
  const model = await loadModel(modelPath);
  return openDetector(file, model, options);
}
