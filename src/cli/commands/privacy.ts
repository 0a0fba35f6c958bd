// `mlsec privacy epsilon|noise|query`: differential-privacy accounting for DP-SGD-style training
// (issue 6): the epsilon spent by the Poisson-subsampled Gaussian mechanism, and its inverse;
// `mlsec privacy query`: DP aggregates of a CSV column charged to a persistent budget ledger;
// `mlsec privacy audit`: a membership-inference audit of a model (loss or confidence attack).
// `mlsec privacy train`: DP-SGD training of a cnn or mlp with the epsilon spent per epoch.
import type { Command } from "commander";
import type { BudgetStatus } from "../../privacy/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, MlsecError, rngFor } from "../runner.js";
import { loadTrainingData } from "./training-data.js";

const ACCOUNTANTS = ["rdp", "pld"] as const;
const CONVERSIONS = ["improved", "classic"] as const;

interface AccountingFlags {
  delta: number;
  samplingRate: number;
  steps: number;
  accountant: (typeof ACCOUNTANTS)[number];
  conversion?: (typeof CONVERSIONS)[number];
  interval?: number;
}

function checkFlags(flags: AccountingFlags): void {
  if (flags.accountant === "pld" && flags.conversion !== undefined) {
    throw new MlsecError("E_USAGE", "--conversion applies to the rdp accountant only");
  }
  if (flags.accountant === "rdp" && flags.interval !== undefined) {
    throw new MlsecError("E_USAGE", "--interval applies to the pld accountant only");
  }
}

/** The accountant's settings, as echoed in the output. */
function settings(flags: AccountingFlags) {
  return flags.accountant === "rdp"
    ? { conversion: flags.conversion ?? "improved" }
    : { interval: flags.interval ?? 1e-4 };
}

const fmt = (x: number, digits = 7) =>
  Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : "inf";

function describeAccountant(flags: AccountingFlags, order?: number): string {
  if (flags.accountant === "pld") {
    return `pld accountant, interval ${flags.interval ?? 1e-4}`;
  }
  const conv = `${flags.conversion ?? "improved"} conversion`;
  return order === undefined
    ? `rdp accountant, ${conv}`
    : `rdp accountant, ${conv}, order ${order}`;
}

async function epsilonCommand(
  ctx: CommandContext,
  flags: AccountingFlags & { noiseMultiplier: number },
): Promise<number> {
  checkFlags(flags);
  const { createAccountant, dpSgdEvent } = await import("../../privacy/index.js");
  const accountant = createAccountant(flags.accountant, flags);
  accountant.compose(dpSgdEvent(flags.samplingRate, flags.noiseMultiplier, flags.steps));
  const r = accountant.getEpsilon(flags.delta);
  const result = {
    epsilon: r.epsilon,
    delta: r.delta,
    accountant: r.accountant,
    ...(r.optimalOrder === undefined ? {} : { optimalOrder: r.optimalOrder }),
    ...settings(flags),
    samplingRate: flags.samplingRate,
    noiseMultiplier: flags.noiseMultiplier,
    steps: flags.steps,
  };
  emit(
    ctx,
    "privacy epsilon",
    result,
    (x) =>
      `epsilon ${fmt(x.epsilon)} at delta ${x.delta} (${describeAccountant(flags, x.optimalOrder)})\n` +
      `  ${x.steps} steps, sampling rate ${x.samplingRate}, noise multiplier ${x.noiseMultiplier}`,
  );
  return EXIT_OK;
}

async function noiseCommand(
  ctx: CommandContext,
  flags: AccountingFlags & { targetEpsilon: number },
): Promise<number> {
  checkFlags(flags);
  const { noiseMultiplierFor } = await import("../../privacy/index.js");
  const r = noiseMultiplierFor({ ...flags });
  const result = {
    noiseMultiplier: r.noiseMultiplier,
    epsilon: r.epsilon,
    targetEpsilon: flags.targetEpsilon,
    delta: r.delta,
    accountant: r.accountant,
    ...settings(flags),
    samplingRate: flags.samplingRate,
    steps: flags.steps,
  };
  emit(
    ctx,
    "privacy noise",
    result,
    (x) =>
      `noise multiplier ${fmt(x.noiseMultiplier)} gives epsilon ${fmt(x.epsilon, 10)} <= ${x.targetEpsilon} at delta ${x.delta}\n` +
      `  ${x.steps} steps, sampling rate ${x.samplingRate} (${describeAccountant(flags)})`,
  );
  return EXIT_OK;
}

function accountingOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      "--sampling-rate <q>",
      "Poisson sampling rate per step (batch size / dataset size)",
      parseNumber("--sampling-rate", 0, 1),
    )
    .requiredOption(
      "--steps <n>",
      "number of training steps",
      parseInteger("--steps", 1, 1_000_000_000),
    )
    .requiredOption("--delta <d>", "target delta, e.g. 1e-5", parseNumber("--delta", 1e-300, 0.5))
    .option(
      "--accountant <kind>",
      "rdp (Renyi DP) or pld (privacy loss distributions, tighter, slower)",
      parseChoice("--accountant", ACCOUNTANTS),
      "rdp",
    )
    .option(
      "--conversion <kind>",
      "RDP to (eps, delta): improved (Balle et al. 2020) or classic (Mironov 2017); default improved",
      parseChoice("--conversion", CONVERSIONS),
    )
    .option(
      "--interval <width>",
      "PLD discretization interval (default 1e-4)",
      parseNumber("--interval", 1e-6, 1),
    );
}

const QUERY_KINDS = ["count", "sum", "mean", "histogram", "quantile"] as const;

interface QueryFlags {
  data: string;
  sqlLike: (typeof QUERY_KINDS)[number];
  column?: string;
  epsilon: number;
  bounds?: readonly [number, number];
  privacyUnit?: string;
  maxContributions: number;
  quantile?: number;
  bins?: number;
  categories?: string;
  groupBy?: string;
  groups?: string;
  budget?: number;
  dataset?: string;
  store?: string;
}

function parseFiniteBounds(value: string): readonly [number, number] {
  const parts = value.split(",").map((p) => p.trim());
  const [lo, hi] = parts.map(Number);
  if (
    parts.length !== 2 ||
    parts.some((p) => p === "") ||
    !Number.isFinite(lo) ||
    !Number.isFinite(hi) ||
    !(lo < hi)
  ) {
    throw new MlsecError("E_USAGE", `--bounds must be "L,U" with finite L < U, got "${value}"`);
  }
  return [lo, hi];
}

async function queryCommand(ctx: CommandContext, flags: QueryFlags): Promise<number> {
  const { createHash } = await import("node:crypto");
  const { parseCsv, readFileBounded } = await import("../../data/index.js");
  const { openStore, resolveStoreConfig } = await import("../../store/index.js");
  const { BudgetLedger, runQuery, secureRandom } = await import("../../privacy/index.js");
  const bytes = await readFileBounded(flags.data, 2 ** 30);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new MlsecError("E_DATA_FORMAT", `${flags.data} is not UTF-8 text`);
  }
  const dataset = flags.dataset ?? `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const spec = {
    kind: flags.sqlLike,
    column: flags.column,
    epsilon: flags.epsilon,
    bounds: flags.bounds,
    privacyUnit: flags.privacyUnit,
    maxContributions: flags.maxContributions,
    quantile: flags.quantile,
    bins: flags.bins,
    categories: flags.categories?.split(",").map((c) => c.trim()),
    groupBy: flags.groupBy,
    groups: flags.groups?.split(",").map((g) => g.trim()),
  };
  // The answer is computed first but released only once the ledger has recorded its epsilon.
  const answer = runQuery(parseCsv(text), spec, rngFor(ctx), secureRandom);
  const store = await openStore(resolveStoreConfig(flags.store));
  let budget: BudgetStatus;
  try {
    const ledger = await BudgetLedger.open(store);
    const by = flags.groupBy === undefined ? "" : ` by ${flags.groupBy}`;
    const label = `${flags.sqlLike}(${flags.column ?? "*"})${by}`;
    budget = await ledger.spend(dataset, flags.epsilon, label, flags.budget);
  } finally {
    await store.close();
  }
  const result = {
    dataset,
    query: flags.sqlLike,
    column: flags.column ?? null,
    epsilon: flags.epsilon,
    ...(flags.groupBy === undefined ? {} : { groupBy: flags.groupBy }),
    ...("bins" in answer ? { bins: answer.bins } : {}),
    ...("groups" in answer ? { groups: answer.groups } : {}),
    ...("value" in answer ? { value: answer.value } : {}),
    budget: {
      total: budget.budget,
      spent: budget.spent,
      remaining: budget.remaining,
      queries: budget.queries,
    },
    store: store.location,
  };
  emit(ctx, "privacy query", result, (x) => {
    const head = `${x.query}(${x.column ?? "*"})`;
    const body = x.bins
      ? `${head}:\n${table(x.bins.map((b) => [`  ${b.label}`, String(b.count)]))}`
      : x.groups
        ? `${head} by ${x.groupBy}:\n${table(x.groups.map((g) => [`  ${g.group}`, fmt(g.value)]))}`
        : `${head} = ${fmt(x.value ?? Number.NaN)}`;
    return (
      `${body}\nepsilon ${x.epsilon}; budget ${x.budget.total}: spent ${fmt(x.budget.spent, 10)} ` +
      `in ${x.budget.queries} queries, ${fmt(x.budget.remaining, 10)} left (${x.dataset.slice(0, 23)})`
    );
  });
  return EXIT_OK;
}

const AUDIT_ATTACKS = ["loss", "confidence", "shadow", "lira"] as const;

interface AuditFlags {
  members: string;
  nonMembers: string;
  attack: (typeof AUDIT_ATTACKS)[number];
  limit?: number;
  batchSize: number;
  shadowData?: string;
  shadowModels: number;
  shadowEpochs: number;
  shadowBatchSize: number;
  shadowLr: number;
}

async function auditCommand(
  ctx: CommandContext,
  modelPath: string,
  flags: AuditFlags,
): Promise<number> {
  const { loadDataset } = await import("../../data/index.js");
  const { loadModel, OnnxClassifier } = await import("../../onnx/index.js");
  const { auditMembershipSampled, auditWithShadowModels, balancedSample } = await import(
    "../../attacks/index.js"
  );
  const { takeRows } = await import("../../core/index.js");
  const members = await loadDataset(flags.members);
  const nonMembers = await loadDataset(flags.nonMembers);
  const architecture = await loadModel(modelPath);
  const model = await OnnxClassifier.create(architecture, {
    batchSize: flags.batchSize,
  });
  const shadowAttack = flags.attack === "shadow" || flags.attack === "lira";
  if (shadowAttack !== (flags.shadowData !== undefined)) {
    throw new MlsecError(
      "E_USAGE",
      shadowAttack
        ? `--attack ${flags.attack} needs --shadow-data: labelled samples from the model's data distribution that it was not trained on`
        : "--shadow-data applies to --attack shadow or lira only",
    );
  }
  const shadowData =
    flags.shadowData === undefined ? undefined : await loadDataset(flags.shadowData);
  const progress = ctx.progress();
  let result: Awaited<ReturnType<typeof auditMembershipSampled>> & {
    shadowModels?: number;
    shadowSamples?: number;
    shadowSamplesDropped?: number;
  };
  try {
    // Check both sets' shapes before any scoring, so bad input fails with nothing printed.
    model.validateInput(members.x);
    model.validateInput(nonMembers.x);
    if (shadowData !== undefined) model.validateInput(shadowData.x);
    const rng = rngFor(ctx);
    if (shadowData !== undefined && shadowAttack) {
      const rows = balancedSample(members.y.length, nonMembers.y.length, rng, flags.limit);
      const pick = (s: typeof members, r: Int32Array) => ({
        x: takeRows(s.x, r),
        y: Int32Array.from(r, (i) => s.y[i]),
      });
      result = await auditWithShadowModels(
        model,
        architecture,
        pick(members, rows.members),
        pick(nonMembers, rows.nonMembers),
        shadowData,
        {
          attack: flags.attack as "shadow" | "lira",
          rng,
          shadowModels: flags.shadowModels,
          shadowEpochs: flags.shadowEpochs,
          shadowBatchSize: flags.shadowBatchSize,
          shadowLearningRate: flags.shadowLr,
          batchSize: flags.batchSize,
          onProgress: progress,
        },
      );
    } else {
      result = await auditMembershipSampled(model, members, nonMembers, rng, {
        attack: flags.attack as "loss" | "confidence",
        limit: flags.limit,
        batchSize: flags.batchSize,
        onProgress: progress,
      });
    }
  } finally {
    progress.stop();
    await model.release();
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  emit(ctx, "privacy audit", { model: modelPath, seed: ctx.seed, ...result }, (x) =>
    [
      `membership inference (${x.attack} attack) on ${x.model}: ${x.members} members vs ${x.nonMembers} non-members`,
      ...(x.shadowModels === undefined
        ? []
        : [
            `  ${x.shadowModels} shadow models on halves of ${x.shadowSamples} shadow samples (${x.shadowSamplesDropped} audited rows left out)`,
          ]),
      table([
        ["  AUC", x.auc.toFixed(4)],
        ...Object.entries(x.tprAtFpr).map(([f, t]) => [`  TPR at ${pct(Number(f))} FPR`, pct(t)]),
        ["  advantage (max TPR-FPR)", x.advantage.toFixed(4)],
        [
          "  accuracy members / non-members",
          `${pct(x.memberAccuracy)} / ${pct(x.nonMemberAccuracy)}`,
        ],
      ]),
    ].join("\n"),
  );
  return EXIT_OK;
}

const DP_ARCHS = ["cnn", "mlp"] as const;
const DP_OPTIMIZERS = ["sgd", "adam"] as const;

interface DpTrainFlags {
  arch: (typeof DP_ARCHS)[number];
  data: string;
  val?: string;
  out: string;
  noiseMultiplier?: number;
  targetEpsilon?: number;
  clip: number;
  batchSize: number;
  epochs: number;
  delta: number;
  lr?: number;
  optimizer: (typeof DP_OPTIMIZERS)[number];
  momentum: number;
  accountant: (typeof ACCOUNTANTS)[number];
  gradientMethod: "auto" | "in-graph" | "per-example-loop";
  hidden?: number;
  threads: number;
}

async function dpTrainCommand(ctx: CommandContext, o: DpTrainFlags): Promise<number> {
  if ((o.noiseMultiplier === undefined) === (o.targetEpsilon === undefined)) {
    throw new MlsecError("E_USAGE", "give exactly one of --noise-multiplier and --target-epsilon");
  }
  const { buildArchitecture, TRAINING_KEY, withMetadata } = await import(
    "../../onnx/architectures/index.js"
  );
  const { saveModel } = await import("../../onnx/index.js");
  const { noiseMultiplierFor, trainDpSgd } = await import("../../privacy/index.js");
  const { createRng } = await import("../../core/index.js");
  const { data, validation, classes } = await loadTrainingData(o.data, o.val);
  const n = data.y.length;
  if (o.batchSize > n) {
    throw new MlsecError(
      "E_USAGE",
      `--batch-size ${o.batchSize} exceeds the ${n} training samples of ${o.data}`,
    );
  }
  const samplingRate = o.batchSize / n;
  const steps = Math.ceil(n / o.batchSize) * o.epochs;
  const noiseMultiplier =
    o.noiseMultiplier ??
    noiseMultiplierFor({
      targetEpsilon: o.targetEpsilon!,
      delta: o.delta,
      samplingRate,
      steps,
      accountant: o.accountant,
    }).noiseMultiplier;
  const imageLike = !data.x.data.some((v) => v < 0 || v > 1);
  const bounds: readonly [number, number] = imageLike ? [0, 1] : [-Infinity, Infinity];
  const rng = createRng(ctx.seed);
  const model = buildArchitecture(o.arch, {
    inputShape: data.x.shape.slice(1),
    numClasses: classes,
    hidden: o.hidden === undefined ? undefined : [o.hidden],
    rng: rng.fork(),
    bounds,
  });
  const optimizer =
    o.optimizer === "sgd"
      ? { type: "sgd" as const, momentum: o.momentum }
      : { type: "adam" as const };
  const learningRate = o.lr ?? (o.optimizer === "sgd" ? 0.1 : 0.002);
  if (ctx.format === "text") {
    ctx.out(
      `DP-SGD: ${o.arch} on ${n} samples, sampling rate ${fmt(samplingRate, 4)}, noise multiplier ${fmt(noiseMultiplier, 5)}, clip ${o.clip}, ${steps} steps\n`,
    );
  }
  const progress = ctx.progress();
  let result: Awaited<ReturnType<typeof trainDpSgd>>;
  try {
    result = await trainDpSgd(model, data, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      noiseMultiplier,
      clipNorm: o.clip,
      delta: o.delta,
      learningRate,
      optimizer,
      rng: rng.fork(),
      accountant: o.accountant,
      validation,
      gradientMethod: o.gradientMethod,
      intraOpThreads: o.threads,
      onProgress: progress,
      onEpoch: (s) => {
        progress.stop();
        if (ctx.format !== "text") return;
        const val =
          s.valAccuracy === undefined ? "" : `  val_acc ${(100 * s.valAccuracy).toFixed(2)}%`;
        ctx.out(
          `epoch ${s.epoch}/${o.epochs}  loss ${s.trainLoss.toFixed(4)}  acc ${(100 * s.trainAccuracy).toFixed(2)}%${val}  epsilon ${fmt(s.epsilon, 4)}  clipped ${(100 * s.clippedFraction).toFixed(0)}%  ${s.seconds.toFixed(1)}s\n`,
        );
      },
    });
  } finally {
    progress.stop();
  }
  const privacy = {
    epsilon: result.epsilon,
    delta: result.delta,
    accountant: result.accountant,
    noiseMultiplier,
    clipNorm: o.clip,
    samplingRate,
    expectedBatchSize: o.batchSize,
    steps: result.steps,
  };
  const summary = {
    arch: o.arch,
    dpSgd: privacy,
    optimizer: { ...optimizer, learningRate },
    epochs: o.epochs,
    seed: ctx.seed,
    valAccuracy: result.validation?.accuracy ?? null,
  };
  await saveModel(o.out, withMetadata(result.model, { [TRAINING_KEY]: JSON.stringify(summary) }));
  const report = {
    out: o.out,
    arch: o.arch,
    samples: n,
    classes,
    ...privacy,
    ...(o.targetEpsilon === undefined ? {} : { targetEpsilon: o.targetEpsilon }),
    optimizer: summary.optimizer,
    gradientMethod: result.gradientMethod,
    ...(result.fallbackReason === undefined ? {} : { fallbackReason: result.fallbackReason }),
    history: result.history,
    valLoss: result.validation?.loss ?? null,
    valAccuracy: result.validation?.accuracy ?? null,
    examplesPerSecond: result.examplesPerSecond,
    seconds: result.seconds,
  };
  emit(ctx, "privacy train", report, (r) =>
    [
      r.fallbackReason === undefined
        ? ""
        : `per-example gradients one at a time (slower): ${r.fallbackReason}`,
      r.valAccuracy === null ? "" : `val accuracy ${(100 * r.valAccuracy).toFixed(2)}%`,
      `(epsilon ${fmt(r.epsilon, 4)}, delta ${r.delta})-DP (${r.accountant} accountant, ${r.steps} steps)`,
      `saved ${r.out} in ${r.seconds.toFixed(1)}s (${Math.round(r.examplesPerSecond)} examples/s, ${r.gradientMethod} per-example gradients)`,
    ]
      .filter((line) => line !== "")
      .join("\n"),
  );
  return EXIT_OK;
}

export function registerPrivacy(program: Command): void {
  const privacy = program
    .command("privacy")
    .description(
      "differential privacy: accounting for DP-SGD, noise calibration, DP queries, membership audits",
    );
  accountingOptions(
    privacy
      .command("epsilon")
      .description("epsilon spent by steps of the Poisson-subsampled Gaussian mechanism (DP-SGD)")
      .requiredOption(
        "--noise-multiplier <sigma>",
        "noise standard deviation / clipping norm",
        parseNumber("--noise-multiplier", 0, 1e6),
      ),
  ).action(action(epsilonCommand));
  accountingOptions(
    privacy
      .command("noise")
      .description("the smallest noise multiplier that keeps epsilon at or below a target")
      .requiredOption(
        "--target-epsilon <eps>",
        "epsilon budget to meet",
        parseNumber("--target-epsilon", 1e-6, 1e6),
      ),
  ).action(action(noiseCommand));
  privacy
    .command("query")
    .description("a DP aggregate of a CSV column, charged to the dataset's privacy budget")
    .requiredOption("--data <file>", "CSV file with a header row")
    .requiredOption(
      "--sql-like <kind>",
      `aggregate: ${QUERY_KINDS.join(", ")}`,
      parseChoice("--sql-like", QUERY_KINDS),
    )
    .option("--column <name>", "column to aggregate (count: rows with a value in it)")
    .requiredOption(
      "--epsilon <eps>",
      "epsilon this query spends",
      parseNumber("--epsilon", 1e-6, 100),
    )
    .option("--bounds <L,U>", "public bounds: values are clamped to them", parseFiniteBounds)
    .option("--privacy-unit <column>", "column naming the person (default: each row is one)")
    .option(
      "--max-contributions <k>",
      "rows kept per privacy unit (contribution bounding)",
      parseInteger("--max-contributions", 1, 1_000_000),
      1,
    )
    .option("--quantile <q>", "quantile to estimate (default 0.5)", parseNumber("--quantile", 0, 1))
    .option(
      "--bins <n>",
      "numeric histogram: equal bins over --bounds (default 10)",
      parseInteger("--bins", 1, 100_000),
    )
    .option("--categories <a,b,...>", "categorical histogram: the public list of categories")
    .option("--group-by <column>", "one answer per group (count, sum, mean, quantile)")
    .option("--groups <a,b,...>", "with --group-by: the public list of groups to report")
    .option(
      "--budget <eps>",
      "the dataset's total budget (set on its first query)",
      parseNumber("--budget", 1e-6, 1e6),
    )
    .option("--dataset <name>", "ledger key of the dataset (default: sha256 of the file)")
    .option(
      "--store <url>",
      "store: SQLite file path or postgres:// URL (default $MLSEC_STORE or ./.mlsec/mlsec.db)",
    )
    .action(action(queryCommand));
  privacy
    .command("train")
    .description("train a cnn or mlp with DP-SGD (per-example clipping + Gaussian noise)")
    .requiredOption(
      "--arch <arch>",
      `architecture: ${DP_ARCHS.join(", ")}`,
      parseChoice("--arch", DP_ARCHS),
    )
    .requiredOption("--data <file.npz>", "training data: x float32 [N, ...], y integer [N]")
    .option("--val <file.npz>", "validation data, evaluated after every epoch")
    .requiredOption("--out <model.onnx>", "where to write the trained model")
    .option(
      "--noise-multiplier <sigma>",
      "noise standard deviation / clipping norm",
      parseNumber("--noise-multiplier", 1e-6, 1e6),
    )
    .option(
      "--target-epsilon <eps>",
      "pick the smallest noise multiplier that keeps epsilon at or below this",
      parseNumber("--target-epsilon", 1e-6, 1e6),
    )
    .option("--clip <C>", "per-example gradient norm bound", parseNumber("--clip", 1e-9, 1e9), 1)
    .option(
      "--batch-size <n>",
      "expected batch size (Poisson sampling rate = n / samples)",
      parseInteger("--batch-size", 1, 1_000_000),
      256,
    )
    .option(
      "--epochs <n>",
      "epochs (steps = ceil(samples / batch) x epochs)",
      parseInteger("--epochs", 1, 100_000),
      10,
    )
    .option("--delta <d>", "target delta", parseNumber("--delta", 1e-300, 0.5), 1e-5)
    .option(
      "--lr <rate>",
      "learning rate (default 0.1 for sgd, 0.002 for adam)",
      parseNumber("--lr", 1e-12),
    )
    .option(
      "--optimizer <name>",
      DP_OPTIMIZERS.join(" or "),
      parseChoice("--optimizer", DP_OPTIMIZERS),
      "adam",
    )
    .option("--momentum <m>", "sgd momentum", parseNumber("--momentum", 0, 0.999), 0.9)
    .option("--accountant <kind>", "rdp or pld", parseChoice("--accountant", ACCOUNTANTS), "rdp")
    .option(
      "--gradient-method <m>",
      "auto (in-graph where the layers allow), in-graph, or per-example-loop",
      parseChoice("--gradient-method", ["auto", "in-graph", "per-example-loop"] as const),
      "auto",
    )
    .option(
      "--hidden <width>",
      "width of the hidden fully-connected layer",
      parseInteger("--hidden", 1, 1_000_000),
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 1024),
      0,
    )
    .action(action(dpTrainCommand));
  privacy
    .command("audit")
    .description(
      "membership-inference audit: how well an attack tells training data from unseen data",
    )
    .argument("<model>", "ONNX model file")
    .requiredOption("--members <file>", "samples the model was trained on (.npz with x, y)")
    .requiredOption("--non-members <file>", "samples from the same distribution it never saw")
    .option(
      "--attack <kind>",
      "loss (Yeom et al. 2018: -cross-entropy), confidence (top softmax probability), shadow (Shokri et al. 2017) or lira (offline, Carlini et al. 2022)",
      parseChoice("--attack", AUDIT_ATTACKS),
      "loss",
    )
    .option(
      "--shadow-data <file>",
      "shadow/lira: labelled samples from the same distribution the model was NOT trained on (rows equal to audited samples are dropped)",
    )
    .option(
      "--shadow-models <k>",
      "shadow models to train (same architecture as the model)",
      parseInteger("--shadow-models", 1, 1024),
      4,
    )
    .option(
      "--shadow-epochs <n>",
      "epochs per shadow model",
      parseInteger("--shadow-epochs", 1, 100_000),
      10,
    )
    .option(
      "--shadow-batch-size <n>",
      "shadow training batch size",
      parseInteger("--shadow-batch-size", 1, 65536),
      64,
    )
    .option(
      "--shadow-lr <rate>",
      "shadow training learning rate (Adam)",
      parseNumber("--shadow-lr", 1e-12, 10),
      0.001,
    )
    .option(
      "--limit <n>",
      "at most N members and N non-members (seeded sample; default: the smaller set's size)",
      parseInteger("--limit", 1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--batch-size <n>",
      "samples per model call",
      parseInteger("--batch-size", 1, 65536),
      256,
    )
    .action(action(auditCommand));
}
