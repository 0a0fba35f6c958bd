import type { Command } from "commander";
import { MlsecError } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action } from "../runner.js";

interface EvalOptions {
  data: string;
  bounds?: readonly [number, number];
  batchSize?: number;
}

export function parseBounds(value: string): readonly [number, number] {
  const parts = value.split(",").map((s) => s.trim());
  const parse = (s: string) =>
    s === "-inf" ? -Infinity : s === "inf" || s === "+inf" ? Infinity : Number(s);
  const [lo, hi] = parts.map(parse);
  if (parts.length !== 2 || Number.isNaN(lo) || Number.isNaN(hi) || !(lo < hi)) {
    throw new MlsecError(
      "E_USAGE",
      `--bounds must be "lo,hi" with lo < hi (e.g. 0,1 or -inf,inf), got "${value}"`,
    );
  }
  return [lo, hi];
}

async function info(ctx: CommandContext, path: string): Promise<number> {
  const { loadModel, describeModel } = await import("../../onnx/index.js");
  const { unsupportedOps } = await import("../../onnx/autodiff/index.js");
  const model = await loadModel(path);
  const summary = describeModel(model);
  const unsupported = unsupportedOps(model);
  const result = {
    model: path,
    ...summary,
    differentiable: unsupported.length === 0,
    unsupportedOps: unsupported,
  };
  emit(ctx, "model info", result, (r) => {
    const shape = (s: readonly unknown[] | null) =>
      s === null ? "?" : `[${s.map((d) => d ?? "?").join(", ")}]`;
    const lines = [
      `model       ${r.model}`,
      `producer    ${r.producer || "-"}   ir ${r.irVersion}   opset ${r.opset ?? "-"}`,
      ...r.inputs.map((v) => `input       ${v.name}  ${v.dtype} ${shape(v.shape)}`),
      ...r.outputs.map((v) => `output      ${v.name}  ${v.dtype} ${shape(v.shape)}`),
      `parameters  ${r.parameterCount.toLocaleString("en-US")} in ${r.initializerCount} initializers`,
      `nodes       ${r.nodeCount}: ${Object.entries(r.opHistogram)
        .map(([op, n]) => `${op} ${n}`)
        .join(", ")}`,
      `gradients   ${r.differentiable ? "yes (white-box methods available)" : `no: ${r.unsupportedOps.map((u) => `${u.opType} at ${u.node}`).join(", ")}`}`,
    ];
    for (const [k, v] of Object.entries(r.metadata)) lines.push(`metadata    ${k} = ${v}`);
    return lines.join("\n");
  });
  return 0;
}

async function evaluate(ctx: CommandContext, path: string, options: EvalOptions): Promise<number> {
  const { loadModel, OnnxClassifier, evaluateClassifier } = await import("../../onnx/index.js");
  const { loadDataset } = await import("../../data/index.js");
  const [model, data] = await Promise.all([loadModel(path), loadDataset(options.data)]);
  const classifier = await OnnxClassifier.create(model, {
    bounds: options.bounds,
    batchSize: options.batchSize,
  });
  const evaluation = await evaluateClassifier(classifier, data.x, data.y);
  await classifier.release();
  emit(ctx, "model eval", { model: path, data: options.data, ...evaluation }, (r) => {
    const pct = (v: number | null) => (v === null ? "-" : `${(100 * v).toFixed(2)}%`);
    const c = r.confusion.length;
    const header = ["true\\pred", ...Array.from({ length: c }, (_, j) => String(j))];
    return [
      `accuracy    ${pct(r.accuracy)} on ${r.samples} samples (mean cross-entropy ${r.meanLoss.toFixed(4)})`,
      "",
      table([
        ["class", "support", "accuracy"],
        ...r.perClass.map((p) => [String(p.label), String(p.support), pct(p.accuracy)]),
      ]),
      "",
      "confusion matrix",
      table([header, ...r.confusion.map((row, i) => [String(i), ...row.map(String)])]),
    ].join("\n");
  });
  return 0;
}

interface GradcheckCliOptions {
  data: string;
  samples: number;
  coordinates: number;
  step: number;
  parameters: boolean;
}

async function gradcheckCommand(
  ctx: CommandContext,
  path: string,
  options: GradcheckCliOptions,
): Promise<number> {
  const { loadModel } = await import("../../onnx/index.js");
  const { gradcheck } = await import("../../onnx/gradcheck.js");
  const { loadDataset } = await import("../../data/index.js");
  const [model, data] = await Promise.all([loadModel(path), loadDataset(options.data)]);
  const result = await gradcheck(model, data.x, data.y, {
    samples: options.samples,
    coordinates: options.coordinates,
    step: options.step,
    parameters: options.parameters,
    seed: ctx.seed,
  });
  emit(ctx, "model gradcheck", { model: path, ...result }, (r) => {
    const lines = [
      `input gradient: max relative error ${r.maxRelativeError.toExponential(2)}, median ${r.medianRelativeError.toExponential(2)}, over ${r.samples} samples x ${r.coordinatesPerSample} coordinates (central differences, step ${r.step}; ${r.nonSmoothCoordinates} coordinates at a kink skipped)`,
    ];
    if (r.parameters.length > 0) {
      lines.push(
        "",
        table([
          ["parameter", "coordinates", "relative error"],
          ...r.parameters.map((p) => [
            p.name,
            String(p.coordinates),
            p.relativeError.toExponential(2),
          ]),
        ]),
      );
    }
    return lines.join("\n");
  });
  return 0;
}

export function registerModel(program: Command): void {
  const model = program.command("model").description("inspect, evaluate and check ONNX models");
  model
    .command("info")
    .description(
      "inputs, outputs, opset, parameter count, op histogram and differentiability of a model",
    )
    .argument("<model>", "ONNX model file")
    .action(action(info));
  model
    .command("eval")
    .description(
      "accuracy, per-class accuracy and confusion matrix on a labelled .npz (arrays x and y)",
    )
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", ".npz with x (float32 [N, ...]) and y (integer [N])")
    .option(
      "--bounds <lo,hi>",
      "input bounds (default: the model's mlsec.bounds metadata)",
      parseBounds,
    )
    .action(action(evaluate));
  model
    .command("gradcheck")
    .description(
      "compare the autodiff gradient with central finite differences of the model's loss",
    )
    .argument("<model>", "ONNX model file")
    .requiredOption("--data <file>", ".npz with x and y; a few samples are checked")
    .option("--samples <n>", "samples to check", parseInteger("--samples", 1, 1000), 3)
    .option(
      "--coordinates <n>",
      "random input coordinates per sample",
      parseInteger("--coordinates", 1, 100000),
      32,
    )
    .option("--step <h>", "finite-difference step", parseNumber("--step", 1e-8, 1), 1e-3)
    .option("--parameters", "also check every parameter tensor's gradient", false)
    .action(action(gradcheckCommand));
}
