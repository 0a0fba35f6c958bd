import type { Command } from "commander";
import { argmaxRows, MlsecError, type Tensor } from "../../core/index.js";
import type { GradientExplanation, PermutationShapExplanation } from "../../explain/index.js";
import type { OnnxClassifier } from "../../onnx/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, rngFor } from "../runner.js";

const METHODS = [
  "exact",
  "kernelshap",
  "permshap",
  "ig",
  "saliency",
  "gradxinput",
  "smoothgrad",
  "permutation",
  "lime",
] as const;
const METRICS = ["accuracy", "log-loss"] as const;
type Method = (typeof METHODS)[number];
const OUTPUTS = ["probability", "logit", "log-odds"] as const;
const RULES = [
  "gausslegendre",
  "riemann_trapezoid",
  "riemann_middle",
  "riemann_left",
  "riemann_right",
] as const;

interface ExplainFlags {
  data: string;
  method: Method;
  index: number;
  class?: number;
  background?: string;
  backgroundSize: number;
  output: (typeof OUTPUTS)[number];
  samples?: number;
  steps: number;
  rule: (typeof RULES)[number];
  baselineValue?: number;
  noise: number;
  top: number;
  repeats: number;
  metric: (typeof METRICS)[number];
  labelColumn?: string;
  cell?: number;
  out?: string;
  html?: string;
  threads: number;
}

/** The explanation the command prints: one shape for every method. */
interface ExplainResult {
  model: string;
  data: string;
  index: number;
  label: number | null;
  method: Method;
  classIndex: number;
  predictedClass: number;
  /** What the attributions explain. */
  explained: string;
  prediction: number;
  baseValue: number | null;
  attributionSum: number;
  quality: Record<string, number>;
  parameters: Record<string, unknown>;
  features: string[];
  attributions: number[];
  notes: string[];
  heatmap: string | null;
  seconds: number;
}

/** "x3" for tabular features; "(row,col)" or "c1(row,col)" for pixels. */
function featureNames(shape: readonly number[]): string[] {
  const d = shape.reduce((a, b) => a * b, 1);
  const image = shape.length === 3 ? shape : shape.length === 2 ? [1, ...shape] : undefined;
  return Array.from({ length: d }, (_, i) => {
    if (!image) return `x${i}`;
    const [c, h, w] = image;
    const ch = Math.floor(i / (h * w));
    const r = Math.floor((i % (h * w)) / w);
    return `${c > 1 ? `c${ch}` : ""}(${r},${i % w})`;
  });
}

function render(r: ExplainResult, top: number): string {
  const order = r.attributions
    .map((v, i) => [v, i] as const)
    .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
    .slice(0, top);
  const fmt = (v: number) => (v >= 0 ? ` ${v.toFixed(6)}` : v.toFixed(6));
  const head: string[][] = [
    ["method", `${r.method}  ${JSON.stringify(r.parameters)}`],
    r.method === "permutation"
      ? ["data", `all rows (global importance)`]
      : [
          "sample",
          `#${r.index}${r.label === null ? "" : ` (label ${r.label})`}, predicted class ${r.predictedClass}`,
        ],
    [
      "explained",
      r.method === "permutation" ? r.explained : `${r.explained} of class ${r.classIndex}`,
    ],
    [r.method === "permutation" ? "score" : "prediction", r.prediction.toFixed(6)],
    ...(r.baseValue === null
      ? []
      : [
          [
            r.method === "ig" ? "baseline" : r.method === "lime" ? "intercept" : "base value",
            r.baseValue.toFixed(6),
          ],
        ]),
    ["sum", r.attributionSum.toFixed(6)],
    ...Object.entries(r.quality).map(([k, v]) => [k, v.toExponential(3)]),
  ];
  const lines = [
    table(head),
    "",
    `top ${order.length} of ${r.attributions.length} features by |attribution|:`,
    table(order.map(([v, i]) => [r.features[i], fmt(v)])),
    ...(r.heatmap ? ["", `heat-map: ${r.heatmap}`] : []),
    ...r.notes.map((n) => `note: ${n}`),
  ];
  return lines.join("\n");
}

/** Background rows from another file, checked against the model like the data itself. */
async function loadBackground(
  model: OnnxClassifier,
  path: string,
  labelColumn?: string,
): Promise<Tensor> {
  const { loadLabelledData } = await import("../../data/index.js");
  const { x } = await loadLabelledData(path, labelColumn ? { labelColumn } : {});
  model.validateInput(x);
  return x;
}

async function explain(ctx: CommandContext, modelPath: string, flags: ExplainFlags) {
  const started = performance.now();
  const { loadLabelledData } = await import("../../data/index.js");
  const { loadModel, OnnxClassifier } = await import("../../onnx/index.js");
  const ex = await import("../../explain/index.js");
  const data = await loadLabelledData(
    flags.data,
    flags.labelColumn ? { labelColumn: flags.labelColumn } : {},
  );
  const n = data.x.shape[0];
  if (flags.index >= n) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `--index ${flags.index}: ${flags.data} has ${n} rows`,
    );
  }
  const model = await OnnxClassifier.create(await loadModel(modelPath), {
    intraOpThreads: flags.threads,
  });
  const progress = ctx.progress();
  try {
    model.validateInput(data.x);
    const d = model.inputShape.reduce((a, b) => a * b, 1);
    const x = data.x.data.slice(flags.index * d, (flags.index + 1) * d);
    const sample: Tensor = { shape: [1, ...model.inputShape], data: x };
    const predictedClass = argmaxRows(await model.predict(sample))[0];
    const classIndex = flags.class ?? predictedClass;
    if (classIndex >= model.numClasses) {
      throw new MlsecError(
        "E_USAGE",
        `--class ${classIndex}: the model has ${model.numClasses} classes`,
      );
    }
    const isImage = ex.imageSize(model.inputShape) !== undefined;
    if (flags.out !== undefined && !isImage) {
      throw new MlsecError(
        "E_EXPLAIN_METHOD",
        "--out writes a heat-map, which needs an image model",
      );
    }
    const notes: string[] = [];
    let result: Omit<
      ExplainResult,
      "model" | "data" | "index" | "label" | "features" | "heatmap" | "seconds" | "predictedClass"
    >;
    if (flags.method === "permutation") {
      const r = await ex.permutationImportance(model, data.x, data.y, {
        repeats: flags.repeats,
        metric: flags.metric,
        rng: rngFor(ctx),
        onProgress: progress,
      });
      notes.push(
        "global: the drop in the score when one feature is shuffled across all rows of --data (--index and --class are not used); correlated features can hide each other's importance",
      );
      result = {
        method: "permutation",
        classIndex,
        explained: `${flags.metric === "accuracy" ? "accuracy" : "−log-loss"} drop when the feature is shuffled`,
        prediction: r.baselineScore,
        baseValue: null,
        attributionSum: r.importances.reduce((a, b) => a + b, 0),
        quality: {},
        parameters: {
          metric: r.metric,
          repeats: r.repeats,
          rows: r.rows,
          seed: ctx.seed,
          std: Array.from(r.std),
        },
        attributions: Array.from(r.importances),
        notes,
      };
    } else if (flags.method === "lime" && isImage) {
      const r = await ex.limeImage(model, x, {
        classIndex,
        output: flags.output,
        ...(flags.cell ? { cell: flags.cell } : {}),
        samples: flags.samples ?? 1000,
        rng: rngFor(ctx),
      });
      notes.push(
        `LIME coefficients per superpixel (a ${r.cell}×${r.cell} grid, ${r.superpixelWeights.length} cells): the output change when the cell is shown rather than replaced by its mean; each pixel carries its cell's coefficient`,
      );
      result = {
        method: "lime",
        classIndex,
        explained: `${flags.output} (ridge surrogate on superpixels)`,
        prediction: r.prediction,
        baseValue: r.intercept,
        attributionSum: r.superpixelWeights.reduce((a, b) => a + b, 0),
        quality: { score: r.score, localPrediction: r.localPrediction },
        parameters: {
          output: flags.output,
          samples: r.samples,
          kernelWidth: r.kernelWidth,
          cell: r.cell,
          seed: ctx.seed,
        },
        attributions: Array.from(r.attributions),
        notes,
      };
    } else if (flags.method === "lime") {
      const bgData = flags.background
        ? await loadBackground(model, flags.background, flags.labelColumn)
        : data.x;
      const r = await ex.limeTabular(model, x, bgData, {
        classIndex,
        output: flags.output,
        samples: flags.samples ?? 5000,
        rng: rngFor(ctx),
      });
      notes.push(
        "LIME coefficients: the output change when a feature lies in the same quartile of the background as x (local surrogate, not additive to f(x) − E[f])",
      );
      result = {
        method: "lime",
        classIndex,
        explained: `${flags.output} (ridge surrogate on quartile indicators)`,
        prediction: r.prediction,
        baseValue: r.intercept,
        attributionSum: r.attributions.reduce((a, b) => a + b, 0),
        quality: { score: r.score, localPrediction: r.localPrediction },
        parameters: {
          output: flags.output,
          samples: r.samples,
          kernelWidth: r.kernelWidth,
          background: flags.background ?? flags.data,
          quartiles: r.quartiles,
          seed: ctx.seed,
        },
        attributions: Array.from(r.attributions),
        notes,
      };
    } else if (
      flags.method === "exact" ||
      flags.method === "kernelshap" ||
      flags.method === "permshap"
    ) {
      if (flags.method === "exact" && d > ex.MAX_EXACT_FEATURES) {
        // Refuse before summarising the background (k-means over images is not free).
        throw new MlsecError(
          "E_EXPLAIN_METHOD",
          `exact Shapley enumerates 2^d coalitions; ${d} features is more than ${ex.MAX_EXACT_FEATURES}`,
          { hint: "Use --method kernelshap (sampled coalitions) or a gradient method for images." },
        );
      }
      const bgData = flags.background
        ? await loadBackground(model, flags.background, flags.labelColumn)
        : data.x;
      const background = ex.kmeansBackground(bgData, { k: flags.backgroundSize, rng: rngFor(ctx) });
      const options = { classIndex, output: flags.output, onProgress: progress };
      const sampled = { ...options, samples: flags.samples ?? 2048, rng: rngFor(ctx).fork() };
      const r =
        flags.method === "exact"
          ? await ex.exactShapley(model, x, background, options)
          : flags.method === "permshap"
            ? await ex.permutationShap(model, x, background, sampled)
            : await ex.kernelShap(model, x, background, sampled);
      notes.push(
        "interventional (independent) masking: each feature is replaced by background values on its own, so credit follows the model's use of a feature; near-duplicate features do not split credit, and a duplicate the model ignores gets 0",
      );
      if ("enumerated" in r && !r.enumerated && r.coalitions < 10 * d) {
        notes.push(
          `${r.coalitions} coalitions for ${d} features leave the regression loosely determined and the values noisy: raise --samples, or for images use lime (superpixels) or ig/smoothgrad`,
        );
      }
      if ("enumerated" in r && r.enumerated) {
        notes.push("every coalition fitted in --samples: these are the exact Shapley values");
      }
      const pairs = "permutations" in r ? (r as PermutationShapExplanation) : undefined;
      if (pairs) {
        notes.push(
          `${pairs.permutations} antithetic pair(s) of feature orders; each walk is exactly efficient, and parameters.standardErrors gives each value's sampling error${pairs.permutations < 2 ? " (needs ≥ 2 pairs: raise --samples)" : ""}`,
        );
      }
      result = {
        method: flags.method,
        classIndex,
        explained:
          flags.output === "log-odds"
            ? "probability through the logit link, log(p / (1 − p))"
            : `${flags.output} (identity link)`,
        prediction: r.prediction,
        baseValue: r.baseValue,
        attributionSum: r.attributions.reduce((a, b) => a + b, 0),
        quality: { efficiencyGap: r.efficiencyGap },
        parameters: {
          output: flags.output,
          background: flags.background ?? flags.data,
          backgroundRows: bgData.shape[0],
          kmeansCentroids: r.backgroundRows,
          coalitions: r.coalitions,
          modelEvaluations: r.modelEvaluations,
          ...(flags.method !== "exact" ? { samples: flags.samples ?? 2048, seed: ctx.seed } : {}),
          ...(pairs ? { permutations: pairs.permutations } : {}),
          ...(pairs && pairs.permutations > 1
            ? { standardErrors: Array.from(pairs.standardErrors) }
            : {}),
        },
        attributions: Array.from(r.attributions),
        notes,
      };
    } else {
      const explained = "log-probability (d log p_c/dx = −d CE/dx)";
      if (flags.method === "ig") {
        const baseline =
          flags.baselineValue === undefined
            ? undefined
            : new Float32Array(d).fill(flags.baselineValue);
        const r = await ex.integratedGradients(model, x, {
          classIndex,
          baseline,
          steps: flags.steps,
          rule: flags.rule,
        });
        result = {
          method: "ig",
          classIndex,
          explained,
          prediction: r.prediction,
          baseValue: r.baselineValue,
          attributionSum: r.attributions.reduce((a, b) => a + b, 0),
          quality: {
            convergenceDelta: r.convergenceDelta,
            relativeConvergenceDelta: r.relativeConvergenceDelta,
          },
          parameters: {
            steps: r.steps,
            rule: r.rule,
            baseline: flags.baselineValue ?? "zeros (clipped to bounds)",
          },
          attributions: Array.from(r.attributions),
          notes,
        };
      } else {
        let parameters: Record<string, unknown> = {};
        let r: GradientExplanation;
        if (flags.method === "smoothgrad") {
          const sg = await ex.smoothGrad(model, x, {
            classIndex,
            samples: flags.samples ?? 50,
            noiseLevel: flags.noise,
            rng: rngFor(ctx),
          });
          parameters = {
            samples: sg.samples,
            noiseLevel: flags.noise,
            sigma: sg.sigma,
            seed: ctx.seed,
          };
          r = sg;
        } else if (flags.method === "saliency") {
          r = await ex.saliency(model, x, classIndex);
        } else {
          r = await ex.gradientTimesInput(model, x, classIndex);
        }
        if (flags.method === "saliency")
          notes.push("saliency is |gradient|: magnitudes only, no sign");
        result = {
          method: flags.method,
          classIndex,
          explained,
          prediction: r.prediction,
          baseValue: null,
          attributionSum: r.attributions.reduce((a, b) => a + b, 0),
          quality: {},
          parameters,
          attributions: Array.from(r.attributions),
          notes,
        };
      }
    }
    progress.stop();
    const full: ExplainResult = {
      model: modelPath,
      data: flags.data,
      index: flags.index,
      label: data.y.length > flags.index ? data.y[flags.index] : null,
      predictedClass,
      features:
        data.featureNames?.length === x.length
          ? [...data.featureNames]
          : featureNames(model.inputShape),
      heatmap: flags.out ?? null,
      seconds: (performance.now() - started) / 1000,
      ...result,
    };
    const { writeFileAtomic } = await import("../../core/index.js");
    if (flags.out !== undefined) {
      const svg = ex.heatmapSvg(result.attributions, model.inputShape, {
        title: `${result.method} attributions, class ${classIndex}, sample ${flags.index}`,
      });
      await writeFileAtomic(flags.out, new TextEncoder().encode(svg));
    }
    if (flags.html !== undefined) {
      const { explanationHtml } = await import("./explain-html.js");
      const page = explanationHtml(full, model.inputShape, flags.top);
      await writeFileAtomic(flags.html, new TextEncoder().encode(page));
    }
    emit(ctx, "explain", full, (r) => render(r, flags.top));
    return 0;
  } finally {
    progress.stop();
    await model.release();
  }
}

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("attribute one prediction to the input features (Shapley values or gradients)")
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", ".npz with x (and y), or a CSV of numeric features")
    .option(
      "--label-column <name>",
      "CSV: the label column, left out of the features (default: label, y, target or class if present)",
    )
    .option(
      "--method <m>",
      `method: ${METHODS.join(", ")}`,
      parseChoice("--method", METHODS),
      "kernelshap",
    )
    .option("--index <n>", "row of --data to explain", parseInteger("--index", 0), 0)
    .option(
      "--class <k>",
      "class to explain (default: the predicted class)",
      parseInteger("--class", 0),
    )
    .option(
      "--background <file>",
      "SHAP/LIME: .npz or CSV whose rows are the background (default: --data)",
    )
    .option(
      "--background-size <k>",
      "SHAP: k-means centroids summarising the background",
      parseInteger("--background-size", 1, 100_000),
      50,
    )
    .option(
      "--output <o>",
      "SHAP/LIME: explain the class probability, its logit (raw score), or log-odds (probability through the logit link)",
      parseChoice("--output", OUTPUTS),
      "probability",
    )
    .option(
      "--samples <n>",
      "kernelshap/permshap: coalitions (default 2048); lime: perturbations (default 5000 tabular, 1000 images); smoothgrad: noisy copies (default 50)",
      parseInteger("--samples", 2, 10_000_000),
    )
    .option("--steps <n>", "ig: quadrature points", parseInteger("--steps", 2, 100_000), 50)
    .option("--rule <r>", `ig: ${RULES.join(", ")}`, parseChoice("--rule", RULES), "gausslegendre")
    .option(
      "--baseline-value <v>",
      "ig: constant baseline (default 0, clipped to the bounds)",
      parseNumber("--baseline-value"),
    )
    .option(
      "--noise <s>",
      "smoothgrad: σ as a fraction of the input's range",
      parseNumber("--noise", 0, 10),
      0.15,
    )
    .option(
      "--repeats <n>",
      "permutation: shuffles per feature",
      parseInteger("--repeats", 1, 10_000),
      5,
    )
    .option(
      "--metric <m>",
      "permutation: score whose drop is reported",
      parseChoice("--metric", METRICS),
      "accuracy",
    )
    .option(
      "--cell <px>",
      "lime on images: side of the square superpixels (default: image side / 7)",
      parseInteger("--cell", 1, 10_000),
    )
    .option("--top <n>", "text output: features listed", parseInteger("--top", 1, 1_000_000), 10)
    .option("--out <file.svg>", "image models: write the attribution heat-map as SVG")
    .option("--html <file.html>", "write the explanation as a self-contained HTML page")
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 256),
      0,
    )
    .action(action(explain));
}
