// `mlsec audit`: runs the checks that exist on one model — file scan, model info, clean accuracy,
// an FGSM/PGD L∞ robustness sweep (Goodfellow et al. 2015, arXiv:1412.6572; Madry et al. 2018,
// arXiv:1706.06083), and the threat model of its system — timing each section.

import type { AttackSpec } from "../attacks/index.js";
import {
  type Classifier,
  createRng,
  noProgress,
  type ProgressListener,
  sliceBatch,
} from "../core/index.js";
import type {
  AuditFinding,
  AuditResult,
  AuditSections,
  AuditSeverity,
  RobustnessPoint,
} from "./types.js";

export interface AuditOptions {
  readonly model: string;
  readonly data?: string;
  readonly system?: string;
  readonly profile: "quick" | "standard";
  readonly seed: number;
  readonly onProgress?: ProgressListener;
  /** Called as each section starts (for a status line). */
  readonly onSection?: (section: string) => void;
}

export const PROFILES = {
  quick: { samples: 200, eps: [0.02, 0.05, 0.1, 0.2], pgdSteps: 10 },
  standard: { samples: 1000, eps: [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3], pgdSteps: 40 },
} as const;

const WEIGHT: Readonly<Record<AuditSeverity, number>> = {
  critical: 25,
  high: 10,
  medium: 4,
  low: 1,
};
/** The budget at which robustness is judged: ε = 0.1 in L∞ on [0, 1] inputs (scaled to the bounds). */
export const JUDGED_EPS = 0.1;

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const onProgress = options.onProgress ?? noProgress;
  const sections: AuditSections = {};
  const findings: AuditFinding[] = [];
  const timings: { section: string; seconds: number }[] = [];
  const startedAt = new Date().toISOString();
  const timed = async <T>(section: string, body: () => Promise<T>): Promise<T> => {
    options.onSection?.(section);
    const t0 = performance.now();
    try {
      return await body();
    } finally {
      timings.push({ section, seconds: (performance.now() - t0) / 1000 });
    }
  };

  await timed("scan", async () => {
    const { scanFile } = await import("../scan/index.js");
    const r = scanFile(options.model);
    sections.scan = {
      verdict: r.verdict,
      format: r.format,
      findings: r.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
      })),
    };
    if (r.verdict === "malicious" || r.verdict === "suspicious") {
      findings.push({
        id: "scan.verdict",
        section: "scan",
        severity: r.verdict === "malicious" ? "critical" : "high",
        title: `Model file is ${r.verdict}`,
        detail: r.findings.map((f) => f.message).join("; "),
        command: "mlsec scan",
      });
    }
  });

  const { loadModel, describeModel, OnnxClassifier, evaluateClassifier } = await import(
    "../onnx/index.js"
  );
  const modelProto = await timed("model", async () => {
    const { unsupportedOps } = await import("../onnx/autodiff/index.js");
    const proto = await loadModel(options.model);
    const d = describeModel(proto);
    const unsupported = unsupportedOps(proto);
    sections.model = {
      inputs: d.inputs,
      outputs: d.outputs,
      opset: d.opset,
      producer: d.producer,
      parameterCount: d.parameterCount,
      nodeCount: d.nodeCount,
      opHistogram: d.opHistogram,
      differentiable: unsupported.length === 0,
      unsupportedOps: unsupported,
    };
    if (unsupported.length > 0) {
      findings.push({
        id: "model.not-differentiable",
        section: "model",
        severity: "low",
        title: "White-box attacks cannot run on this graph",
        detail: `unsupported by autodiff: ${[...new Set(unsupported.map((u) => u.opType))].join(", ")}`,
        command: "mlsec model info",
      });
    }
    return proto;
  });

  if (options.data !== undefined) {
    const { loadDataset } = await import("../data/index.js");
    const data = await loadDataset(options.data);
    const classifier = await OnnxClassifier.create(modelProto);
    try {
      await timed("accuracy", async () => {
        const e = await evaluateClassifier(classifier, data.x, data.y);
        sections.accuracy = { samples: e.samples, accuracy: e.accuracy, perClass: e.perClass };
        if (e.accuracy < 0.9) {
          findings.push({
            id: "accuracy.low",
            section: "accuracy",
            severity: e.accuracy < 0.5 ? "high" : "medium",
            title: "Clean accuracy is low",
            detail: `${(100 * e.accuracy).toFixed(1)}% on ${e.samples} samples`,
            command: "mlsec model eval",
          });
        }
      });
      await timed("robustness", () =>
        robustness(classifier, data, options, sections, findings, onProgress),
      );
    } finally {
      await classifier.release();
    }
  }

  if (options.system !== undefined) {
    await timed("threats", async () => {
      const { loadSystem, buildThreatModel } = await import("../threat/index.js");
      const system = await loadSystem(options.system as string);
      // A robustness sweep that ran here is adversarial testing in place (a linked audit result).
      const tested = (sections.robustness?.points.length ?? 0) > 0;
      const controls = tested
        ? [...new Set([...system.controls, "adversarial-testing" as const])]
        : system.controls;
      const tm = buildThreatModel({ ...system, controls });
      sections.threats = tm;
      sections.system = system;
      for (const t of tm.threats) {
        if (t.status === "mitigated") continue;
        const open = t.mitigations.filter((m) => !m.covered);
        findings.push({
          id: `threat.${t.id}`,
          section: "threats",
          severity: t.severity,
          title: t.title,
          detail: `residual risk ${t.residualRisk}; open: ${open.map((m) => m.title).join("; ")}`,
          command: open.find((m) => m.command !== null)?.command ?? undefined,
        });
      }
    });
  }

  const order: Record<AuditSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  const score = Math.max(0, 100 - findings.reduce((s, f) => s + WEIGHT[f.severity], 0));
  return {
    model: options.model,
    data: options.data ?? null,
    system: options.system ?? null,
    profile: options.profile,
    seed: options.seed,
    startedAt,
    score,
    findings,
    timings,
    sections,
  };
}

async function robustness(
  classifier: Classifier & { readonly bounds: readonly [number, number] },
  data: { x: import("../core/index.js").Tensor; y: Int32Array },
  options: AuditOptions,
  sections: AuditSections,
  findings: AuditFinding[],
  onProgress: ProgressListener,
): Promise<void> {
  const profile = PROFILES[options.profile];
  const n = Math.min(profile.samples, data.x.shape[0]);
  const [lo, hi] = classifier.bounds;
  const x = sliceBatch(data.x, 0, n);
  const y = data.y.subarray(0, n);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    sections.robustness = {
      samples: n,
      norm: "inf",
      bounds: [lo, hi],
      points: [],
      skipped:
        "the model declares no finite input bounds (mlsec.bounds metadata), so ε has no scale",
    };
    return;
  }
  if (sections.model?.differentiable !== true) {
    sections.robustness = {
      samples: n,
      norm: "inf",
      bounds: [lo, hi],
      points: [],
      skipped: "the graph is not differentiable: FGSM/PGD need gradients",
    };
    return;
  }
  const { evaluateRobustness } = await import("../attacks/index.js");
  const rng = createRng(options.seed);
  const points: RobustnessPoint[] = [];
  const total = profile.eps.length * 2;
  let done = 0;
  for (const attack of ["fgsm", "pgd"] as const) {
    for (const e of profile.eps) {
      const eps = e * (hi - lo);
      const spec: AttackSpec =
        attack === "fgsm"
          ? { attack, eps, norm: "inf" }
          : {
              attack,
              eps,
              epsStep: eps / 4,
              steps: profile.pgdSteps,
              norm: "inf",
              randomInit: 0,
              earlyStop: true,
            };
      const { summary } = await evaluateRobustness(classifier, x, y, spec, { batchSize: 100, rng });
      points.push({
        attack,
        eps: e,
        robustAccuracy: summary.robustAccuracy,
        successRate: summary.successRate,
        seconds: summary.seconds,
      });
      onProgress({ task: "robustness", done: ++done, total });
    }
  }
  sections.robustness = { samples: n, norm: "inf", bounds: [lo, hi], points };
  const judged = points.find((p) => p.attack === "pgd" && p.eps === JUDGED_EPS);
  const clean = sections.accuracy?.accuracy ?? 1;
  if (judged !== undefined && judged.robustAccuracy < 0.8 * clean) {
    findings.push({
      id: "robustness.pgd",
      section: "robustness",
      severity: judged.robustAccuracy < 0.5 * clean ? "high" : "medium",
      title: `PGD at ε=${JUDGED_EPS} (L∞) drops accuracy to ${(100 * judged.robustAccuracy).toFixed(1)}%`,
      detail: `clean ${(100 * clean).toFixed(1)}%; attack success ${(100 * judged.successRate).toFixed(1)}% on ${n} samples`,
      command: "mlsec attack",
    });
  }
}
