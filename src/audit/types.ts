// The audit's result: one section per check that ran, timed, plus findings across sections.
// This object is the JSON report (with schemaVersion) and feeds the HTML and SARIF renderers.

import type { ValueSummary } from "../onnx/index.js";
import type { SystemDescription, ThreatModel } from "../threat/index.js";

export type AuditSeverity = "critical" | "high" | "medium" | "low";
export const AUDIT_SEVERITIES: readonly AuditSeverity[] = ["critical", "high", "medium", "low"];

export interface AuditFinding {
  readonly id: string;
  readonly section: string;
  readonly severity: AuditSeverity;
  readonly title: string;
  readonly detail: string;
  /** The mlsec command that checks or fixes it. */
  readonly command?: string;
}

export interface RobustnessPoint {
  readonly attack: "fgsm" | "pgd" | "square";
  readonly eps: number;
  readonly robustAccuracy: number;
  readonly successRate: number;
  readonly seconds: number;
  /** Samples attacked, when fewer than the section's (Square runs on a subset). */
  readonly samples?: number;
}

export interface AuditSections {
  scan?: {
    verdict: string;
    format: string;
    findings: readonly { ruleId: string; severity: string; message: string }[];
  };
  model?: {
    inputs: readonly ValueSummary[];
    outputs: readonly ValueSummary[];
    opset: number | null;
    producer: string;
    parameterCount: number;
    nodeCount: number;
    opHistogram: Readonly<Record<string, number>>;
    differentiable: boolean;
    unsupportedOps: readonly { opType: string; node: string }[];
  };
  accuracy?: {
    samples: number;
    accuracy: number;
    perClass: readonly { label: number; support: number; accuracy: number | null }[];
  };
  robustness?: {
    samples: number;
    norm: "inf";
    bounds: readonly [number, number];
    points: readonly RobustnessPoint[];
    skipped?: string;
  };
  signature?: {
    status: "verified" | "failed" | "unsigned" | "unverified";
    signaturePath: string;
    signer?: string;
    rootDigest?: string;
    error?: { code: string; message: string };
  };
  membership?: {
    attack: string;
    members: number;
    nonMembers: number;
    auc: number;
    tprAtFpr: Readonly<Record<string, number>>;
    advantage: number;
    memberAccuracy: number;
    nonMemberAccuracy: number;
    roc: readonly (readonly [number, number])[];
  };
  explanations?: {
    method: string;
    samples: number;
    /** Tabular: mean drop per feature; images: mean |attribution| per pixel. */
    values: readonly number[];
    features: readonly string[];
    inputShape: readonly number[];
    note: string;
  };
  threats?: ThreatModel;
  /** The system description the threat model was built from (plain data, embedded). */
  system?: SystemDescription;
}

export interface AuditResult {
  readonly model: string;
  readonly data: string | null;
  readonly train: string | null;
  readonly system: string | null;
  readonly profile: "quick" | "standard" | "thorough";
  readonly seed: number;
  readonly startedAt: string;
  /** 0-100: 100 minus weighted findings. */
  readonly score: number;
  readonly findings: readonly AuditFinding[];
  readonly timings: readonly { section: string; seconds: number }[];
  readonly sections: AuditSections;
}
