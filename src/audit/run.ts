// `mlsec audit`: runs the checks that exist on one model — file scan, signature, model info,
// clean accuracy, an FGSM/PGD/Square L∞ robustness sweep, a membership-inference audit when
// training data is given, a global explanation, and the threat model of its system — timing
// each section.

import { createRng, noProgress, type ProgressListener } from "../core/index.js";
import { explanationsSection } from "./explanations.js";
import { membershipSection } from "./membership.js";
import { PROFILES } from "./profiles.js";
import { robustnessSection } from "./robustness.js";
import { signatureSection } from "./signature.js";
import type { AuditFinding, AuditResult, AuditSections, AuditSeverity } from "./types.js";

export interface AuditOptions {
  readonly model: string;
  readonly data?: string;
  /** Training data: adds the membership-inference audit (members vs `data` as non-members). */
  readonly train?: string;
  readonly system?: string;
  /** The signature to check (default MODEL.sig) and the key it must verify with. */
  readonly signature?: string;
  readonly publicKey?: string;
  readonly profile: "quick" | "standard" | "thorough";
  readonly seed: number;
  readonly onProgress?: ProgressListener;
  /** Called as each section starts (for a status line). */
  readonly onSection?: (section: string) => void;
}

const WEIGHT: Readonly<Record<AuditSeverity, number>> = {
  critical: 25,
  high: 10,
  medium: 4,
  low: 1,
};

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

  await timed("signature", () => signatureSection(options.model, options, sections, findings));

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

  const profile = PROFILES[options.profile];
  if (options.data !== undefined) {
    const { loadLabelledData } = await import("../data/index.js");
    const data = await loadLabelledData(options.data);
    const classifier = await OnnxClassifier.create(modelProto);
    try {
      classifier.validateInput(data.x);
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
        robustnessSection(classifier, data, profile, options.seed, sections, findings, onProgress),
      );
      if (options.train !== undefined) {
        const members = await loadLabelledData(options.train);
        classifier.validateInput(members.x);
        await timed("membership", () =>
          membershipSection(
            classifier,
            members,
            data,
            profile,
            createRng(options.seed).fork(),
            sections,
            findings,
          ),
        );
      }
      await timed("explanations", () =>
        explanationsSection(classifier, data, profile, createRng(options.seed + 1), sections),
      );
    } finally {
      await classifier.release();
    }
  }

  if (options.system !== undefined) {
    await timed("threats", async () => {
      const { loadSystem, buildThreatModel } = await import("../threat/index.js");
      const system = await loadSystem(options.system as string);
      // Checks that ran here are controls in place (linked audit results): a robustness sweep is
      // adversarial testing, a membership audit that found no leak is a membership audit.
      const linked = [
        ...((sections.robustness?.points.length ?? 0) > 0 ? ["adversarial-testing" as const] : []),
        ...(sections.membership !== undefined && sections.membership.auc <= 0.6
          ? ["membership-audit" as const]
          : []),
      ];
      const controls = [...new Set([...system.controls, ...linked])];
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
    train: options.train ?? null,
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
