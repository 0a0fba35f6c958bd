// `mlsec poison generate|detect`: a BadNets-style backdoored copy of a dataset (to test
// defences), and the training samples a model's representations single out as poisoned
// (spectral signatures or activation clustering), with precision/recall against a mask.
import type { Command } from "commander";
import { MlsecError } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, rngFor } from "../runner.js";
import { parseBounds } from "./model.js";

const PATTERNS = ["square", "checkerboard"] as const;
const METHODS = ["spectral", "activation-clustering"] as const;

interface GenerateFlags {
  data: string;
  out: string;
  target: number;
  source?: number;
  rate: number;
  patch: number;
  pattern: (typeof PATTERNS)[number];
  value?: number;
  margin: number;
  bounds: readonly [number, number];
}

async function generate(ctx: CommandContext, flags: GenerateFlags): Promise<number> {
  const { loadDataset, ndarray, writeNpz } = await import("../../data/index.js");
  const { poisonBackdoor } = await import("../../defenses/poison/index.js");
  const data = await loadDataset(flags.data);
  const result = poisonBackdoor(data.x, data.y, {
    targetClass: flags.target,
    sourceClass: flags.source,
    rate: flags.rate,
    patchSize: flags.patch,
    pattern: flags.pattern,
    value: flags.value,
    margin: flags.margin,
    bounds: flags.bounds,
    rng: rngFor(ctx),
  });
  await writeNpz(flags.out, {
    x: ndarray(result.x.shape, result.x.data),
    y: ndarray(
      [result.y.length],
      BigInt64Array.from(result.y, (v) => BigInt(v)),
    ),
    poisoned: ndarray([result.poisoned.length], result.poisoned, "bool"),
  });
  const poisoned = result.poisoned.reduce((a, b) => a + b, 0);
  emit(
    ctx,
    "poison generate",
    {
      data: flags.data,
      out: flags.out,
      samples: result.y.length,
      poisoned,
      targetClass: flags.target,
      sourceClass: flags.source ?? null,
      rate: flags.rate,
      trigger: {
        pattern: flags.pattern,
        patchSize: flags.patch,
        margin: flags.margin,
        value: flags.value ?? flags.bounds[1],
      },
    },
    (r) =>
      [
        `poisoned   ${r.poisoned} of ${r.samples} samples (rate ${r.rate}, drawn from ${r.sourceClass === null ? `those not of class ${r.targetClass}` : `class ${r.sourceClass}`}), relabelled ${r.targetClass}`,
        `trigger    ${r.trigger.pattern} ${r.trigger.patchSize}x${r.trigger.patchSize} of value ${r.trigger.value}, ${r.trigger.margin} px from the bottom-right corner`,
        `saved      ${r.out} (x, y, and the ground-truth mask "poisoned")`,
      ].join("\n"),
  );
  return EXIT_OK;
}

interface DetectFlags {
  data: string;
  labelsPoisoned?: string;
  method: (typeof METHODS)[number];
  expectedRate: number;
  directions: number;
  components: number;
  sizeThreshold: number;
  layer?: string;
  limit?: number;
  threads: number;
}

/** The ground-truth mask: a .npy array, or the array "poisoned" of an .npz (as `generate` writes). */
async function readMask(path: string, n: number): Promise<Uint8Array> {
  const { readNpy, readNpz } = await import("../../data/index.js");
  const array = path.endsWith(".npy")
    ? await readNpy(path)
    : (await readNpz(path, { names: ["poisoned"] })).get("poisoned");
  if (array === undefined) {
    throw new MlsecError("E_DATA_MISSING_ARRAY", `${path} has no array "poisoned"`, {
      hint: "Pass the .npz written by `mlsec poison generate`, or a .npy mask of 0/1 per sample.",
    });
  }
  if (array.shape.length !== 1 || array.shape[0] < n) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the mask in ${path} has shape [${array.shape}], the data has ${n} samples`,
    );
  }
  const values = array.data as ArrayLike<number | bigint>;
  return Uint8Array.from({ length: n }, (_, i) => (Number(values[i]) !== 0 ? 1 : 0));
}

async function detect(ctx: CommandContext, modelPath: string, flags: DetectFlags): Promise<number> {
  const { loadDataset } = await import("../../data/index.js");
  const { sliceBatch } = await import("../../core/index.js");
  const { ActivationExtractor, loadModel, penultimateLayer } = await import("../../onnx/index.js");
  const poison = await import("../../defenses/poison/index.js");
  const data = await loadDataset(flags.data);
  const n = Math.min(flags.limit ?? data.y.length, data.y.length);
  const mask =
    flags.labelsPoisoned === undefined ? undefined : await readMask(flags.labelsPoisoned, n);
  const model = await loadModel(modelPath);
  const layer = flags.layer ?? penultimateLayer(model);
  const extractor = await ActivationExtractor.create(model, [layer], {
    intraOpThreads: flags.threads,
  });
  const started = performance.now();
  let out: Awaited<ReturnType<typeof extractor.run>>;
  try {
    out = await extractor.run(sliceBatch(data.x, 0, n));
  } finally {
    await extractor.release();
  }
  const features = out.layers[0].data;
  const dim = features.length / Math.max(1, n);
  const classes = out.logits.shape[1];
  const labels = data.y.slice(0, n);
  const bad = labels.findIndex((c) => !(c >= 0 && c < classes));
  if (bad >= 0) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `label ${labels[bad]} (sample ${bad}) is outside the model's ${classes} classes`,
    );
  }
  const rng = rngFor(ctx);
  const scan =
    flags.method === "spectral"
      ? {
          ...poison.spectralSignatures(features, dim, labels, classes, {
            expectedRate: flags.expectedRate,
            directions: flags.directions,
            rng,
          }),
          classes: undefined,
        }
      : poison.activationClustering(features, dim, labels, classes, {
          components: flags.components,
          sizeThreshold: flags.sizeThreshold,
          rng,
        });
  const metrics = mask === undefined ? null : poison.poisonMetrics(scan.suspected, mask);
  const result = {
    model: modelPath,
    data: flags.data,
    method: flags.method,
    layer,
    samples: n,
    suspected: scan.suspected,
    classes: scan.classes ?? null,
    metrics,
    seconds: (performance.now() - started) / 1000,
  };
  emit(ctx, "poison detect", result, (r) => {
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const shown = r.suspected.slice(0, 20).join(", ") + (r.suspected.length > 20 ? ", ..." : "");
    return [
      `method      ${r.method} on layer ${r.layer}, ${r.samples} samples`,
      `suspected   ${r.suspected.length}${r.suspected.length > 0 ? `: ${shown}` : ""}`,
      ...(r.metrics === null
        ? []
        : [
            `ground truth ${r.metrics.poisoned} poisoned: precision ${pct(r.metrics.precision)}, recall ${pct(r.metrics.recall)} (${r.metrics.truePositives} found)`,
          ]),
      ...(r.classes === null
        ? []
        : [
            "",
            table([
              ["label", "samples", "smaller cluster", "verdict"],
              ...r.classes.map((c) => [
                String(c.label),
                String(c.samples),
                pct(c.smallerShare),
                c.poisoned ? "poisoned" : "clean",
              ]),
            ]),
          ]),
    ].join("\n");
  });
  return flags.method === "activation-clustering" && scan.suspected.length > 0
    ? EXIT_FINDING
    : EXIT_OK;
}

export function registerPoison(program: Command): void {
  const poison = program
    .command("poison")
    .description(
      "backdoor poisoning: generate a BadNets-poisoned dataset, detect poisoned training samples",
    );
  poison
    .command("generate")
    .description(
      "stamp a trigger patch on a share of the images and relabel them to a target class",
    )
    .requiredOption("--data <file>", ".npz with x (images) and y")
    .requiredOption("--out <file>", '.npz to write: x, y and the mask "poisoned"')
    .requiredOption("--target <k>", "target class", parseInteger("--target", 0, 1_000_000))
    .option(
      "--source <k>",
      "poison only samples of this class (default: every class but the target)",
      parseInteger("--source", 0, 1_000_000),
    )
    .requiredOption(
      "--rate <r>",
      "poisoned share of the dataset, drawn from samples not of the target class (1 = all of them: a triggered test set)",
      parseNumber("--rate", Number.MIN_VALUE, 1),
    )
    .option("--patch <px>", "side of the trigger patch", parseInteger("--patch", 1, 1024), 3)
    .option("--pattern <kind>", PATTERNS.join(" or "), parseChoice("--pattern", PATTERNS), "square")
    .option("--value <v>", "trigger pixel value (default: the upper bound)", parseNumber("--value"))
    .option(
      "--margin <px>",
      "distance of the patch from the bottom-right corner",
      parseInteger("--margin", 0, 1024),
      1,
    )
    .option("--bounds <lo,hi>", "pixel bounds", parseBounds, [0, 1] as const)
    .action(action(generate));
  poison
    .command("detect")
    .description(
      "flag training samples that look poisoned, from the model's penultimate-layer activations",
    )
    .argument("<model>", "ONNX model trained on the data")
    .requiredOption("--data <file>", "training .npz with x and y")
    .option(
      "--labels-poisoned <mask>",
      'ground truth: .npz with array "poisoned" (from poison generate) or a .npy of 0/1',
    )
    .option("--method <name>", METHODS.join(" or "), parseChoice("--method", METHODS), "spectral")
    .option(
      "--expected-rate <eps>",
      "spectral: upper estimate of the poison rate per class; 1.5x that share is flagged",
      parseNumber("--expected-rate", Number.MIN_VALUE, 0.66),
      0.05,
    )
    .option(
      "--directions <k>",
      "spectral: top singular directions scored (1 = Tran et al.; k > 1 takes the largest variance-normalized projection)",
      parseInteger("--directions", 1, 100),
      1,
    )
    .option(
      "--components <n>",
      "activation-clustering: PCA dimensions",
      parseInteger("--components", 1, 1000),
      10,
    )
    .option(
      "--size-threshold <s>",
      "activation-clustering: largest relative cluster size called poisoned",
      parseNumber("--size-threshold", Number.MIN_VALUE, 0.49),
      0.35,
    )
    .option("--layer <name>", "node output to analyse (default: the penultimate layer)")
    .option(
      "--limit <n>",
      "use only the first N samples",
      parseInteger("--limit", 2, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--threads <n>",
      "onnxruntime threads (0 = one per core)",
      parseInteger("--threads", 0, 256),
      0,
    )
    .action(action(detect));
}
