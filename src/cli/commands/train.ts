import type { Command } from "commander";
import { MlsecError } from "../../core/index.js";
import type { EpochStats, OptimizerConfig } from "../../onnx/trainer/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit } from "../output.js";
import { action } from "../runner.js";
import { parseBounds } from "./model.js";
import { loadTrainingData } from "./training-data.js";

const ARCHS = ["cnn", "mlp"] as const;
const OPTIMIZERS = ["sgd", "adam"] as const;
const SCHEDULES = ["constant", "step", "cosine", "one-cycle"] as const;
const MONITORS = ["val-loss", "val-accuracy"] as const;

interface TrainFlags {
  arch: (typeof ARCHS)[number];
  data: string;
  val?: string;
  out: string;
  epochs: number;
  batchSize: number;
  lr?: number;
  optimizer: (typeof OPTIMIZERS)[number];
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  schedule: (typeof SCHEDULES)[number];
  warmupEpochs: number;
  hidden?: number[];
  patience?: number;
  monitor: (typeof MONITORS)[number];
  bounds?: readonly [number, number];
  threads: number;
}

function parseWidths(value: string): number[] {
  const widths = value.split(",").map((s) => s.trim());
  if (widths.some((w) => !/^\d+$/.test(w) || Number(w) < 1)) {
    throw new MlsecError(
      "E_USAGE",
      `--hidden must be positive integers like 128,64, got "${value}"`,
    );
  }
  return widths.map(Number);
}

/** [0, 1] when every feature already lies there (images), otherwise unbounded (tabular). */
function inferBounds(data: Float32Array): readonly [number, number] {
  for (const v of data) if (v < 0 || v > 1) return [-Infinity, Infinity];
  return [0, 1];
}

function formatEpoch(s: EpochStats, epochs: number): string {
  const val =
    s.valLoss === undefined
      ? ""
      : `  val_loss ${s.valLoss.toFixed(4)}  val_acc ${(100 * s.valAccuracy!).toFixed(2)}%`;
  return `epoch ${String(s.epoch).padStart(String(epochs).length)}/${epochs}  loss ${s.trainLoss.toFixed(4)}  acc ${(100 * s.trainAccuracy).toFixed(2)}%${val}  lr ${s.learningRate.toPrecision(3)}  ${s.seconds.toFixed(1)}s`;
}

async function runTrain(ctx: CommandContext, o: TrainFlags): Promise<number> {
  const { buildArchitecture, TRAINING_KEY, withMetadata } = await import(
    "../../onnx/architectures/index.js"
  );
  const { train } = await import("../../onnx/trainer/index.js");
  const { saveModel } = await import("../../onnx/index.js");
  const { createRng } = await import("../../core/index.js");

  const { data, validation, classes } = await loadTrainingData(o.data, o.val);
  const bounds = o.bounds ?? inferBounds(data.x.data);
  const rng = createRng(ctx.seed);
  const model = buildArchitecture(o.arch, {
    inputShape: data.x.shape.slice(1),
    numClasses: classes,
    hidden: o.hidden,
    rng: rng.fork(),
    bounds,
  });
  const optimizer: OptimizerConfig =
    o.optimizer === "sgd"
      ? { type: "sgd", momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay }
      : { type: "adam", weightDecay: o.weightDecay };
  const learningRate = o.lr ?? (o.optimizer === "sgd" ? 0.05 : 0.001);
  const schedule =
    o.schedule === "step"
      ? {
          type: "step" as const,
          stepEpochs: Math.max(1, Math.floor(o.epochs / 3)),
          warmupEpochs: o.warmupEpochs,
        }
      : o.schedule === "one-cycle"
        ? { type: "one-cycle" as const }
        : { type: o.schedule, warmupEpochs: o.warmupEpochs };
  const progress = ctx.progress();
  if (ctx.format === "text") {
    ctx.out(
      `training ${o.arch} on ${data.y.length} samples of shape [${data.x.shape.slice(1)}], ${classes} classes` +
        `${validation ? `, validating on ${validation.y.length}` : ""}\n`,
    );
  }
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train(model, data, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate,
      optimizer,
      schedule,
      rng: rng.fork(),
      validation,
      earlyStopping:
        o.patience === undefined ? undefined : { patience: o.patience, monitor: o.monitor },
      intraOpThreads: o.threads,
      onProgress: progress,
      onEpoch: (stats) => {
        progress.stop();
        if (ctx.format === "text") ctx.out(`${formatEpoch(stats, o.epochs)}\n`);
      },
    });
  } finally {
    progress.stop();
  }
  const parameters = model.graph!.initializer.reduce(
    (sum, t) => sum + t.dims.reduce((a, b) => a * b, 1),
    0,
  );
  const summary = {
    arch: o.arch,
    optimizer: { ...optimizer, learningRate, batchSize: o.batchSize, schedule },
    epochs: result.history.length,
    epoch: result.epoch,
    seed: ctx.seed,
    valAccuracy: result.validation?.accuracy ?? null,
  };
  await saveModel(o.out, withMetadata(result.model, { [TRAINING_KEY]: JSON.stringify(summary) }));
  const report = {
    out: o.out,
    arch: o.arch,
    parameters,
    samples: data.y.length,
    classes,
    bounds: [
      Number.isFinite(bounds[0]) ? bounds[0] : null,
      Number.isFinite(bounds[1]) ? bounds[1] : null,
    ],
    optimizer: summary.optimizer,
    history: result.history,
    epoch: result.epoch,
    stoppedEarly: result.stoppedEarly,
    valLoss: result.validation?.loss ?? null,
    valAccuracy: result.validation?.accuracy ?? null,
    seconds: result.seconds,
  };
  emit(ctx, "train", report, (r) =>
    [
      r.stoppedEarly ? `stopped early; kept the weights of epoch ${r.epoch}` : "",
      r.valAccuracy === null
        ? ""
        : `val accuracy ${(100 * r.valAccuracy).toFixed(2)}% (loss ${r.valLoss!.toFixed(4)})`,
      `saved ${r.out} (${r.arch}, ${r.parameters.toLocaleString("en-US")} parameters) in ${r.seconds.toFixed(1)}s`,
    ]
      .filter((line) => line !== "")
      .join("\n"),
  );
  return 0;
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train a classifier (cnn or mlp) on an .npz data set and save it as ONNX")
    .requiredOption(
      "--arch <arch>",
      `architecture: ${ARCHS.join(", ")}`,
      parseChoice("--arch", ARCHS),
    )
    .requiredOption("--data <file.npz>", "training data: x float32 [N, ...], y integer [N]")
    .option("--val <file.npz>", "validation data, evaluated after every epoch")
    .requiredOption("--out <model.onnx>", "where to write the trained model")
    .option(
      "--epochs <n>",
      "passes over the training data",
      parseInteger("--epochs", 1, 100_000),
      10,
    )
    .option("--batch-size <n>", "samples per step", parseInteger("--batch-size", 1, 1_000_000), 64)
    .option(
      "--lr <rate>",
      "base learning rate (default 0.05 for sgd, 0.001 for adam)",
      parseNumber("--lr", 0),
    )
    .option(
      "--optimizer <name>",
      `${OPTIMIZERS.join(" or ")}`,
      parseChoice("--optimizer", OPTIMIZERS),
      "adam",
    )
    .option("--momentum <m>", "sgd momentum", parseNumber("--momentum", 0, 0.999), 0.9)
    .option("--nesterov", "sgd with Nesterov momentum", false)
    .option("--weight-decay <w>", "L2 weight decay", parseNumber("--weight-decay", 0), 0)
    .option(
      "--schedule <name>",
      `learning-rate schedule: ${SCHEDULES.join(", ")} (step: x0.1 every epochs/3)`,
      parseChoice("--schedule", SCHEDULES),
      "constant",
    )
    .option(
      "--warmup-epochs <n>",
      "linear warm-up before the schedule",
      parseNumber("--warmup-epochs", 0),
      0,
    )
    .option("--hidden <widths>", "hidden widths, e.g. 128,64 (mlp) or 128 (cnn)", parseWidths)
    .option(
      "--patience <n>",
      "stop after n epochs without improvement (needs --val)",
      parseInteger("--patience", 1),
    )
    .option(
      "--monitor <what>",
      `early-stopping metric: ${MONITORS.join(", ")}`,
      parseChoice("--monitor", MONITORS),
      "val-loss",
    )
    .option(
      "--bounds <lo,hi>",
      "input bounds to record (default: 0,1 if the data lies there, else -inf,inf)",
      parseBounds,
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 1024),
      0,
    )
    .action(action((ctx, o: TrainFlags) => runTrain(ctx, o)));
}
