// Mini-batch training of an ONNX classifier over parameter gradients computed by an autodiff
// ONNX graph (one cached onnxruntime session per run; current weights are fed as inputs each
// step). Early stopping after Prechelt 1998, "Early Stopping — But When?" (patience rule).

import {
  firstNonFinite,
  MlsecError,
  noProgress,
  type ProgressListener,
  type Rng,
  type Tensor,
  takeRows,
} from "../../core/index.js";
import { type ModelProto, tensorTypeOf } from "../ir.js";
import type { OptimizerConfig, Parameter } from "./optimizer.js";
import { type LrSchedule, learningRate, validateSchedule } from "./schedule.js";
import { TrainingSession } from "./training-session.js";
import type { LossAccuracy } from "./validation.js";

/** Features [N, ...] and integer class labels [N] (the shape of `loadDataset` from src/data). */
export interface Dataset {
  readonly x: Tensor;
  readonly y: Int32Array;
}

export interface EarlyStopping {
  /** What to watch on the validation set (default "val-loss"). */
  readonly monitor?: "val-loss" | "val-accuracy";
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** Smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  readonly restoreBest?: boolean;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Base (peak) learning rate. */
  readonly learningRate: number;
  readonly optimizer: OptimizerConfig;
  readonly schedule?: LrSchedule;
  /** Shuffles the training set every epoch. */
  readonly rng: Rng;
  readonly validation?: Dataset;
  readonly earlyStopping?: EarlyStopping;
  /** Initializers to train (default: every float initializer but BatchNorm statistics). */
  readonly parameters?: readonly string[];
  readonly onProgress?: ProgressListener;
  /** Called after every epoch with its statistics. */
  readonly onEpoch?: (stats: EpochStats) => void;
  /** onnxruntime threads per operator (0 = one per core). */
  readonly intraOpThreads?: number;
  /** Batch size for evaluation (default 512). */
  readonly evalBatchSize?: number;
}

export interface EpochStats {
  /** 1-based. */
  readonly epoch: number;
  /** Mean training loss and accuracy over the epoch's mini-batches (weights changing). */
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** Learning rate of the epoch's last step. */
  readonly learningRate: number;
  readonly seconds: number;
}

export interface TrainResult {
  /** The trained model: the input model with its parameters replaced. */
  readonly model: ModelProto;
  readonly history: readonly EpochStats[];
  /** Epoch whose weights the model holds (the last one, or the best with early stopping). */
  readonly epoch: number;
  readonly stoppedEarly: boolean;
  readonly validation?: LossAccuracy;
  readonly seconds: number;
}

function checkOptions(o: TrainOptions): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) {
      throw new MlsecError("E_TRAINING", `${name} must be a positive integer, got ${v}`);
    }
  };
  positiveInt("epochs", o.epochs);
  positiveInt("batch size", o.batchSize);
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) {
    throw new MlsecError("E_TRAINING", `the learning rate must be > 0, got ${o.learningRate}`);
  }
  if (o.schedule) validateSchedule(o.schedule);
  if (o.earlyStopping) {
    positiveInt("early-stopping patience", o.earlyStopping.patience);
    if (o.validation === undefined) {
      throw new MlsecError("E_TRAINING", "early stopping needs a validation set", {
        hint: "Pass a validation set (--val) or drop the patience option.",
      });
    }
  }
}

/** Per-sample shape and class count the model declares, checked against a dataset. */
function checkData(model: ModelProto, data: Dataset, role: string): number {
  const graph = model.graph!;
  const initNames = new Set(graph.initializer.map((t) => t.name));
  const input = graph.input.find((v) => !initNames.has(v.name));
  const output = graph.output[0];
  const inType = input && tensorTypeOf(input);
  const outType = output && tensorTypeOf(output);
  const classes = outType?.shape?.[1];
  if (typeof classes !== "number") {
    throw new MlsecError(
      "E_TRAINING",
      "the model's first output must be logits of shape [N, classes] with a fixed class count",
    );
  }
  const sample = data.x.shape.slice(1);
  const expected = inType?.shape?.slice(1) ?? [];
  if (
    inType?.shape &&
    (expected.length !== sample.length ||
      expected.some((d, i) => typeof d === "number" && d !== sample[i]))
  ) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the ${role} samples have shape [${sample}], the model expects [${expected.map((d) => (typeof d === "number" ? d : "?"))}]`,
    );
  }
  if (data.x.shape[0] !== data.y.length) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the ${role} set has ${data.x.shape[0]} samples and ${data.y.length} labels`,
    );
  }
  if (data.y.length === 0) throw new MlsecError("E_TRAINING", `the ${role} set is empty`);
  const bad = firstNonFinite(data.x.data);
  if (bad >= 0) {
    throw new MlsecError(
      "E_NON_FINITE",
      `the ${role} features hold ${data.x.data[bad]} at flat index ${bad}`,
    );
  }
  for (let i = 0; i < data.y.length; i++) {
    if (!(data.y[i] >= 0 && data.y[i] < classes)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `${role} label ${data.y[i]} at row ${i} is outside [0, ${classes}) for a ${classes}-class model`,
      );
    }
  }
  return classes;
}

/** Trains the model's parameters on `data`; returns the trained model and per-epoch history. */
export async function train(
  model: ModelProto,
  data: Dataset,
  options: TrainOptions,
): Promise<TrainResult> {
  checkOptions(options);
  if (model.graph === undefined)
    throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no graph");
  checkData(model, data, "training");
  if (options.validation) checkData(model, options.validation, "validation");
  const started = performance.now();
  const session = await TrainingSession.create(model, options);
  try {
    const schedule = options.schedule ?? { type: "constant" };
    const n = data.y.length;
    const stepsPerEpoch = Math.ceil(n / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const onProgress = options.onProgress ?? noProgress;
    const history: EpochStats[] = [];
    const stop = options.earlyStopping;
    const monitorAccuracy = stop?.monitor === "val-accuracy";
    let best: { score: number; epoch: number; params: Map<string, Parameter> } | undefined;
    let stoppedEarly = false;
    let step = 0;
    let lr = options.learningRate;

    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      options.rng.shuffle(order);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < stepsPerEpoch; b++, step++) {
        const rows = order.subarray(
          b * options.batchSize,
          Math.min(n, (b + 1) * options.batchSize),
        );
        const yb = Int32Array.from(rows, (r) => data.y[r]);
        lr = learningRate(schedule, options.learningRate, { step, stepsPerEpoch, totalSteps });
        const result = await session.step(takeRows(data.x, rows), yb, lr).catch((e: unknown) => {
          throw inEpoch(e, epoch);
        });
        lossSum += result.lossSum;
        correct += result.correct;
        onProgress({
          task: `epoch ${epoch}/${options.epochs}`,
          done: b + 1,
          total: stepsPerEpoch,
          message: `loss ${(result.lossSum / rows.length).toFixed(4)}`,
        });
      }
      const val = options.validation
        ? await session.evaluate(
            options.validation.x,
            options.validation.y,
            options.evalBatchSize ?? 512,
          )
        : undefined;
      const stats: EpochStats = {
        epoch,
        trainLoss: lossSum / n,
        trainAccuracy: correct / n,
        ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
        learningRate: lr,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      if (stop && val) {
        // Scores are "higher is better": accuracy, or negated loss.
        const score = monitorAccuracy ? val.accuracy : -val.loss;
        if (best === undefined || score > best.score + (stop.minDelta ?? 0)) {
          best = { score, epoch, params: session.snapshot() };
        } else if (epoch - best.epoch >= stop.patience) {
          stoppedEarly = true;
          break;
        }
      }
    }
    let finalEpoch = history.length;
    let validation: LossAccuracy | undefined;
    const last = history[history.length - 1];
    if (last.valLoss !== undefined && last.valAccuracy !== undefined) {
      validation = { loss: last.valLoss, accuracy: last.valAccuracy };
    }
    if (best && (stop?.restoreBest ?? true) && best.epoch !== finalEpoch) {
      session.restore(best.params);
      finalEpoch = best.epoch;
      const h = history[best.epoch - 1];
      validation = { loss: h.valLoss!, accuracy: h.valAccuracy! };
    }
    return {
      model: session.toModel(),
      history,
      epoch: finalEpoch,
      stoppedEarly,
      ...(validation ? { validation } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await session.release();
  }
}

/** Adds the epoch to a divergence error raised by a step. */
function inEpoch(error: unknown, epoch: number): unknown {
  if (!(error instanceof MlsecError) || error.code !== "E_TRAINING") return error;
  return new MlsecError(error.code, `${error.message} (epoch ${epoch})`, {
    hint: error.hint,
    cause: error,
    details: { ...error.details, epoch },
  });
}
