// `mlsec pdp`: partial dependence and ICE curves of one feature (global explanation).
import type { Command } from "commander";
import { MlsecError } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger } from "../options.js";
import { emit, table } from "../output.js";
import { action } from "../runner.js";

const OUTPUTS = ["probability", "logit", "log-odds"] as const;

interface PdpFlags {
  data: string;
  feature: string;
  class: number;
  grid: number;
  output: (typeof OUTPUTS)[number];
  labelColumn?: string;
  maxRows: number;
  out?: string;
  threads: number;
}

/** `--feature` is an index, or a column name when the data is a CSV with a header. */
function featureIndex(spec: string, names: readonly string[] | undefined, d: number): number {
  if (/^\d+$/.test(spec)) {
    const i = Number(spec);
    if (i < d) return i;
  } else if (names?.includes(spec)) {
    return names.indexOf(spec);
  }
  throw new MlsecError("E_INVALID_ARGUMENT", `--feature ${spec}: not a feature of the model`, {
    hint: names
      ? `Give an index 0..${d - 1} or one of: ${names.join(", ")}.`
      : `Give an index 0..${d - 1}.`,
  });
}

async function pdp(ctx: CommandContext, modelPath: string, flags: PdpFlags) {
  const started = performance.now();
  const { loadLabelledData } = await import("../../data/index.js");
  const { loadModel, OnnxClassifier } = await import("../../onnx/index.js");
  const ex = await import("../../explain/index.js");
  const data = await loadLabelledData(
    flags.data,
    flags.labelColumn ? { labelColumn: flags.labelColumn } : {},
  );
  const model = await OnnxClassifier.create(await loadModel(modelPath), {
    intraOpThreads: flags.threads,
  });
  try {
    model.validateInput(data.x);
    const d = model.inputShape.reduce((a, b) => a * b, 1);
    const names = data.featureNames?.length === d ? data.featureNames : undefined;
    const feature = featureIndex(flags.feature, names, d);
    if (flags.class >= model.numClasses) {
      throw new MlsecError(
        "E_USAGE",
        `--class ${flags.class}: the model has ${model.numClasses} classes`,
      );
    }
    const n = Math.min(data.x.shape[0], flags.maxRows);
    const rows = { shape: [n, ...data.x.shape.slice(1)], data: data.x.data.subarray(0, n * d) };
    const r = await ex.partialDependence(model, rows, {
      feature,
      classIndex: flags.class,
      output: flags.output,
      gridSize: flags.grid,
    });
    const featureName = names?.[feature] ?? `x${feature}`;
    if (flags.out !== undefined) {
      const { writeFileAtomic } = await import("../../core/index.js");
      const svg = ex.partialDependenceSvg(r, {
        featureName,
        outputName: `${flags.output} of class ${flags.class}`,
      });
      await writeFileAtomic(flags.out, new TextEncoder().encode(svg));
    }
    const g = r.grid.length;
    const result = {
      model: modelPath,
      data: flags.data,
      feature,
      featureName,
      classIndex: flags.class,
      output: flags.output,
      rows: n,
      grid: Array.from(r.grid),
      average: Array.from(r.average),
      spread: Array.from(r.spread),
      ice: Array.from({ length: n }, (_, i) => Array.from(r.ice.subarray(i * g, (i + 1) * g))),
      plot: flags.out ?? null,
      seconds: (performance.now() - started) / 1000,
    };
    emit(ctx, "pdp", result, (x) =>
      [
        `partial dependence of the ${x.output} of class ${x.classIndex} on ${x.featureName} (${x.rows} rows)`,
        table([
          [x.featureName, "average", "ICE spread (sd)"],
          ...x.grid.map((v, k) => [
            v.toPrecision(4),
            x.average[k].toFixed(4),
            x.spread[k].toFixed(4),
          ]),
        ]),
        ...(x.plot ? [`plot: ${x.plot}`] : []),
      ].join("\n"),
    );
    return 0;
  } finally {
    await model.release();
  }
}

export function registerPdp(program: Command): void {
  program
    .command("pdp")
    .description("partial dependence and ICE curves: how the output moves with one feature")
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", ".npz with x, or a CSV of numeric features")
    .requiredOption("--feature <f>", "feature index, or column name for a CSV")
    .option("--class <k>", "class whose output is plotted", parseInteger("--class", 0), 0)
    .option(
      "--grid <n>",
      "grid points (quantiles of the feature)",
      parseInteger("--grid", 1, 10_000),
      20,
    )
    .option(
      "--output <o>",
      "the class probability, logit (raw score) or log-odds (logit link)",
      parseChoice("--output", OUTPUTS),
      "probability",
    )
    .option("--label-column <name>", "CSV: the label column, left out of the features")
    .option(
      "--max-rows <n>",
      "rows of --data used (the first N)",
      parseInteger("--max-rows", 1, 10_000_000),
      1000,
    )
    .option("--out <file.svg>", "write the plot (ICE curves and their average) as SVG")
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 256),
      0,
    )
    .action(action(pdp));
}
