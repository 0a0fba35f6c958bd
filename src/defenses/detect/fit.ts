// Fits a detector on clean data: statistics from most of it, the threshold from a held-out
// share so that about `fpr` of unseen clean inputs are flagged.

import { dirname, relative, resolve } from "node:path";
import { MlsecError, type Rng, type Tensor, takeRows } from "../../core/index.js";
import {
  ActivationExtractor,
  type Activations,
  type ModelProto,
  penultimateLayer,
} from "../../onnx/index.js";
import { combineLayerScores, deterministicSqueezer, openDetector, sha256Hex } from "./detector.js";
import { ensembleLayers, type Features, featuresOf } from "./features.js";
import {
  DETECTOR_FORMAT,
  DETECTOR_VERSION,
  type DetectorFile,
  type DetectorFileInput,
  type DetectorKind,
  encodeFloat32,
  parseDetectorFile,
} from "./format.js";
import { medianPairDistance } from "./kernel-density.js";
import { fitMahalanobis } from "./mahalanobis.js";
import { hasDropout } from "./mc-dropout.js";

export interface FitOptions {
  readonly kind: DetectorKind;
  readonly rng: Rng;
  /** Share of flagged clean inputs the threshold aims at (default 0.05). */
  readonly fpr?: number;
  /** Share of the data held out to set the threshold (default 0.2). */
  readonly calibrationFraction?: number;
  /**
   * Layer outputs to use (default: Mahalanobis and LID every activation output and the
   * penultimate layer, as Lee et al. and Ma et al. do; KDE the penultimate layer).
   */
  readonly layers?: readonly string[];
  /** LID: neighbours (default 20) and reference samples kept (default 1000). */
  readonly k?: number;
  readonly references?: number;
  /** KDE: training samples kept per class (default 300) and bandwidth (default: median heuristic). */
  readonly perClass?: number;
  readonly bandwidth?: number;
  /**
   * KDE: MC-dropout passes for Feinman et al.'s Bayesian uncertainty, used when the model has
   * Dropout nodes (default 20; 0 = density only).
   */
  readonly mcPasses?: number;
  /** Squeeze: preprocessor specs (default bit-depth:1 and median:2, Xu et al.'s MNIST setting). */
  readonly squeezers?: readonly string[];
  readonly threads?: number;
  readonly batchSize?: number;
}

export interface FitInput {
  readonly model: ModelProto;
  readonly modelBytes: Uint8Array;
  readonly modelPath: string;
  /** Where the detector file will be written (the model path is stored relative to it). */
  readonly outPath: string;
  readonly x: Tensor;
  readonly y: Int32Array;
}

/** The threshold that flags at most `fpr` of the given clean scores (score > threshold). */
export function thresholdAtFpr(scores: Float32Array, fpr: number): number {
  const sorted = Float64Array.from(scores).sort();
  const keep = Math.ceil((1 - fpr) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, keep - 1))];
}

function split(n: number, fraction: number, rng: Rng) {
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const held = Math.max(1, Math.round(n * fraction));
  if (n - held < 2) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `fitting a detector needs more than ${held + 1} clean samples, got ${n}`,
    );
  }
  return { calibration: order.subarray(0, held), fit: order.subarray(held) };
}

function rowsOf(features: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++)
    out.set(features.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
  return out;
}

/** Statistics of one layer's clean features, in the detector file's encoding. */
function layerParams(
  kind: Exclude<DetectorKind, "squeeze">,
  f: Features,
  labels: Int32Array,
  classes: number,
  options: FitOptions,
) {
  const n = labels.length;
  const { dim } = f;
  switch (kind) {
    case "mahalanobis": {
      const p = fitMahalanobis(f.data, dim, labels, classes);
      return {
        shrinkage: p.shrinkage,
        means: encodeFloat32([classes, dim], p.means),
        precision: encodeFloat32([dim, dim], p.precision),
      };
    }
    case "lid": {
      const k = options.k ?? 20;
      const m = Math.min(n, options.references ?? 1000);
      if (k < 2 || k > m) {
        throw new MlsecError(
          "E_INVALID_ARGUMENT",
          `LID needs 2 <= k <= ${m} (the reference samples), got ${k}`,
        );
      }
      return { k, references: encodeFloat32([m, dim], f.data.slice(0, m * dim)) };
    }
    case "kde": {
      const perClass = options.perClass ?? 300;
      const byClass: number[][] = Array.from({ length: classes }, () => []);
      for (let i = 0; i < n; i++) {
        const c = labels[i];
        if (!(c >= 0 && c < classes)) {
          throw new MlsecError(
            "E_INVALID_ARGUMENT",
            `label ${c} is outside the model's ${classes} classes`,
          );
        }
        if (byClass[c].length < perClass) byClass[c].push(i);
      }
      const empty = byClass.findIndex((rows) => rows.length === 0);
      if (empty >= 0) {
        throw new MlsecError(
          "E_INVALID_ARGUMENT",
          `class ${empty} has no samples in the fitting data`,
          { hint: "Fit on clean data that holds every class." },
        );
      }
      const kept = rowsOf(f.data, dim, byClass.flat());
      return {
        bandwidth: options.bandwidth ?? medianPairDistance(kept, dim),
        counts: byClass.map((rows) => rows.length),
        features: encodeFloat32([kept.length / dim, dim], kept),
      };
    }
  }
}

async function fitLayers(input: FitInput, options: FitOptions, fitRows: Int32Array) {
  if (options.kind === "squeeze") {
    const squeezers = options.squeezers ?? ["bit-depth:1", "median:2"];
    for (const s of squeezers) deterministicSqueezer(s);
    return { squeezers: [...squeezers] };
  }
  const kind = options.kind;
  const names =
    options.layers ??
    (kind === "kde" ? [penultimateLayer(input.model)] : ensembleLayers(input.model));
  const extractor = await ActivationExtractor.create(input.model, names, {
    intraOpThreads: options.threads ?? 0,
    batchSize: options.batchSize ?? 256,
  });
  let out: Activations;
  try {
    out = await extractor.run(takeRows(input.x, fitRows));
  } finally {
    await extractor.release();
  }
  const labels = Int32Array.from(fitRows, (r) => input.y[r]);
  const classes = out.logits.shape[1];
  const passes = options.mcPasses ?? 20;
  if (passes === 1 || !Number.isInteger(passes) || passes < 0) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `MC dropout needs 0 (off) or at least 2 passes, got ${passes}`,
    );
  }
  const uncertainty =
    kind === "kde" && passes > 0 && hasDropout(input.model)
      ? { uncertainty: { passes, scoreMean: 0, scoreStd: 1 } }
      : {};
  return {
    ...uncertainty,
    layers: out.layers.map((activations, k) => ({
      name: names[k],
      scoreMean: 0,
      scoreStd: 1,
      ...layerParams(kind, featuresOf(activations), labels, classes, options),
    })),
  };
}

function meanStd(scores: Float32Array): { scoreMean: number; scoreStd: number } {
  let mean = 0;
  for (const v of scores) mean += v / scores.length;
  let variance = 0;
  for (const v of scores) variance += (v - mean) ** 2 / scores.length;
  const std = Math.sqrt(variance);
  // A layer whose clean scores do not vary is standardized by scale only.
  return { scoreMean: mean, scoreStd: std > 0 ? std : Math.max(Math.abs(mean), 1) };
}

/**
 * Fits a detector: layer statistics from most of the data, then, on the held-out share, each
 * layer's score mean and spread and the threshold that flags about `fpr` of clean inputs.
 */
export async function fitDetector(input: FitInput, options: FitOptions): Promise<DetectorFile> {
  const fpr = options.fpr ?? 0.05;
  if (!(fpr >= 0 && fpr < 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `fpr must lie in [0, 1), got ${fpr}`);
  }
  const n = input.y.length;
  if (input.x.shape[0] !== n) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `x has ${input.x.shape[0]} samples but y has ${n} labels`,
    );
  }
  const { calibration, fit } = split(n, options.calibrationFraction ?? 0.2, options.rng);
  const draft = {
    format: DETECTOR_FORMAT,
    version: DETECTOR_VERSION,
    kind: options.kind,
    threshold: 0,
    calibration: { fpr, samples: calibration.length },
    model: {
      path: relative(dirname(resolve(input.outPath)), resolve(input.modelPath)),
      sha256: sha256Hex(input.modelBytes),
    },
    ...(await fitLayers(input, options, fit)),
  } as DetectorFileInput;
  const parsed = parseDetectorFile(JSON.stringify(draft), "the fitted detector");
  const detector = await openDetector(parsed, input.model, options);
  let raw: Float32Array[];
  try {
    raw = await detector.layerScores(takeRows(input.x, calibration));
  } finally {
    await detector.dispose();
  }
  if (parsed.kind === "squeeze") return { ...parsed, threshold: thresholdAtFpr(raw[0], fpr) };
  const layers = parsed.layers.map((l, k) => ({ ...l, ...meanStd(raw[k]) }));
  if (parsed.kind === "kde" && parsed.uncertainty !== undefined) {
    const uncertainty = { ...parsed.uncertainty, ...meanStd(raw[layers.length]) };
    const threshold = thresholdAtFpr(combineLayerScores(raw, [...layers, uncertainty]), fpr);
    return { ...parsed, layers, uncertainty, threshold } as DetectorFile;
  }
  const threshold = thresholdAtFpr(combineLayerScores(raw, layers), fpr);
  return { ...parsed, layers, threshold } as DetectorFile;
}

/** The detector as JSON text (float arrays as base64), ready to write. */
export function serializeDetector(file: DetectorFile): string {
  const encode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(encode);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.data instanceof Float32Array && Array.isArray(o.shape)) {
        return encodeFloat32(o.shape as number[], o.data);
      }
      return Object.fromEntries(Object.entries(o).map(([key, value]) => [key, encode(value)]));
    }
    return v;
  };
  return `${JSON.stringify(encode(file))}\n`;
}
