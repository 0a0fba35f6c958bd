import type { Command } from "commander";
import type { AttackSpec, NormKind, RobustnessSummary } from "../../attacks/index.js";
import { MlsecError } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit } from "../output.js";
import { action, rngFor } from "../runner.js";
import { parseBounds } from "./model.js";

const ATTACKS = ["fgsm", "bim", "pgd"] as const;
const NORMS = ["inf", "2", "1"] as const;

interface AttackFlags {
  data: string;
  attack: (typeof ATTACKS)[number];
  norm: NormKind;
  eps: number;
  epsStep?: number;
  steps: number;
  randomInit: number;
  earlyStop: boolean;
  batchSize: number;
  limit?: number;
  targeted: boolean;
  targetClass?: number;
  saveAdversarial?: string;
  bounds?: readonly [number, number];
  threads: number;
}

export function attackSpecFrom(flags: AttackFlags): AttackSpec {
  if (flags.attack === "fgsm") return { attack: "fgsm", eps: flags.eps, norm: flags.norm };
  return {
    attack: flags.attack,
    eps: flags.eps,
    // ART's default step for PGD is eps/4 at 10 steps; for long runs users pass --eps-step.
    epsStep: flags.epsStep ?? flags.eps / 4,
    steps: flags.steps,
    norm: flags.norm,
    randomInit: flags.attack === "bim" ? 0 : flags.randomInit,
    earlyStop: flags.earlyStop,
  };
}

export function formatSummary(s: RobustnessSummary): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  return [
    `attack           ${s.attack}${s.targeted ? " (targeted)" : ""}  ${JSON.stringify(s.params)}`,
    `samples          ${s.n}`,
    `clean accuracy   ${pct(s.cleanAccuracy)}`,
    `robust accuracy  ${pct(s.robustAccuracy)}`,
    `success rate     ${pct(s.successRate)}`,
    `mean norms       L0 ${s.meanNorms.l0.toFixed(1)}  L2 ${s.meanNorms.l2.toFixed(4)}  Linf ${s.meanNorms.linf.toFixed(4)}`,
    `median norms     L0 ${s.medianNorms.l0.toFixed(1)}  L2 ${s.medianNorms.l2.toFixed(4)}  Linf ${s.medianNorms.linf.toFixed(4)}`,
    `queries          ${s.queries.total} (${s.queries.meanPerSample.toFixed(1)} per sample)`,
    `time             ${s.seconds.toFixed(2)} s (${s.samplesPerSecond.toFixed(1)} samples/s)`,
  ].join("\n");
}

async function attack(ctx: CommandContext, modelPath: string, flags: AttackFlags): Promise<number> {
  if (flags.targeted !== (flags.targetClass !== undefined)) {
    throw new MlsecError("E_USAGE", "--targeted and --target-class K go together");
  }
  const spec = attackSpecFrom(flags);
  const { loadModel, OnnxClassifier } = await import("../../onnx/index.js");
  const { loadDataset, saveDataset } = await import("../../data/index.js");
  const { evaluateRobustness } = await import("../../attacks/index.js");
  const { sliceBatch } = await import("../../core/index.js");
  const [model, data] = await Promise.all([loadModel(modelPath), loadDataset(flags.data)]);
  const classifier = await OnnxClassifier.create(model, {
    bounds: flags.bounds,
    batchSize: flags.batchSize,
    intraOpThreads: flags.threads,
  });
  const n = Math.min(flags.limit ?? data.y.length, data.y.length);
  const x = sliceBatch(data.x, 0, n);
  const y = data.y.slice(0, n);
  classifier.validateInput(x);
  const progress = ctx.progress();
  try {
    const { summary, result } = await evaluateRobustness(classifier, x, y, spec, {
      batchSize: flags.batchSize,
      rng: rngFor(ctx),
      targetClass: flags.targetClass,
      onProgress: progress,
    });
    progress.stop();
    if (flags.saveAdversarial !== undefined)
      await saveDataset(flags.saveAdversarial, { x: result.adversarial, y });
    emit(
      ctx,
      "attack",
      { model: modelPath, data: flags.data, ...summary, savedTo: flags.saveAdversarial ?? null },
      formatSummary,
    );
  } finally {
    progress.stop();
    await classifier.release();
  }
  return 0;
}

export function registerAttack(program: Command): void {
  program
    .command("attack")
    .description(
      "run an evasion attack on a model over a labelled dataset and report robust accuracy",
    )
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", ".npz with x and y")
    .option(
      "--attack <name>",
      `attack: ${ATTACKS.join(", ")}`,
      parseChoice("--attack", ATTACKS),
      "pgd",
    )
    .option("--norm <p>", "perturbation norm: inf, 2 or 1", parseChoice("--norm", NORMS), "inf")
    .requiredOption(
      "--eps <e>",
      "perturbation budget (radius of the norm ball)",
      parseNumber("--eps", Number.MIN_VALUE),
    )
    .option(
      "--eps-step <s>",
      "step size of iterative attacks (default eps/4)",
      parseNumber("--eps-step", Number.MIN_VALUE),
    )
    .option(
      "--steps <n>",
      "iterations of iterative attacks",
      parseInteger("--steps", 1, 100000),
      10,
    )
    .option(
      "--random-init <n>",
      "PGD: 0 = start from the clean input; N = N random restarts",
      parseInteger("--random-init", 0, 1000),
      0,
    )
    .option("--no-early-stop", "keep stepping samples that are already adversarial (as ART does)")
    .option(
      "--batch-size <n>",
      "samples per model call",
      parseInteger("--batch-size", 1, 65536),
      128,
    )
    .option(
      "--limit <n>",
      "attack only the first N samples",
      parseInteger("--limit", 1, Number.MAX_SAFE_INTEGER),
    )
    .option("--targeted", "targeted attack (needs --target-class)", false)
    .option(
      "--target-class <k>",
      "class every sample is pushed to",
      parseInteger("--target-class", 0, 1_000_000),
    )
    .option(
      "--save-adversarial <file>",
      "write the adversarial examples (x) and labels (y) to an .npz",
    )
    .option(
      "--bounds <lo,hi>",
      "input bounds (default: the model's mlsec.bounds metadata)",
      parseBounds,
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 256),
      0,
    )
    .action(action(attack));
}
