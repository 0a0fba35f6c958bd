import type { Command } from "commander";
import { ATTACK_NAMES, type AttackName } from "../../attacks/evasion/names.js";
import type { AttackSpec, NormKind, RobustnessSummary } from "../../attacks/index.js";
import { type Classifier, MlsecError } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit } from "../output.js";
import { action, rngFor } from "../runner.js";
import { parseBounds } from "./model.js";

const NORMS = ["inf", "2", "1"] as const;

/** The flags that describe an attack (shared with `mlsec robustness`). */
export interface AttackParamFlags {
  norm: NormKind;
  epsStep?: number;
  steps?: number;
  randomInit: number;
  earlyStop: boolean;
  maxQueries: number;
  restarts: number;
  samples: number;
  binarySteps: number;
  confidence: number;
  targetClasses: number;
}

interface AttackFlags extends AttackParamFlags, EndpointFlags {
  data: string;
  attack: AttackName;
  eps: number;
  batchSize: number;
  limit?: number;
  targeted: boolean;
  targetClass?: number;
  saveAdversarial?: string;
  bounds?: readonly [number, number];
  threads: number;
}

type TwoNorm = "inf" | "2";
const twoNorm = (norm: NormKind, attack: string): TwoNorm => {
  if (norm === "1") throw new MlsecError("E_USAGE", `--attack ${attack} supports --norm inf or 2`);
  return norm;
};

/** An attack spec from the attack's name, its budget and the flags (defaults per attack). */
export function attackSpecFrom(
  attack: AttackName,
  eps: number,
  flags: AttackParamFlags,
): AttackSpec {
  const steps = (fallback: number) => flags.steps ?? fallback;
  switch (attack) {
    case "fgsm":
      return { attack, eps, norm: flags.norm };
    case "bim":
    case "pgd":
      return {
        attack,
        eps,
        // ART's default step for PGD is eps/4 at 10 steps; for long runs users pass --eps-step.
        epsStep: flags.epsStep ?? eps / 4,
        steps: steps(10),
        norm: flags.norm,
        randomInit: attack === "bim" ? 0 : flags.randomInit,
        earlyStop: flags.earlyStop,
      };
    case "apgd-ce":
    case "apgd-dlr":
      return {
        attack,
        eps,
        norm: twoNorm(flags.norm, attack),
        steps: steps(100),
        restarts: flags.restarts,
      };
    case "autoattack":
      return {
        attack,
        eps,
        norm: twoNorm(flags.norm, attack),
        steps: steps(100),
        targetClasses: flags.targetClasses,
        maxQueries: flags.maxQueries,
      };
    case "fab":
      return {
        attack,
        eps,
        norm: twoNorm(flags.norm, attack),
        steps: steps(100),
        restarts: flags.restarts,
        earlyStop: flags.earlyStop,
      };
    case "cw":
      if (flags.norm !== "2")
        throw new MlsecError("E_USAGE", "--attack cw is an L2 attack: pass --norm 2");
      return {
        attack,
        eps,
        steps: steps(100),
        binarySteps: flags.binarySteps,
        initialConst: 1,
        confidence: flags.confidence,
      };
    case "deepfool":
      return {
        attack,
        eps,
        norm: twoNorm(flags.norm, attack),
        steps: steps(50),
        candidates: 10,
        overshoot: 0.02,
      };
    case "square":
      return { attack, eps, norm: twoNorm(flags.norm, attack), maxQueries: flags.maxQueries };
    case "hopskipjump":
      return {
        attack,
        eps,
        norm: twoNorm(flags.norm, attack),
        maxQueries: flags.maxQueries,
        iterations: steps(40),
      };
    case "nes":
    case "spsa":
      return {
        attack,
        eps,
        epsStep: flags.epsStep ?? eps / 10,
        norm: flags.norm,
        maxQueries: flags.maxQueries,
        samples: flags.samples,
      };
  }
}

/** Flags that point the command at an HTTP endpoint instead of an ONNX file. */
export interface EndpointFlags {
  endpoint?: string;
  classes?: number;
  requestTemplate?: unknown;
  responsePath: string;
  header: string[];
  concurrency: number;
  timeoutMs: number;
  retries: number;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new MlsecError("E_USAGE", `--request-template must be JSON, got ${value}`);
  }
}

function collectHeader(value: string, previous: string[]): string[] {
  if (!/^[A-Za-z0-9-]+:\s?.+$/.test(value)) {
    throw new MlsecError("E_USAGE", `--header must be "Name: value", got "${value}"`);
  }
  return [...previous, value];
}

/** The model to attack: an OnnxClassifier for a file, an HttpClassifier for --endpoint. */
export async function openTarget(
  modelPath: string | undefined,
  flags: EndpointFlags & { bounds?: readonly [number, number]; batchSize: number; threads: number },
  inputShape: readonly number[],
): Promise<{
  model: Classifier;
  label: string;
  release(): Promise<void>;
  endpoint?: { queries: number; requests: number };
}> {
  if ((modelPath === undefined) === (flags.endpoint === undefined)) {
    throw new MlsecError("E_USAGE", "give either a MODEL file or --endpoint URL (not both)");
  }
  if (flags.endpoint !== undefined) {
    if (flags.classes === undefined || flags.bounds === undefined) {
      throw new MlsecError("E_USAGE", "--endpoint needs --classes K and --bounds lo,hi");
    }
    const { HttpClassifier } = await import("../../attacks/index.js");
    const headers = Object.fromEntries(
      flags.header.map((h) => {
        const at = h.indexOf(":");
        return [h.slice(0, at).trim(), h.slice(at + 1).trim()];
      }),
    );
    const model = new HttpClassifier({
      url: flags.endpoint,
      inputShape,
      numClasses: flags.classes,
      bounds: flags.bounds,
      requestTemplate: flags.requestTemplate,
      responsePath: flags.responsePath,
      headers,
      batchSize: flags.batchSize,
      concurrency: flags.concurrency,
      timeoutMs: flags.timeoutMs,
      retries: flags.retries,
    });
    return { model, label: flags.endpoint, release: async () => {}, endpoint: model };
  }
  const { loadModel, OnnxClassifier } = await import("../../onnx/index.js");
  const classifier = await OnnxClassifier.create(await loadModel(modelPath!), {
    bounds: flags.bounds,
    batchSize: flags.batchSize,
    intraOpThreads: flags.threads,
  });
  return { model: classifier, label: modelPath!, release: () => classifier.release() };
}

/** Registers the endpoint flags on a command. */
export function endpointOptions(command: Command): Command {
  return command
    .option("--endpoint <url>", "attack a model behind an HTTP endpoint (black-box attacks only)")
    .option("--classes <k>", "endpoint: number of classes", parseInteger("--classes", 2, 1_000_000))
    .option(
      "--request-template <json>",
      'endpoint: JSON body with "$INPUTS" where the batch goes',
      parseJson,
    )
    .option("--response-path <path>", "endpoint: dot path to the [N, K] scores", "outputs")
    .option(
      "--header <name: value>",
      "endpoint: request header, e.g. auth (repeatable)",
      collectHeader,
      [],
    )
    .option(
      "--concurrency <n>",
      "endpoint: requests in flight",
      parseInteger("--concurrency", 1, 256),
      4,
    )
    .option(
      "--timeout-ms <ms>",
      "endpoint: per-request timeout",
      parseInteger("--timeout-ms", 1, 3_600_000),
      30000,
    )
    .option("--retries <n>", "endpoint: retries per request", parseInteger("--retries", 0, 100), 3);
}

/** Registers the per-attack parameter flags on a command. */
export function attackParamOptions(command: Command): Command {
  return command
    .option("--norm <p>", "perturbation norm: inf, 2 or 1", parseChoice("--norm", NORMS), "inf")
    .option(
      "--eps-step <s>",
      "step size of iterative attacks (default eps/4; nes/spsa eps/10)",
      parseNumber("--eps-step", Number.MIN_VALUE),
    )
    .option(
      "--steps <n>",
      "iterations (default: pgd/bim 10, apgd/autoattack/fab/cw 100, deepfool 50, hopskipjump 40)",
      parseInteger("--steps", 1, 100000),
    )
    .option(
      "--random-init <n>",
      "PGD: 0 = start from the clean input; N = N random restarts",
      parseInteger("--random-init", 0, 1000),
      0,
    )
    .option(
      "--no-early-stop",
      "keep stepping samples that are already adversarial (as ART does; FAB keeps shrinking the norm)",
    )
    .option(
      "--max-queries <n>",
      "black-box attacks (square, hopskipjump, nes, spsa; autoattack's square): queries per sample",
      parseInteger("--max-queries", 1, 10_000_000),
      5000,
    )
    .option(
      "--restarts <n>",
      "APGD, FAB: restarts (FAB's first starts at the clean input)",
      parseInteger("--restarts", 1, 1000),
      1,
    )
    .option(
      "--samples <n>",
      "NES/SPSA: antithetic pairs per gradient estimate",
      parseInteger("--samples", 1, 10000),
      25,
    )
    .option(
      "--binary-steps <n>",
      "CW: binary-search rounds over c",
      parseInteger("--binary-steps", 1, 100),
      5,
    )
    .option("--confidence <k>", "CW: margin κ past the boundary", parseNumber("--confidence", 0), 0)
    .option(
      "--target-classes <n>",
      "autoattack: runner-up classes tried by APGD-T",
      parseInteger("--target-classes", 1, 1000),
      3,
    );
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

async function attack(
  ctx: CommandContext,
  modelPath: string | undefined,
  flags: AttackFlags,
): Promise<number> {
  if (flags.targeted !== (flags.targetClass !== undefined)) {
    throw new MlsecError("E_USAGE", "--targeted and --target-class K go together");
  }
  const spec = attackSpecFrom(flags.attack, flags.eps, flags);
  const { loadDataset, saveDataset } = await import("../../data/index.js");
  const { evaluateRobustness } = await import("../../attacks/index.js");
  const { sliceBatch } = await import("../../core/index.js");
  const data = await loadDataset(flags.data);
  const target = await openTarget(modelPath, flags, data.x.shape.slice(1));
  const progress = ctx.progress();
  try {
    const n = Math.min(flags.limit ?? data.y.length, data.y.length);
    const x = sliceBatch(data.x, 0, n);
    const y = data.y.slice(0, n);
    const validate = (target.model as { validateInput?: (t: typeof x) => void }).validateInput;
    validate?.call(target.model, x);
    const { summary, result } = await evaluateRobustness(target.model, x, y, spec, {
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
      {
        model: target.label,
        data: flags.data,
        ...summary,
        ...(target.endpoint
          ? { endpoint: { queries: target.endpoint.queries, requests: target.endpoint.requests } }
          : {}),
        savedTo: flags.saveAdversarial ?? null,
      },
      formatSummary,
    );
  } finally {
    progress.stop();
    await target.release();
  }
  return 0;
}

export function registerAttack(program: Command): void {
  const command = program
    .command("attack")
    .description(
      "run an evasion attack on a model (ONNX file or HTTP endpoint) over a labelled dataset and report robust accuracy",
    )
    .argument("[model]", "ONNX model file (or use --endpoint)")
    .requiredOption("--data <file>", ".npz with x and y")
    .option(
      "--attack <name>",
      `attack: ${ATTACK_NAMES.join(", ")}`,
      parseChoice("--attack", ATTACK_NAMES),
      "pgd",
    )
    .requiredOption(
      "--eps <e>",
      "perturbation budget (radius of the norm ball)",
      parseNumber("--eps", Number.MIN_VALUE),
    );
  attackParamOptions(command)
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
    );
  endpointOptions(command).action(action(attack));
}
