import type { Command } from "commander";
import { MlsecError, type Rng } from "../../core/index.js";
import type { AdversarialEpochStats } from "../../defenses/training/index.js";
import type { ModelProto } from "../../onnx/index.js";
import type { OptimizerConfig } from "../../onnx/trainer/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit } from "../output.js";
import { action } from "../runner.js";
import { parseBounds } from "./model.js";
import { loadTrainingData } from "./training-data.js";

const METHODS = ["pgd", "fast", "trades"] as const;
const ARCHS = ["cnn", "mlp"] as const;
const OPTIMIZERS = ["sgd", "adam"] as const;
const SCHEDULES = ["constant", "cosine", "one-cycle"] as const;

interface AdversarialTrainingFlags {
  data: string;
  val?: string;
  method: (typeof METHODS)[number];
  eps: number;
  epochs: number;
  out: string;
  init?: string;
  arch: (typeof ARCHS)[number];
  hidden?: number;
  steps?: number;
  stepSize?: number;
  beta?: number;
  rampEpochs: number;
  batchSize: number;
  lr?: number;
  optimizer: (typeof OPTIMIZERS)[number];
  schedule: (typeof SCHEDULES)[number];
  valSamples: number;
  valSteps: number;
  keepBest: boolean;
  bounds?: readonly [number, number];
  threads: number;
}

/** [0, 1] when every feature already lies there (images), otherwise unbounded. */
function inferBounds(data: Float32Array): readonly [number, number] {
  for (const v of data) if (v < 0 || v > 1) return [-Infinity, Infinity];
  return [0, 1];
}

const percent = (v: number | undefined) => (v === undefined ? "-" : `${(100 * v).toFixed(2)}%`);

function formatEpoch(s: AdversarialEpochStats, epochs: number): string {
  const val =
    s.valAccuracy === undefined
      ? ""
      : `  val_acc ${percent(s.valAccuracy)}` +
        (s.valAdversarialAccuracy === undefined
          ? ""
          : `  val_adv_acc ${percent(s.valAdversarialAccuracy)}`);
  return `epoch ${String(s.epoch).padStart(String(epochs).length)}/${epochs}  eps ${s.eps.toFixed(3)}  loss ${s.trainLoss.toFixed(4)}  adv_acc ${percent(s.trainAccuracy)}${val}  lr ${s.learningRate.toPrecision(3)}  ${s.seconds.toFixed(1)}s`;
}

async function startingModel(
  o: AdversarialTrainingFlags,
  inputShape: readonly number[],
  classes: number,
  features: Float32Array,
  rng: Rng,
): Promise<ModelProto> {
  const { boundsFromMetadata, BOUNDS_METADATA_KEY, boundsMetadataValue, loadModel } = await import(
    "../../onnx/index.js"
  );
  const { buildArchitecture, withMetadata } = await import("../../onnx/architectures/index.js");
  const bounds = o.bounds ?? inferBounds(features);
  if (o.init === undefined) {
    return buildArchitecture(o.arch, {
      inputShape,
      numClasses: classes,
      hidden: o.hidden === undefined ? undefined : [o.hidden],
      rng,
      bounds,
    });
  }
  const model = await loadModel(o.init);
  if (o.bounds === undefined && boundsFromMetadata(model) !== undefined) return model;
  return withMetadata(model, { [BOUNDS_METADATA_KEY]: boundsMetadataValue(bounds) });
}

async function runAdversarialTraining(
  ctx: CommandContext,
  o: AdversarialTrainingFlags,
): Promise<number> {
  const { TRAINING_KEY, withMetadata } = await import("../../onnx/architectures/index.js");
  const { adversarialTraining, resolveAttackSettings } = await import(
    "../../defenses/training/index.js"
  );
  const { saveModel, boundsFromMetadata } = await import("../../onnx/index.js");
  const { createRng } = await import("../../core/index.js");

  if (o.init !== undefined && o.hidden !== undefined) {
    throw new MlsecError("E_USAGE", "--hidden builds a new model; it cannot change --init's");
  }
  const { data, validation, classes } = await loadTrainingData(o.data, o.val);
  const rng = createRng(ctx.seed);
  const model = await startingModel(o, data.x.shape.slice(1), classes, data.x.data, rng.fork());
  const optimizer: OptimizerConfig =
    o.optimizer === "sgd" ? { type: "sgd", momentum: 0.9 } : { type: "adam" };
  const learningRate = o.lr ?? (o.optimizer === "sgd" ? 0.05 : 0.001);
  const schedule = { type: o.schedule };
  const options = {
    method: o.method,
    eps: o.eps,
    steps: o.steps,
    stepSize: o.stepSize,
    beta: o.beta,
    rampEpochs: o.rampEpochs,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate,
    optimizer,
    schedule,
    validation,
    validationAttackSamples: o.valSamples,
    validationAttackSteps: o.valSteps,
    keepBest: o.keepBest,
    intraOpThreads: o.threads,
  };
  const settings = resolveAttackSettings(options);
  const progress = ctx.progress();
  if (ctx.format === "text") {
    ctx.out(
      `${o.method} adversarial training (eps ${o.eps}, ${settings.steps} step(s) of ${settings.stepSize.toPrecision(3)}` +
        `${settings.beta === undefined ? "" : `, beta ${settings.beta}`}` +
        `${settings.rampEpochs > 0 ? `, ramp-up over ${settings.rampEpochs} epochs` : ""})` +
        ` of ${o.init ?? o.arch} on ${data.y.length} samples` +
        `${validation ? `, validating on ${validation.y.length} (PGD-${o.valSteps} on the first ${Math.min(o.valSamples, validation.y.length)})` : ""}\n`,
    );
  }
  let result: Awaited<ReturnType<typeof adversarialTraining>>;
  try {
    result = await adversarialTraining(model, data, {
      ...options,
      rng: rng.fork(),
      onProgress: progress,
      onEpoch: (stats) => {
        progress.stop();
        if (ctx.format === "text") ctx.out(`${formatEpoch(stats, o.epochs)}\n`);
      },
    });
  } finally {
    progress.stop();
  }
  const kept = result.history[result.epoch - 1];
  const training = {
    defense: `adversarial-training/${o.method}`,
    eps: o.eps,
    ...settings,
    optimizer: { ...optimizer, learningRate, batchSize: o.batchSize, schedule },
    epochs: o.epochs,
    epoch: result.epoch,
    seed: ctx.seed,
    valAccuracy: kept.valAccuracy ?? null,
    valAdversarialAccuracy: kept.valAdversarialAccuracy ?? null,
  };
  await saveModel(o.out, withMetadata(result.model, { [TRAINING_KEY]: JSON.stringify(training) }));
  const bounds = boundsFromMetadata(result.model) ?? [-Infinity, Infinity];
  const report = {
    out: o.out,
    method: o.method,
    init: o.init ?? null,
    arch: o.init === undefined ? o.arch : null,
    eps: o.eps,
    ...settings,
    samples: data.y.length,
    classes,
    bounds: bounds.map((b) => (Number.isFinite(b) ? b : null)),
    optimizer: training.optimizer,
    history: result.history,
    epoch: result.epoch,
    valAccuracy: kept.valAccuracy ?? null,
    valAdversarialAccuracy: kept.valAdversarialAccuracy ?? null,
    seconds: result.seconds,
  };
  emit(ctx, "defend adversarial-training", report, (r) =>
    [
      r.epoch === o.epochs ? "" : `kept the weights of epoch ${r.epoch} (best val_adv_acc)`,
      r.valAccuracy === null
        ? ""
        : `val accuracy ${percent(r.valAccuracy)} clean` +
          (r.valAdversarialAccuracy === null
            ? ""
            : `, ${percent(r.valAdversarialAccuracy)} under PGD-${o.valSteps} at eps ${r.eps}`),
      `saved ${r.out} in ${r.seconds.toFixed(1)}s`,
    ]
      .filter((line) => line !== "")
      .join("\n"),
  );
  return 0;
}

export function registerDefend(program: Command): void {
  const defend = program
    .command("defend")
    .description("harden a model against adversarial examples");
  defend
    .command("adversarial-training")
    .description(
      "train a classifier on adversarial examples (PGD, fast FGSM or TRADES) and save it as ONNX",
    )
    .requiredOption("--data <file.npz>", "training data: x float32 [N, ...], y integer [N]")
    .option("--val <file.npz>", "validation data: clean and PGD accuracy after every epoch")
    .requiredOption(
      "--method <name>",
      `${METHODS.join(", ")} (Madry et al.; Wong et al.; Zhang et al.)`,
      parseChoice("--method", METHODS),
    )
    .requiredOption("--eps <eps>", "L∞ radius to train against", parseNumber("--eps", 0))
    .requiredOption("--epochs <n>", "passes over the training data", parseInteger("--epochs", 1))
    .requiredOption("--out <model.onnx>", "where to write the hardened model")
    .option("--init <model.onnx>", "start from this model instead of a fresh one")
    .option(
      "--arch <arch>",
      `fresh model: ${ARCHS.join(", ")}`,
      parseChoice("--arch", ARCHS),
      "cnn",
    )
    .option("--hidden <n>", "fresh model: hidden width", parseInteger("--hidden", 1))
    .option("--steps <k>", "inner PGD steps (pgd, trades; default 10)", parseInteger("--steps", 1))
    .option(
      "--step-size <a>",
      "inner step size (default 2.5·eps/steps; fast: 1.25·eps)",
      parseNumber("--step-size", 0),
    )
    .option("--beta <b>", "TRADES weight of the KL term (default 6)", parseNumber("--beta", 0))
    .option(
      "--ramp-epochs <n>",
      "grow eps linearly from 0 over the first n epochs",
      parseInteger("--ramp-epochs", 0),
      0,
    )
    .option("--batch-size <n>", "samples per step", parseInteger("--batch-size", 1), 128)
    .option(
      "--lr <rate>",
      "base learning rate (default 0.001 for adam, 0.05 for sgd)",
      parseNumber("--lr", 0),
    )
    .option(
      "--optimizer <name>",
      OPTIMIZERS.join(" or "),
      parseChoice("--optimizer", OPTIMIZERS),
      "adam",
    )
    .option(
      "--schedule <name>",
      `learning-rate schedule: ${SCHEDULES.join(", ")}`,
      parseChoice("--schedule", SCHEDULES),
      "constant",
    )
    .option(
      "--val-samples <n>",
      "validation samples attacked after every epoch (0 = none)",
      parseInteger("--val-samples", 0),
      500,
    )
    .option(
      "--val-steps <k>",
      "PGD steps of that validation attack",
      parseInteger("--val-steps", 1),
      20,
    )
    .option(
      "--keep-best",
      "keep the weights of the epoch with the best PGD validation accuracy (early stopping)",
      false,
    )
    .option(
      "--bounds <lo,hi>",
      "input bounds (default: the model's, else 0,1 if the data lies there, else -inf,inf)",
      parseBounds,
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 1024),
      0,
    )
    .action(action((ctx, o: AdversarialTrainingFlags) => runAdversarialTraining(ctx, o)));
}
