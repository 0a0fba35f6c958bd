// `mlsec model-card`: measure a model and write its model card (HTML or JSON).
import type { Command } from "commander";
import { MlsecError, writeFileAtomic } from "../../core/index.js";
import type { ModelCard } from "../../modelcard/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { parseInteger } from "../options.js";
import { emit, table } from "../output.js";
import { action } from "../runner.js";

interface ModelCardFlags {
  data: string;
  metadata?: string;
  members?: string;
  labelColumn?: string;
  robustnessSamples: number;
  out?: string;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function renderText(c: ModelCard, out: string | undefined): string {
  const q = c.quantitativeAnalyses;
  const rows: string[][] = [
    [
      "model",
      `${c.details.name} (${c.details.file.path}, ${c.details.architecture.parameters} parameters)`,
    ],
    ["evaluation data", `${c.evaluationData.path}, ${c.evaluationData.samples} samples`],
    ["accuracy", pct(q.accuracy)],
    [
      "robust accuracy",
      "points" in q.robustness
        ? q.robustness.points.map((p) => `${pct(p.robustAccuracy)} at ε=${p.eps}`).join(", ")
        : `not measured (${q.robustness.skipped})`,
    ],
    [
      "top features",
      "features" in q.featureImportance
        ? q.featureImportance.features
            .slice(0, 3)
            .map((f) => `${f.name} ${f.importance.toFixed(3)}`)
            .join(", ")
        : "not measured",
    ],
    [
      "membership AUC",
      "auc" in q.membershipInference ? q.membershipInference.auc.toFixed(3) : "not measured",
    ],
  ];
  return [
    table(rows),
    ...c.caveats.map((x) => `caveat: ${x}`),
    ...(out ? [`wrote ${out}`] : []),
  ].join("\n");
}

async function modelCard(
  ctx: CommandContext,
  model: string,
  flags: ModelCardFlags,
  version: string,
) {
  const kind =
    flags.out === undefined
      ? undefined
      : /\.html?$/i.test(flags.out)
        ? "html"
        : /\.json$/i.test(flags.out)
          ? "json"
          : null;
  if (kind === null) {
    throw new MlsecError("E_USAGE", `--out ${flags.out}: write a .html or a .json file`);
  }
  const mc = await import("../../modelcard/index.js");
  const metadata = flags.metadata ? await mc.loadCardMetadata(flags.metadata) : undefined;
  const progress = ctx.progress();
  let card: ModelCard;
  try {
    card = await mc.buildModelCard({
      model,
      data: flags.data,
      ...(metadata ? { metadata } : {}),
      ...(flags.members ? { members: flags.members } : {}),
      ...(flags.labelColumn ? { labelColumn: flags.labelColumn } : {}),
      robustnessSamples: flags.robustnessSamples,
      seed: ctx.seed,
      generator: `mlsec ${version}`,
      onProgress: progress,
    });
  } finally {
    progress.stop();
  }
  if (flags.out !== undefined) {
    const text =
      kind === "html" ? await mc.modelCardHtml(card) : `${JSON.stringify(card, null, 2)}\n`;
    await writeFileAtomic(flags.out, new TextEncoder().encode(text));
  }
  emit(ctx, "model-card", card, (c) => renderText(c, flags.out));
  return EXIT_OK;
}

export function registerModelCard(program: Command): void {
  const version = program.version() ?? "0.0.0";
  program
    .command("model-card")
    .description(
      "measure a model and write its model card (Mitchell et al. 2019): accuracy per class, PGD robustness, feature importance, membership leakage, plus what --metadata states",
    )
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", "labelled evaluation data (.npz with x, y, or a CSV)")
    .option("--metadata <card.yaml>", "what people state: intended use, owners, data, caveats…")
    .option("--members <train.npz>", "training data: adds a membership-inference audit")
    .option("--label-column <name>", "CSV: the label column")
    .option(
      "--robustness-samples <n>",
      "evaluation samples attacked with PGD (0 = skip)",
      parseInteger("--robustness-samples", 0, 1_000_000),
      200,
    )
    .option("--out <file>", "write the card: .html (self-contained page) or .json")
    .action(
      action((ctx, model: string, flags: ModelCardFlags) => modelCard(ctx, model, flags, version)),
    );
}
