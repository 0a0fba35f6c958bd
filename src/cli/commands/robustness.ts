import type { Command } from "commander";
import type { AttackSpec, RobustnessCurve } from "../../attacks/index.js";
import {
  type Classifier,
  escapeXml,
  isDifferentiable,
  MlsecError,
  type Tensor,
} from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { parseInteger } from "../options.js";
import { emit, table } from "../output.js";
import { action, rngFor } from "../runner.js";
import {
  type AttackParamFlags,
  attackParamOptions,
  attackSpecFrom,
  type EndpointFlags,
  endpointOptions,
  openTarget,
} from "./attack.js";
import { parseBounds } from "./model.js";

const SWEEP_ATTACKS = [
  "fgsm",
  "bim",
  "pgd",
  "apgd-ce",
  "apgd-dlr",
  "autoattack",
  "fab",
  "deepfool",
  "square",
  "hopskipjump",
  "nes",
  "spsa",
] as const;
type SweepAttack = (typeof SWEEP_ATTACKS)[number];

interface RobustnessFlags extends AttackParamFlags, EndpointFlags {
  data: string;
  attacks: SweepAttack[];
  eps: number[];
  batchSize: number;
  limit?: number;
  bounds?: readonly [number, number];
  threads: number;
  out?: string;
  clever: number;
}

function parseAttackList(value: string): SweepAttack[] {
  const names = value.split(",").map((s) => s.trim());
  for (const name of names) {
    if (!(SWEEP_ATTACKS as readonly string[]).includes(name)) {
      throw new MlsecError(
        "E_USAGE",
        `--attacks: unknown attack "${name}" (one of ${SWEEP_ATTACKS.join(", ")})`,
      );
    }
  }
  return names as SweepAttack[];
}

function parseEpsList(value: string): number[] {
  const values = value.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new MlsecError(
      "E_USAGE",
      `--eps must be positive numbers separated by commas, got "${value}"`,
    );
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function renderText(
  r: RobustnessCurve & { model: string; clever?: { meanScore: number; scores: number[] } | null },
): string {
  const epsList = r.worstCase.map((w) => w.eps);
  const attacks = [...new Set(r.points.map((p) => p.attack))];
  const rows = [
    ["robust accuracy", ...epsList.map((e) => `eps ${e}`)],
    ...attacks.map((a) => [
      a,
      ...epsList.map((e) => {
        const point = r.points.find((p) => p.attack === a && p.eps === e);
        return point ? pct(point.summary.robustAccuracy) : "-";
      }),
    ]),
    ["worst case", ...r.worstCase.map((w) => pct(w.robustAccuracy))],
  ];
  return [
    `model            ${r.model}`,
    `samples          ${r.n}`,
    `clean accuracy   ${pct(r.cleanAccuracy)}`,
    `empirical robustness (DeepFool L2, mean ||δ||/||x||)  ${r.empiricalRobustness === null ? "n/a (no gradients)" : r.empiricalRobustness.toFixed(4)}`,
    ...(r.clever
      ? [`CLEVER score (mean of ${r.clever.scores.length})  ${r.clever.meanScore.toFixed(4)}`]
      : []),
    "",
    table(rows),
  ].join("\n");
}

/** A self-contained HTML page with the robust-accuracy curves as an inline SVG chart. */
export async function renderHtml(r: RobustnessCurve & { model: string }): Promise<string> {
  const { lineChartSvg, REPORT_CSS } = await import("../../report/index.js");
  const curve = (name: string, points: readonly (readonly [number, number])[]) => ({
    name,
    points: [[0, r.cleanAccuracy] as const, ...points],
  });
  const chart = await lineChartSvg({
    title: "Robust accuracy vs ε",
    xTitle: "ε",
    yTitle: "robust accuracy",
    series: [
      ...[...new Set(r.points.map((p) => p.attack))].map((a) =>
        curve(
          a,
          r.points.filter((p) => p.attack === a).map((p) => [p.eps, p.summary.robustAccuracy]),
        ),
      ),
      curve(
        "worst case",
        r.worstCase.map((w) => [w.eps, w.robustAccuracy]),
      ),
    ],
  });
  const rows = r.points
    .map(
      (p) =>
        `<tr><td>${escapeXml(p.attack)}</td><td>${p.eps}</td><td>${pct(p.summary.robustAccuracy)}</td><td>${pct(p.summary.successRate)}</td><td>${p.summary.queries.meanPerSample.toFixed(1)}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>mlsec robustness: ${escapeXml(r.model)}</title>
<style>${REPORT_CSS}</style></head>
<body><h1>Robustness of ${escapeXml(r.model)}</h1>
<p>${r.n} samples, clean accuracy ${pct(r.cleanAccuracy)}; empirical robustness ${r.empiricalRobustness === null ? "n/a" : r.empiricalRobustness.toFixed(4)}.</p>
${chart}
<table><tr><th>attack</th><th>eps</th><th>robust accuracy</th><th>success rate</th><th>queries/sample</th></tr>${rows}</table>
</body></html>
`;
}

/** CLEVER scores of the first --clever N samples, at the largest eps as radius. */
async function cleverSummary(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
  flags: RobustnessFlags,
  ctx: CommandContext,
) {
  if (flags.clever === 0) return null;
  if (!isDifferentiable(model)) {
    throw new MlsecError("E_INVALID_ARGUMENT", "--clever needs model gradients (an ONNX file)");
  }
  if (flags.norm === "1") throw new MlsecError("E_USAGE", "--clever supports --norm inf or 2");
  const { cleverScore } = await import("../../attacks/index.js");
  const { sliceBatch } = await import("../../core/index.js");
  const radius = Math.max(...flags.eps);
  const rng = rngFor(ctx);
  const scores: number[] = [];
  for (let i = 0; i < Math.min(flags.clever, y.length); i++) {
    const s = await cleverScore(model, sliceBatch(x, i, i + 1), y[i], {
      radius,
      norm: flags.norm,
      rng,
    });
    scores.push(s.score);
  }
  return {
    norm: flags.norm,
    radius,
    meanScore: scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length),
    scores,
  };
}

async function robustness(
  ctx: CommandContext,
  modelPath: string | undefined,
  flags: RobustnessFlags,
): Promise<number> {
  // Build every spec first so that bad flags fail before any work.
  const specs: AttackSpec[] = flags.attacks.flatMap((a) =>
    flags.eps.map((e) => attackSpecFrom(a, e, flags)),
  );
  const { loadDataset } = await import("../../data/index.js");
  const { robustnessCurve } = await import("../../attacks/index.js");
  const { sliceBatch, writeFileAtomic } = await import("../../core/index.js");
  const data = await loadDataset(flags.data);
  const target = await openTarget(modelPath, flags, data.x.shape.slice(1));
  const progress = ctx.progress();
  try {
    const n = Math.min(flags.limit ?? data.y.length, data.y.length);
    const x = sliceBatch(data.x, 0, n);
    const y = data.y.slice(0, n);
    const started = performance.now();
    const curve = await robustnessCurve(target.model, x, y, specs, {
      batchSize: flags.batchSize,
      rng: rngFor(ctx),
      onProgress: progress,
    });
    const clever = await cleverSummary(target.model, x, y, flags, ctx);
    progress.stop();
    const result = {
      model: target.label,
      data: flags.data,
      ...curve,
      clever,
      points: curve.points.map((p) => ({
        attack: p.attack,
        eps: p.eps,
        robustAccuracy: p.summary.robustAccuracy,
        successRate: p.summary.successRate,
        meanNorms: p.summary.meanNorms,
        queries: p.summary.queries,
        seconds: p.summary.seconds,
        params: p.summary.params,
      })),
      seconds: (performance.now() - started) / 1000,
      report: flags.out ?? null,
    };
    if (flags.out !== undefined) {
      await writeFileAtomic(
        flags.out,
        new TextEncoder().encode(await renderHtml({ ...curve, model: target.label })),
      );
    }
    emit(ctx, "robustness", result, () => renderText({ ...curve, model: target.label, clever }));
  } finally {
    progress.stop();
    await target.release();
  }
  return 0;
}

export function registerRobustness(program: Command): void {
  const command = program
    .command("robustness")
    .description(
      "sweep attacks over budgets: robust-accuracy table and curve, worst case per sample",
    )
    .argument("[model]", "ONNX model file (or use --endpoint)")
    .requiredOption("--data <file>", ".npz with x and y")
    .option("--attacks <list>", `comma-separated: ${SWEEP_ATTACKS.join(", ")}`, parseAttackList, [
      "fgsm",
      "pgd",
    ])
    .requiredOption("--eps <list>", "budgets, e.g. 0.05,0.1,0.2,0.3", parseEpsList)
    .option("--out <report.html>", "also write a self-contained HTML report with the chart")
    .option(
      "--clever <n>",
      "CLEVER scores (radius = largest eps) for the first N samples",
      parseInteger("--clever", 0, 1_000_000),
      0,
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
      "use only the first N samples",
      parseInteger("--limit", 1, Number.MAX_SAFE_INTEGER),
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
  endpointOptions(command).action(action(robustness));
}
