// `mlsec detect fit|eval|preprocess-eval`: input detectors fitted on clean data (Mahalanobis,
// LID, kernel density, feature squeezing), their AUROC against adversarial examples, and robust
// accuracy with and without an input preprocessor under adaptive (BPDA/EOT) attacks.
import type { Command } from "commander";
import { ATTACK_NAMES, type AttackName } from "../../attacks/evasion/names.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, rngFor } from "../runner.js";
import { type AttackParamFlags, attackParamOptions, attackSpecFrom } from "./attack.js";
import { parseBounds } from "./model.js";

const KINDS = ["mahalanobis", "lid", "kde", "squeeze"] as const;

interface FitFlags {
  data: string;
  detector: (typeof KINDS)[number];
  out: string;
  layer?: string[];
  fpr: number;
  k: number;
  references: number;
  perClass: number;
  bandwidth?: number;
  mcPasses: number;
  squeezers?: string[];
  limit?: number;
  threads: number;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

async function fitCommand(
  ctx: CommandContext,
  modelPath: string,
  flags: FitFlags,
): Promise<number> {
  const { loadDataset } = await import("../../data/index.js");
  const { readFileBounded, sliceBatch, writeFileAtomic } = await import("../../core/index.js");
  const { loadModel } = await import("../../onnx/index.js");
  const { fitDetector, serializeDetector } = await import("../../defenses/detect/index.js");
  const data = await loadDataset(flags.data);
  const n = Math.min(flags.limit ?? data.y.length, data.y.length);
  const modelBytes = await readFileBounded(modelPath);
  const model = await loadModel(modelPath);
  const started = performance.now();
  const detector = await fitDetector(
    {
      model,
      modelBytes,
      modelPath,
      outPath: flags.out,
      x: sliceBatch(data.x, 0, n),
      y: data.y.slice(0, n),
    },
    {
      kind: flags.detector,
      rng: rngFor(ctx),
      fpr: flags.fpr,
      layers: flags.layer,
      k: flags.k,
      references: flags.references,
      perClass: flags.perClass,
      bandwidth: flags.bandwidth,
      mcPasses: flags.mcPasses,
      squeezers: flags.squeezers,
      threads: flags.threads,
    },
  );
  await writeFileAtomic(flags.out, new TextEncoder().encode(serializeDetector(detector)));
  const result = {
    detector: flags.detector,
    model: modelPath,
    data: flags.data,
    samples: n,
    calibrationSamples: detector.calibration.samples,
    targetFpr: flags.fpr,
    threshold: detector.threshold,
    layers: detector.kind === "squeeze" ? [] : detector.layers.map((l) => l.name),
    squeezers: detector.kind === "squeeze" ? detector.squeezers : [],
    mcDropoutPasses: detector.kind === "kde" ? (detector.uncertainty?.passes ?? null) : null,
    out: flags.out,
    seconds: (performance.now() - started) / 1000,
  };
  emit(ctx, "detect fit", result, (r) =>
    [
      `detector     ${r.detector} on ${r.detector === "squeeze" ? `squeezers ${r.squeezers.join(", ")}` : `layers ${r.layers.join(", ")}`}${r.mcDropoutPasses === null ? "" : ` + MC-dropout uncertainty (${r.mcDropoutPasses} passes)`}`,
      `fitted on    ${r.samples - r.calibrationSamples} clean samples of ${r.data}`,
      `threshold    ${r.threshold.toPrecision(6)} (flags ${(100 * r.targetFpr).toFixed(1)}% of ${r.calibrationSamples} held-out clean samples)`,
      `saved        ${r.out} in ${r.seconds.toFixed(1)}s`,
    ].join("\n"),
  );
  return 0;
}

interface EvalFlags {
  clean: string;
  adversarial: string;
  allAdversarial: boolean;
  limit?: number;
  threads: number;
}

async function evalCommand(
  ctx: CommandContext,
  detectorPath: string,
  flags: EvalFlags,
): Promise<number> {
  const { loadDataset } = await import("../../data/index.js");
  const { sliceBatch } = await import("../../core/index.js");
  const { evaluateDetector, loadDetector } = await import("../../defenses/detect/index.js");
  const clean = await loadDataset(flags.clean);
  const adversarial = await loadDataset(flags.adversarial);
  const detector = await loadDetector(detectorPath, { threads: flags.threads });
  try {
    const cap = (n: number) => Math.min(flags.limit ?? n, n);
    const nAdv = cap(adversarial.y.length);
    const r = await evaluateDetector(
      detector,
      sliceBatch(clean.x, 0, cap(clean.y.length)),
      sliceBatch(adversarial.x, 0, nAdv),
      flags.allAdversarial ? undefined : adversarial.y.slice(0, nAdv),
    );
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    emit(ctx, "detect eval", { detectorFile: detectorPath, ...r }, (x) =>
      [
        `detector          ${x.kind} (${detectorPath})`,
        `samples           ${x.clean} clean, ${x.adversarial} adversarial${x.skippedUnsuccessful > 0 ? ` (${x.skippedUnsuccessful} failed attacks left out)` : ""}`,
        `AUROC             ${x.auroc.toFixed(4)}`,
        `TPR at 5% FPR     ${pct(x.tprAt5Fpr)}`,
        `threshold         ${x.threshold.toPrecision(6)}: flags ${pct(x.tprAtThreshold)} of adversarial, ${pct(x.fprAtThreshold)} of clean`,
      ].join("\n"),
    );
  } finally {
    await detector.dispose();
  }
  return 0;
}

interface PreprocessEvalFlags extends AttackParamFlags {
  data: string;
  preprocessor: string[];
  attack: AttackName;
  eps: number;
  eot: number;
  batchSize: number;
  limit: number;
  bounds?: readonly [number, number];
  threads: number;
}

async function preprocessEval(
  ctx: CommandContext,
  modelPath: string,
  flags: PreprocessEvalFlags,
): Promise<number> {
  const { parsePreprocessor, evaluatePreprocessor } = await import(
    "../../defenses/preprocess/index.js"
  );
  const preprocessors = flags.preprocessor.map(parsePreprocessor);
  const spec = attackSpecFrom(flags.attack, flags.eps, flags);
  const { loadDataset } = await import("../../data/index.js");
  const { sliceBatch } = await import("../../core/index.js");
  const { loadModel, OnnxClassifier } = await import("../../onnx/index.js");
  const data = await loadDataset(flags.data);
  const model = await OnnxClassifier.create(await loadModel(modelPath), {
    bounds: flags.bounds,
    batchSize: flags.batchSize,
    intraOpThreads: flags.threads,
  });
  const progress = ctx.progress();
  try {
    const n = Math.min(flags.limit, data.y.length);
    const x = sliceBatch(data.x, 0, n);
    model.validateInput(x);
    const rng = rngFor(ctx);
    const started = performance.now();
    const results = [];
    for (const p of preprocessors) {
      results.push(
        await evaluatePreprocessor(model, p, x, data.y.slice(0, n), spec, {
          batchSize: flags.batchSize,
          rng,
          eotSamples: flags.eot,
          onProgress: progress,
        }),
      );
    }
    progress.stop();
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    emit(
      ctx,
      "detect preprocess-eval",
      {
        model: modelPath,
        data: flags.data,
        attack: spec,
        n,
        results,
        seconds: (performance.now() - started) / 1000,
      },
      (r) =>
        [
          `model    ${r.model}, ${r.n} samples, attack ${JSON.stringify(r.attack)}`,
          "",
          table([
            [
              "preprocessor",
              "clean",
              "clean+pre",
              "attack",
              "oblivious+pre",
              "adaptive+pre",
              "adaptive attack",
            ],
            ...r.results.map((e) => [
              e.preprocessor,
              pct(e.cleanAccuracy.undefended),
              pct(e.cleanAccuracy.defended),
              pct(e.robustAccuracy.undefended),
              pct(e.robustAccuracy.oblivious),
              pct(e.robustAccuracy.adaptive),
              e.randomized ? `BPDA+EOT(${e.eotSamples})` : "BPDA",
            ]),
          ]),
          "",
          "robust accuracy: attack = the model alone; oblivious = the same adversarial examples through the",
          "preprocessor; adaptive = the attack run through the preprocessor (the figure to report).",
        ].join("\n"),
    );
  } finally {
    progress.stop();
    await model.release();
  }
  return 0;
}

export function registerDetect(program: Command): void {
  const detect = program
    .command("detect")
    .description("input detectors (fit, evaluate) and input preprocessors under adaptive attacks");
  detect
    .command("fit")
    .description("fit an input detector on clean data and save it as JSON")
    .argument("<model>", "ONNX model the detector guards")
    .requiredOption("--data <file>", "clean .npz with x and y")
    .requiredOption("--detector <kind>", KINDS.join(", "), parseChoice("--detector", KINDS))
    .requiredOption("--out <file>", "detector JSON to write")
    .option(
      "--layer <name>",
      "node output to use, repeatable (default: mahalanobis, lid every activation and the penultimate layer; kde the penultimate layer)",
      collect,
    )
    .option(
      "--fpr <rate>",
      "share of clean inputs flagged by the threshold",
      parseNumber("--fpr", 0, 0.99),
      0.05,
    )
    .option("--k <n>", "lid: nearest neighbours", parseInteger("--k", 2, 10000), 20)
    .option(
      "--references <n>",
      "lid: clean reference samples kept",
      parseInteger("--references", 2, 100000),
      1000,
    )
    .option(
      "--per-class <n>",
      "kde: clean samples kept per class",
      parseInteger("--per-class", 1, 100000),
      300,
    )
    .option(
      "--bandwidth <s>",
      "kde: kernel bandwidth (default: median pair distance)",
      parseNumber("--bandwidth", Number.MIN_VALUE),
    )
    .option(
      "--mc-passes <n>",
      "kde: MC-dropout passes for Bayesian uncertainty when the model has Dropout (0 = off)",
      parseInteger("--mc-passes", 0, 1000),
      20,
    )
    .option(
      "--squeezer <spec>",
      "squeeze: a squeezer, repeatable (default bit-depth:1 and median:2)",
      collect,
    )
    .option(
      "--limit <n>",
      "use only the first N samples",
      parseInteger("--limit", 3, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 256),
      0,
    )
    .action(
      action((ctx, model: string, flags: FitFlags & { squeezer?: string[] }) =>
        fitCommand(ctx, model, { ...flags, squeezers: flags.squeezer }),
      ),
    );
  detect
    .command("eval")
    .description("AUROC and TPR at 5% FPR of a detector on clean against adversarial inputs")
    .argument("<detector>", "detector JSON written by `mlsec detect fit`")
    .requiredOption("--clean <file>", "clean .npz")
    .requiredOption(
      "--adversarial <file>",
      ".npz of adversarial examples (e.g. from mlsec attack --save-adversarial)",
    )
    .option(
      "--all-adversarial",
      "keep adversarial examples the model still classifies correctly",
      false,
    )
    .option(
      "--limit <n>",
      "use only the first N samples of each file",
      parseInteger("--limit", 1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 256),
      0,
    )
    .action(action(evalCommand));
  const pre = detect
    .command("preprocess-eval")
    .description(
      "robust accuracy with and without input preprocessors, under BPDA/EOT adaptive attacks",
    )
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", ".npz with x and y")
    .requiredOption(
      "--preprocessor <spec>",
      "bit-depth:B, median:K, jpeg:Q or gaussian:SIGMA (repeatable)",
      collect,
    )
    .option(
      "--attack <name>",
      `attack: ${ATTACK_NAMES.join(", ")}`,
      parseChoice("--attack", ATTACK_NAMES),
      "pgd",
    )
    .requiredOption("--eps <e>", "perturbation budget", parseNumber("--eps", Number.MIN_VALUE))
    .option(
      "--eot <n>",
      "EOT draws per gradient for randomized preprocessors",
      parseInteger("--eot", 1, 1000),
      10,
    );
  attackParamOptions(pre)
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
      200,
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
    .action(action(preprocessEval));
}
