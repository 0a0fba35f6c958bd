// Builds the threat model: applies every rule to the description, scores likelihood × impact
// (5×5 matrix as in OWASP Risk Rating / ISO 27005 style qualitative analysis), and marks each
// mitigation covered when the description declares its control.

import {
  ATLAS_MITIGATIONS,
  ATLAS_TACTICS,
  ATLAS_TECHNIQUES,
  ATLAS_VERSION,
} from "../incidents/index.js";
import { type OwaspId, owaspName, TECHNIQUE_TACTICS } from "./catalog.js";
import { THREAT_RULES, type ThreatRule } from "./rules.js";
import type { SystemDescription } from "./schema.js";

export type ThreatSeverity = "critical" | "high" | "medium" | "low";

export interface Threat {
  readonly id: string;
  readonly title: string;
  readonly targets: readonly string[];
  readonly atlas: readonly {
    id: string;
    name: string;
    tactics: readonly { id: string; name: string }[];
  }[];
  readonly owasp: readonly { id: OwaspId; name: string }[];
  readonly likelihood: number;
  readonly impact: number;
  readonly risk: number;
  /** Likelihood after the covered mitigations (one step per covered mitigation, at least 1). */
  readonly residualRisk: number;
  readonly severity: ThreatSeverity;
  readonly status: "open" | "partial" | "mitigated";
  readonly mitigations: readonly {
    title: string;
    control: string;
    atlas: { id: string; name: string };
    command: string | null;
    covered: boolean;
  }[];
}

export interface ThreatModel {
  readonly system: string;
  readonly atlasVersion: string;
  readonly threats: readonly Threat[];
  readonly summary: Readonly<Record<ThreatSeverity, number>> & {
    readonly total: number;
    readonly mitigated: number;
  };
}

export function severityOf(risk: number): ThreatSeverity {
  if (risk >= 16) return "critical";
  if (risk >= 10) return "high";
  if (risk >= 5) return "medium";
  return "low";
}

const clamp = (v: number) => Math.max(1, Math.min(5, v));
const SENSITIVITY = { low: 2, medium: 3, high: 5 } as const;

function score(rule: ThreatRule, s: SystemDescription, publicTarget: boolean) {
  const likelihood = clamp(rule.likelihood + (publicTarget ? 1 : 0));
  // A high-sensitivity asset raises the impact of every threat to at least its level.
  const assetImpact = Math.max(0, ...s.assets.map((a) => SENSITIVITY[a.sensitivity] - 1));
  const impact = clamp(Math.max(rule.impact, assetImpact));
  return { likelihood, impact };
}

export function buildThreatModel(s: SystemDescription): ThreatModel {
  const controls = new Set<string>(s.controls);
  const threats: Threat[] = [];
  for (const rule of THREAT_RULES) {
    const targets = rule.targets(s);
    if (targets.length === 0) continue;
    const { likelihood, impact } = score(
      rule,
      s,
      targets.some((c) => c.exposure === "public"),
    );
    const mitigations = rule.mitigations.map((m) => ({
      title: m.title,
      control: m.control,
      atlas: { id: m.atlas, name: ATLAS_MITIGATIONS.get(m.atlas) ?? m.atlas },
      command: m.command,
      covered: controls.has(m.control),
    }));
    const covered = mitigations.filter((m) => m.covered).length;
    const residualRisk = Math.max(1, likelihood - covered) * impact;
    threats.push({
      id: rule.id,
      title: rule.title,
      targets: [...new Set(targets.map((c) => c.id))],
      atlas: rule.atlas.map((id) => ({
        id,
        name: techniqueName(id),
        tactics: (TECHNIQUE_TACTICS[id] ?? []).map((t) => ({
          id: t,
          name: ATLAS_TACTICS.get(t) ?? t,
        })),
      })),
      owasp: rule.owasp.map((id) => ({ id, name: owaspName(id) })),
      likelihood,
      impact,
      risk: likelihood * impact,
      residualRisk,
      severity: severityOf(residualRisk),
      status: covered === 0 ? "open" : covered === mitigations.length ? "mitigated" : "partial",
      mitigations,
    });
  }
  threats.sort((a, b) => b.residualRisk - a.residualRisk || a.id.localeCompare(b.id));
  const count = (sev: ThreatSeverity) => threats.filter((t) => t.severity === sev).length;
  return {
    system: s.name,
    atlasVersion: ATLAS_VERSION,
    threats,
    summary: {
      total: threats.length,
      critical: count("critical"),
      high: count("high"),
      medium: count("medium"),
      low: count("low"),
      mitigated: threats.filter((t) => t.status === "mitigated").length,
    },
  };
}

/** A sub-technique's display name carries its parent's: "LLM Prompt Injection: Direct". */
function techniqueName(id: string): string {
  const name = ATLAS_TECHNIQUES.get(id) ?? id;
  const parent = id.split(".").length === 3 ? id.slice(0, id.lastIndexOf(".")) : undefined;
  const parentName = parent === undefined ? undefined : ATLAS_TECHNIQUES.get(parent);
  return parentName === undefined ? name : `${parentName}: ${name}`;
}
