// Adversarial training on the ONNX trainer: every mini-batch is replaced by adversarial examples
// crafted against the current weights before the optimiser step.
//   pgd:    Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial Attacks" (§3,
//           min-max with an L∞ PGD inner maximisation from a random start).
//   fast:   Wong, Rice & Kolter 2020, "Fast is better than free" (Alg. 3: one FGSM step of size
//           1.25·eps from a uniform random start).
//   trades: Zhang et al. 2019, "Theoretically Principled Trade-off between Robustness and
//           Accuracy" (eq. 5 and Alg. 1; see trades.ts).
// The radius can grow linearly over the first `rampEpochs` (epsilon ramp-up, as in Gowal et al.
// 2018, "On the Effectiveness of Interval Bound Propagation"), so the model learns the clean task
// before it faces the full-radius attack.

import { argmaxRow, pgdBatch } from "../../attacks/evasion/index.js";
import {
  MlsecError,
  noProgress,
  type ProgressListener,
  type Rng,
  sliceBatch,
  type Tensor,
  takeRows,
} from "../../core/index.js";
import { boundsFromMetadata, classifierSignature, type ModelProto } from "../../onnx/index.js";
import {
  copyParameters,
  crossEntropyRows,
  type Dataset,
  type LrSchedule,
  learningRate,
  type OptimizerConfig,
  type Parameter,
  type ParameterSet,
  TrainingSession,
  trainableParameterNames,
  validateSchedule,
} from "../../onnx/trainer/index.js";
import { TradesSession } from "./trades.js";
import { WeightFedClassifier } from "./weight-fed-classifier.js";

export const ADVERSARIAL_METHODS = ["pgd", "fast", "trades"] as const;
export type AdversarialMethod = (typeof ADVERSARIAL_METHODS)[number];

export interface AdversarialTrainingOptions {
  readonly method: AdversarialMethod;
  /** L∞ radius the model should withstand, in input units. */
  readonly eps: number;
  /** Inner-attack steps (pgd, trades; fast always takes one). Default 10. */
  readonly steps?: number;
  /** Inner-attack step size at the full radius (default 2.5·eps/steps; fast: 1.25·eps). */
  readonly stepSize?: number;
  /** TRADES weight of the robustness (KL) term, 1/λ in the paper (default 6). */
  readonly beta?: number;
  /** Epochs over which the radius grows linearly from 0 to eps (default 0: full radius). */
  readonly rampEpochs?: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: OptimizerConfig;
  readonly schedule?: LrSchedule;
  readonly rng: Rng;
  readonly validation?: Dataset;
  /** Validation samples attacked after every epoch (default 500; 0 = clean accuracy only). */
  readonly validationAttackSamples?: number;
  /** PGD steps of that validation attack (default 20, at the full radius, one random start). */
  readonly validationAttackSteps?: number;
  /**
   * Return the weights of the epoch with the best validation accuracy under that attack, not
   * the last ones: early stopping against robust overfitting (Rice, Wong & Kolter 2020,
   * "Overfitting in adversarially robust deep learning"). Needs the validation attack.
   */
  readonly keepBest?: boolean;
  readonly onProgress?: ProgressListener;
  readonly onEpoch?: (stats: AdversarialEpochStats) => void;
  /** onnxruntime threads per operator (0 = one per core). */
  readonly intraOpThreads?: number;
  /** Batch size for evaluation (default 500). */
  readonly evalBatchSize?: number;
}

export interface AdversarialEpochStats {
  /** 1-based. */
  readonly epoch: number;
  /** Radius used in the epoch's last step (smaller than eps during the ramp-up). */
  readonly eps: number;
  /** Mean training loss and accuracy on the adversarial batches (weights changing). */
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  /** Validation accuracy under PGD at the full radius, on the first validation samples. */
  readonly valAdversarialAccuracy?: number;
  readonly learningRate: number;
  readonly seconds: number;
}

export interface AdversarialTrainingResult {
  /** The trained model: an ordinary ONNX model (same graph and metadata, new weights). */
  readonly model: ModelProto;
  readonly history: readonly AdversarialEpochStats[];
  /** Epoch whose weights the model holds (the last one, or the best with `keepBest`). */
  readonly epoch: number;
  readonly seconds: number;
}

/** The defaults the options resolve to, for reports and model metadata. */
export interface ResolvedAttackSettings {
  readonly steps: number;
  readonly stepSize: number;
  readonly beta?: number;
  readonly rampEpochs: number;
}

export function resolveAttackSettings(
  o: Pick<
    AdversarialTrainingOptions,
    "method" | "eps" | "steps" | "stepSize" | "beta" | "rampEpochs"
  >,
): ResolvedAttackSettings {
  const steps = o.method === "fast" ? 1 : (o.steps ?? 10);
  const stepSize = o.stepSize ?? (o.method === "fast" ? 1.25 * o.eps : (2.5 * o.eps) / steps);
  return {
    steps,
    stepSize,
    ...(o.method === "trades" ? { beta: o.beta ?? 6 } : {}),
    rampEpochs: o.rampEpochs ?? 0,
  };
}

function checkOptions(o: AdversarialTrainingOptions, bounds: readonly [number, number]): void {
  const bad = (message: string) => new MlsecError("E_INVALID_ARGUMENT", message);
  if (!ADVERSARIAL_METHODS.includes(o.method)) {
    throw bad(`unknown method "${o.method}"; choose one of ${ADVERSARIAL_METHODS.join(", ")}`);
  }
  if (!(o.eps > 0) || !Number.isFinite(o.eps)) throw bad(`eps must be > 0, got ${o.eps}`);
  if (o.eps > bounds[1] - bounds[0]) {
    throw bad(`eps ${o.eps} exceeds the model's input range [${bounds[0]}, ${bounds[1]}]`);
  }
  const s = resolveAttackSettings(o);
  if (!Number.isInteger(s.steps) || s.steps < 1) throw bad(`steps must be ≥ 1, got ${s.steps}`);
  if (!(s.stepSize > 0) || !Number.isFinite(s.stepSize)) {
    throw bad(`the step size must be > 0, got ${s.stepSize}`);
  }
  if (s.beta !== undefined && !(s.beta >= 0 && Number.isFinite(s.beta))) {
    throw bad(`beta must be ≥ 0, got ${s.beta}`);
  }
  if (!(s.rampEpochs >= 0) || !Number.isInteger(s.rampEpochs)) {
    throw bad(`the ramp-up must be a whole number of epochs ≥ 0, got ${s.rampEpochs}`);
  }
  for (const [name, v] of [
    ["epochs", o.epochs],
    ["batch size", o.batchSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new MlsecError("E_TRAINING", `${name} must be a positive integer, got ${v}`);
    }
  }
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate)) {
    throw new MlsecError("E_TRAINING", `the learning rate must be > 0, got ${o.learningRate}`);
  }
  if (o.schedule) validateSchedule(o.schedule);
  if (o.keepBest && (o.validation === undefined || o.validationAttackSamples === 0)) {
    throw new MlsecError(
      "E_TRAINING",
      "keeping the best epoch needs the validation attack: a validation set and attacked samples > 0",
      { hint: "Pass --val (and --val-samples > 0), or drop --keep-best." },
    );
  }
}

/** Shapes, labels, finiteness and bounds of a data set against the model. */
function checkData(
  data: Dataset,
  role: string,
  inputShape: readonly number[],
  classes: number,
  bounds: readonly [number, number],
): void {
  const sample = data.x.shape.slice(1);
  if (sample.length !== inputShape.length || sample.some((d, i) => d !== inputShape[i])) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the ${role} samples have shape [${sample}], the model expects [${inputShape}]`,
    );
  }
  if (data.x.shape[0] !== data.y.length) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the ${role} set has ${data.x.shape[0]} samples and ${data.y.length} labels`,
    );
  }
  if (data.y.length === 0) throw new MlsecError("E_TRAINING", `the ${role} set is empty`);
  for (let i = 0; i < data.y.length; i++) {
    if (!(data.y[i] >= 0 && data.y[i] < classes)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `${role} label ${data.y[i]} at row ${i} is outside [0, ${classes}) for a ${classes}-class model`,
      );
    }
  }
  const [lo, hi] = bounds;
  for (let i = 0; i < data.x.data.length; i++) {
    const v = data.x.data[i];
    if (!Number.isFinite(v)) {
      throw new MlsecError("E_NON_FINITE", `the ${role} features hold ${v} at flat index ${i}`);
    }
    if (v < lo || v > hi) {
      throw new MlsecError(
        "E_OUT_OF_BOUNDS",
        `the ${role} features hold ${v} at flat index ${i}, outside the model's bounds [${lo}, ${hi}]`,
        { hint: "Adversarial examples are clipped to the bounds; scale the data into them first." },
      );
    }
  }
}

/** Clean loss and accuracy, and accuracy under PGD on the first `attackSamples` rows. */
async function validate(
  model: WeightFedClassifier,
  data: Dataset,
  eps: number,
  attackSamples: number,
  attackSteps: number,
  batchSize: number,
  rng: Rng,
): Promise<{ loss: number; accuracy: number; adversarialAccuracy?: number }> {
  const n = data.y.length;
  let lossSum = 0;
  let correct = 0;
  let robust = 0;
  const attacked = Math.min(n, attackSamples);
  for (let start = 0; start < n; start += batchSize) {
    const xb = sliceBatch(data.x, start, start + batchSize);
    const yb = data.y.subarray(start, start + xb.shape[0]);
    const logits = await model.predict(xb);
    const scored = crossEntropyRows(logits.data, yb, model.numClasses);
    lossSum += scored.lossSum;
    correct += scored.correct;
    if (start >= attacked) continue;
    const m = Math.min(xb.shape[0], attacked - start);
    const xa = sliceBatch(xb, 0, m);
    const ya = yb.slice(0, m);
    const params = { eps, epsStep: (2.5 * eps) / attackSteps, steps: attackSteps };
    const result = await pgdBatch(
      model,
      xa,
      { labels: ya },
      { ...params, norm: "inf", randomInit: 1 },
      { rng },
    );
    for (let i = 0; i < m; i++) {
      const cleanRight = argmaxRow(logits.data, i, model.numClasses) === ya[i];
      if (cleanRight && !result.success[i]) robust += 1;
    }
  }
  return {
    loss: lossSum / n,
    accuracy: correct / n,
    ...(attacked > 0 ? { adversarialAccuracy: robust / attacked } : {}),
  };
}

/** Trains `model` adversarially on `data`; returns the hardened model and per-epoch history. */
export async function adversarialTraining(
  model: ModelProto,
  data: Dataset,
  options: AdversarialTrainingOptions,
): Promise<AdversarialTrainingResult> {
  if (model.graph === undefined) {
    throw new MlsecError("E_ONNX_INVALID_GRAPH", "the model has no graph");
  }
  const bounds = boundsFromMetadata(model) ?? [-Infinity, Infinity];
  checkOptions(options, bounds);
  const signature = classifierSignature(model);
  const classes = signature.numClasses ?? 0;
  checkData(data, "training", signature.inputShape, classes, bounds);
  if (options.validation) {
    checkData(options.validation, "validation", signature.inputShape, classes, bounds);
  }
  const settings = resolveAttackSettings(options);
  const started = performance.now();
  const parameters = trainableParameterNames(model);
  const threads = options.intraOpThreads ?? 0;
  const live = await WeightFedClassifier.create(model, parameters, bounds, threads);
  const trainer =
    options.method === "trades"
      ? await TradesSession.create(model, classes, {
          optimizer: options.optimizer,
          parameters,
          intraOpThreads: threads,
          beta: settings.beta!,
        })
      : await TrainingSession.create(model, {
          optimizer: options.optimizer,
          parameters,
          intraOpThreads: threads,
        });
  try {
    const schedule = options.schedule ?? { type: "constant" };
    const n = data.y.length;
    const stepsPerEpoch = Math.ceil(n / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    const rampSteps = settings.rampEpochs * stepsPerEpoch;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const onProgress = options.onProgress ?? noProgress;
    const history: AdversarialEpochStats[] = [];
    let step = 0;
    let lr = options.learningRate;
    let eps = options.eps;
    let best: { score: number; epoch: number; weights: Map<string, Parameter> } | undefined;

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
        const xb = takeRows(data.x, rows);
        const yb = Int32Array.from(rows, (r) => data.y[r]);
        lr = learningRate(schedule, options.learningRate, { step, stepsPerEpoch, totalSteps });
        eps = step < rampSteps ? (options.eps * (step + 1)) / rampSteps : options.eps;
        const stepSize = (settings.stepSize * eps) / options.eps;
        live.setWeights(currentWeights(trainer));
        const result =
          trainer instanceof TradesSession
            ? await trainer.step(xb, yb, lr, {
                model: live,
                eps,
                stepSize,
                steps: settings.steps,
                rng: options.rng,
              })
            : await trainer.step(
                await craftMadry(live, xb, yb, eps, stepSize, settings.steps, options.rng),
                yb,
                lr,
              );
        lossSum += result.lossSum;
        correct += result.correct;
        onProgress({
          task: `epoch ${epoch}/${options.epochs}`,
          done: b + 1,
          total: stepsPerEpoch,
          message: `loss ${(result.lossSum / rows.length).toFixed(4)}`,
        });
      }
      live.setWeights(currentWeights(trainer));
      const val = options.validation
        ? await validate(
            live,
            options.validation,
            options.eps,
            options.validationAttackSamples ?? 500,
            options.validationAttackSteps ?? 20,
            options.evalBatchSize ?? 500,
            options.rng,
          )
        : undefined;
      const stats: AdversarialEpochStats = {
        epoch,
        eps,
        trainLoss: lossSum / n,
        trainAccuracy: correct / n,
        ...(val
          ? {
              valLoss: val.loss,
              valAccuracy: val.accuracy,
              ...(val.adversarialAccuracy === undefined
                ? {}
                : { valAdversarialAccuracy: val.adversarialAccuracy }),
            }
          : {}),
        learningRate: lr,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      const score = stats.valAdversarialAccuracy;
      if (options.keepBest && score !== undefined && (best === undefined || score > best.score)) {
        best = { score, epoch, weights: copyParameters(currentWeights(trainer)) };
      }
    }
    if (best !== undefined && best.epoch !== options.epochs) trainer.restore(best.weights);
    return {
      model: trainer.toModel(),
      history,
      epoch: best?.epoch ?? options.epochs,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await trainer.release();
    await live.release();
  }
}

/** The weights to attack: TRADES updates its own in place; the ONNX trainer hands out a copy. */
function currentWeights(trainer: TradesSession | TrainingSession): ParameterSet {
  return trainer instanceof TradesSession ? trainer.weights() : trainer.snapshot();
}

/**
 * The inner maximisation of PGD and fast training: L∞ PGD from one uniform random start, every
 * step taken (no early stop), so the batch holds high-loss points, not just-misclassified ones.
 * With one step and a 1.25·eps step size this is exactly the FGSM-with-random-start of Wong et al.
 */
async function craftMadry(
  model: WeightFedClassifier,
  x: Tensor,
  labels: Int32Array,
  eps: number,
  stepSize: number,
  steps: number,
  rng: Rng,
): Promise<Tensor> {
  const result = await pgdBatch(
    model,
    x,
    { labels },
    { eps, epsStep: stepSize, steps, norm: "inf", randomInit: 1, earlyStop: false },
    { rng },
  );
  return result.adversarial;
}
