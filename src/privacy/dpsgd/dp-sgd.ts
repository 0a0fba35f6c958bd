// DP-SGD (Abadi et al. 2016, "Deep Learning with Differential Privacy", Alg. 1) on the ONNX
// trainer: Poisson-sampled batches of expected size B = qN, each example's gradient clipped to
// norm C, Gaussian noise N(0, σ²C²) added to the sum, divided by B, then an optimiser step. The
// privacy spent is the composition of the subsampled Gaussian mechanism over the steps, tracked
// by the accountants of ../accounting (RDP or PLD) and reported after every epoch. The noise is
// drawn from the seeded RNG so runs are repeatable (like Opacus without secure_mode, it is not
// hardened against floating-point attacks on the sampler).

import {
  firstNonFinite,
  MlsecError,
  noProgress,
  type ProgressListener,
  type Rng,
  takeRows,
} from "../../core/index.js";
import { type ModelProto, OrtSession } from "../../onnx/index.js";
import {
  createOptimizer,
  type Dataset,
  type LossAccuracy,
  type OptimizerConfig,
  parametersAsInputs,
  readParameters,
  scoreBatches,
  trainableParameterNames,
  writeParameters,
} from "../../onnx/trainer/index.js";
import type { AccountantKind } from "../accounting/index.js";
import { createAccountant, dpSgdEvent } from "../accounting/index.js";
import { createClippedGradientEngine, type GradientMethod } from "./clipped-gradient.js";
import { poissonSample } from "./poisson.js";

export interface DpSgdOptions {
  readonly epochs: number;
  /** Expected batch size B: the sampling rate is B / N. */
  readonly batchSize: number;
  readonly noiseMultiplier: number;
  readonly clipNorm: number;
  readonly delta: number;
  readonly learningRate: number;
  readonly optimizer: OptimizerConfig;
  readonly rng: Rng;
  readonly accountant?: AccountantKind;
  readonly validation?: Dataset;
  readonly gradientMethod?: GradientMethod;
  /** Largest batch sent to onnxruntime at once (a larger Poisson batch is split). */
  readonly physicalBatchSize?: number;
  readonly intraOpThreads?: number;
  readonly onProgress?: ProgressListener;
  readonly onEpoch?: (stats: DpEpochStats) => void;
}

export interface DpEpochStats {
  readonly epoch: number;
  readonly steps: number;
  /** Mean loss and accuracy over the examples sampled in the epoch (before each update). */
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** ε spent by all steps so far, at the run's δ. */
  readonly epsilon: number;
  /** Fraction of sampled examples whose gradient norm exceeded C (and was scaled down). */
  readonly clippedFraction: number;
  readonly seconds: number;
}

export interface DpSgdResult {
  readonly model: ModelProto;
  readonly history: readonly DpEpochStats[];
  readonly samplingRate: number;
  readonly steps: number;
  readonly epsilon: number;
  readonly delta: number;
  readonly accountant: AccountantKind;
  readonly gradientMethod: "in-graph" | "per-example-loop";
  readonly fallbackReason?: string;
  readonly validation?: LossAccuracy;
  /** Examples processed per second of training (sampling, gradients, noise, update). */
  readonly examplesPerSecond: number;
  readonly seconds: number;
}

function check(o: DpSgdOptions, n: number): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) {
      throw new MlsecError("E_INVALID_ARGUMENT", `${name} must be a positive integer, got ${v}`);
    }
  };
  positiveInt("epochs", o.epochs);
  positiveInt("batch size", o.batchSize);
  if (o.physicalBatchSize !== undefined) positiveInt("physical batch size", o.physicalBatchSize);
  if (o.batchSize > n) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `the expected batch size ${o.batchSize} exceeds the ${n} training examples`,
    );
  }
  const positive = (name: string, v: number) => {
    if (!(v > 0 && Number.isFinite(v))) {
      throw new MlsecError("E_INVALID_ARGUMENT", `${name} must be a finite number > 0, got ${v}`);
    }
  };
  positive("the noise multiplier", o.noiseMultiplier);
  positive("the clipping norm", o.clipNorm);
  positive("the learning rate", o.learningRate);
  if (!(o.delta > 0 && o.delta < 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `delta must be in (0, 1), got ${o.delta}`);
  }
}

/** ε of `steps` DP-SGD steps at sampling rate q and noise multiplier σ. */
export function dpSgdEpsilon(
  q: number,
  sigma: number,
  steps: number,
  delta: number,
  accountant: AccountantKind = "rdp",
): number {
  return createAccountant(accountant)
    .compose(dpSgdEvent(q, sigma, steps))
    .getEpsilon(delta).epsilon;
}

/** Trains every float parameter of `model` with DP-SGD; returns the model and the ε spent. */
export async function trainDpSgd(
  model: ModelProto,
  data: Dataset,
  options: DpSgdOptions,
): Promise<DpSgdResult> {
  const n = data.y.length;
  check(options, n);
  const bad = firstNonFinite(data.x.data);
  if (bad >= 0) {
    throw new MlsecError(
      "E_NON_FINITE",
      `the training features hold ${data.x.data[bad]} at flat index ${bad}`,
    );
  }
  const started = performance.now();
  const names = trainableParameterNames(model);
  const params = readParameters(model, names);
  const threads = options.intraOpThreads ?? 0;
  const engine = await createClippedGradientEngine(model, names, options.gradientMethod, threads);
  const evalSession = options.validation
    ? await OrtSession.create(parametersAsInputs(model, names), { intraOpThreads: threads })
    : undefined;
  try {
    const optimizer = createOptimizer(options.optimizer);
    const q = options.batchSize / n;
    const stepsPerEpoch = Math.ceil(n / options.batchSize);
    const physical = options.physicalBatchSize ?? 512;
    const kind = options.accountant ?? "rdp";
    const { noiseMultiplier: sigma, clipNorm } = options;
    const onProgress = options.onProgress ?? noProgress;
    const history: DpEpochStats[] = [];
    const inputName = model.graph!.input.find((v) => !names.includes(v.name ?? ""))?.name ?? "";
    const logitsName = model.graph!.output[0].name ?? "";
    let examples = 0;
    let validation: LossAccuracy | undefined;
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let clipped = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const rows = poissonSample(n, q, options.rng);
        const grads = new Map<string, Float32Array>();
        for (const name of names) grads.set(name, new Float32Array(params.get(name)!.data.length));
        // Equal chunks (not physical + remainder) keep every onnxruntime call well filled.
        const chunkSize = Math.ceil(rows.length / Math.max(1, Math.ceil(rows.length / physical)));
        for (let start = 0; start < rows.length; start += chunkSize) {
          const chunk = rows.subarray(start, Math.min(rows.length, start + chunkSize));
          const out = await engine.compute(
            takeRows(data.x, chunk),
            Int32Array.from(chunk, (r) => data.y[r]),
            params,
            clipNorm,
          );
          for (const [name, sum] of out.sums) {
            const g = grads.get(name)!;
            for (let j = 0; j < g.length; j++) g[j] += sum[j];
          }
          lossSum += out.lossSum;
          correct += out.correct;
          for (const norm of out.norms) if (norm > clipNorm) clipped += 1;
        }
        seen += rows.length;
        // Noise on the sum, then the mean over the EXPECTED batch size (the sensitivity-1/B form
        // that the accountant's subsampled-Gaussian analysis covers).
        const std = sigma * clipNorm;
        const scale = 1 / options.batchSize;
        for (const g of grads.values()) {
          for (let j = 0; j < g.length; j++) g[j] = (g[j] + std * options.rng.normal()) * scale;
        }
        optimizer.step(params, grads, options.learningRate);
        for (const [name, p] of params) {
          if (firstNonFinite(p.data) >= 0) {
            throw new MlsecError(
              "E_TRAINING",
              `DP-SGD diverged: parameter "${name}" became NaN or infinite (epoch ${epoch})`,
              { hint: "Lower the learning rate or the clipping norm." },
            );
          }
        }
        onProgress({ task: `epoch ${epoch}/${options.epochs}`, done: s + 1, total: stepsPerEpoch });
      }
      examples += seen;
      validation =
        evalSession && options.validation
          ? await scoreBatches(
              evalSession,
              { input: inputName, logits: logitsName },
              params,
              options.validation.x,
              options.validation.y,
              512,
            )
          : undefined;
      const stats: DpEpochStats = {
        epoch,
        steps: epoch * stepsPerEpoch,
        trainLoss: lossSum / Math.max(1, seen),
        trainAccuracy: correct / Math.max(1, seen),
        ...(validation ? { valLoss: validation.loss, valAccuracy: validation.accuracy } : {}),
        epsilon: dpSgdEpsilon(q, sigma, epoch * stepsPerEpoch, options.delta, kind),
        clippedFraction: clipped / Math.max(1, seen),
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(stats);
      options.onEpoch?.(stats);
    }
    const seconds = (performance.now() - started) / 1000;
    const last = history[history.length - 1];
    return {
      model: writeParameters(model, params),
      history,
      samplingRate: q,
      steps: last.steps,
      epsilon: last.epsilon,
      delta: options.delta,
      accountant: kind,
      gradientMethod: engine.method,
      ...(engine.fallbackReason === undefined ? {} : { fallbackReason: engine.fallbackReason }),
      ...(validation ? { validation } : {}),
      examplesPerSecond: examples / seconds,
      seconds,
    };
  } finally {
    await engine.release();
    await evalSession?.release();
  }
}
