// AVID report export (AI Vulnerability Database, https://avidml.org; report data model v0.2 as in
// avidml/avidtools `datamodels/report.py`): one report per incident, with the AVID taxonomy's
// SEP (security/ethics/performance) and lifecycle views derived from the incident's ATLAS
// techniques. AVID reports are published openly, so callers drop incidents above their TLP
// limit and redact free text before anything leaves.
import { ATLAS_MITIGATIONS, ATLAS_TECHNIQUES } from "./atlas-table.js";
import type { Incident } from "./model.js";

export const AVID_DATA_VERSION = "0.2";
export const AVID_TAXONOMY_VERSION = "0.2";

type LangValue = { lang: "eng"; value: string };

export interface AvidReport {
  data_type: "AVID";
  data_version: string;
  metadata: { report_id: string };
  affects: {
    developer: string[];
    deployer: string[];
    artifacts: { type: "Model" | "Dataset" | "System"; name: string }[];
  };
  problemtype: { classof: "Undefined"; type: "Issue"; description: LangValue };
  metrics: never[];
  references: { type: "source"; label: string; url: string }[];
  description: LangValue;
  impact: {
    avid: {
      risk_domain: string[];
      sep_view: string[];
      lifecycle_view: string[];
      taxonomy_version: string;
    };
  };
  credit: LangValue[];
  reported_date: string;
}

const SEP = {
  S0100: "S0100: Software Vulnerability",
  S0200: "S0200: Supply Chain Compromise",
  S0201: "S0201: Model Compromise",
  S0202: "S0202: Software Compromise",
  S0300: "S0300: Over-permissive API",
  S0301: "S0301: Information Leak",
  S0302: "S0302: Excessive Queries",
  S0400: "S0400: Model Bypass",
  S0403: "S0403: Adversarial Example",
  S0500: "S0500: Exfiltration",
  S0501: "S0501: Model inversion",
  S0502: "S0502: Model theft",
  S0600: "S0600: Data Poisoning",
  S0601: "S0601: Ingest Poisoning",
} as const;
type SepCode = keyof typeof SEP;

const LIFECYCLE = {
  L03: "L03: Data Preparation",
  L04: "L04: Model Development",
  L06: "L06: Deployment",
} as const;
type LifecycleCode = keyof typeof LIFECYCLE;

/**
 * ATLAS technique (or sub-technique) → AVID SEP categories and lifecycle stages. The most
 * specific entry wins: `AML.T0024.002` before `AML.T0024`.
 */
const TECHNIQUE_VIEWS: ReadonlyMap<string, { sep: SepCode[]; lifecycle: LifecycleCode[] }> =
  new Map([
    ["AML.T0010", { sep: ["S0200"], lifecycle: ["L04", "L06"] }],
    ["AML.T0010.001", { sep: ["S0200", "S0202"], lifecycle: ["L04", "L06"] }],
    ["AML.T0010.002", { sep: ["S0200", "S0600"], lifecycle: ["L03"] }],
    ["AML.T0010.003", { sep: ["S0200", "S0201"], lifecycle: ["L04", "L06"] }],
    ["AML.T0011", { sep: ["S0100"], lifecycle: ["L06"] }],
    ["AML.T0011.000", { sep: ["S0100", "S0201"], lifecycle: ["L04", "L06"] }],
    ["AML.T0015", { sep: ["S0400"], lifecycle: ["L06"] }],
    ["AML.T0018", { sep: ["S0201"], lifecycle: ["L04"] }],
    ["AML.T0019", { sep: ["S0600"], lifecycle: ["L03"] }],
    ["AML.T0020", { sep: ["S0600"], lifecycle: ["L03"] }],
    ["AML.T0024", { sep: ["S0500"], lifecycle: ["L06"] }],
    ["AML.T0024.000", { sep: ["S0500", "S0301"], lifecycle: ["L06"] }],
    ["AML.T0024.001", { sep: ["S0500", "S0501"], lifecycle: ["L06"] }],
    ["AML.T0024.002", { sep: ["S0500", "S0502"], lifecycle: ["L06"] }],
    ["AML.T0029", { sep: ["S0302"], lifecycle: ["L06"] }],
    ["AML.T0031", { sep: ["S0201"], lifecycle: ["L06"] }],
    ["AML.T0034", { sep: ["S0302"], lifecycle: ["L06"] }],
    ["AML.T0040", { sep: ["S0300"], lifecycle: ["L06"] }],
    ["AML.T0043", { sep: ["S0403"], lifecycle: ["L06"] }],
    ["AML.T0043.004", { sep: ["S0403", "S0201"], lifecycle: ["L04", "L06"] }],
    ["AML.T0048.004", { sep: ["S0502"], lifecycle: ["L06"] }],
    ["AML.T0051", { sep: ["S0400"], lifecycle: ["L06"] }],
    ["AML.T0054", { sep: ["S0400"], lifecycle: ["L06"] }],
    ["AML.T0056", { sep: ["S0301"], lifecycle: ["L06"] }],
    ["AML.T0057", { sep: ["S0301"], lifecycle: ["L06"] }],
    ["AML.T0058", { sep: ["S0200", "S0201"], lifecycle: ["L04"] }],
    ["AML.T0059", { sep: ["S0600"], lifecycle: ["L03"] }],
    ["AML.T0070", { sep: ["S0601"], lifecycle: ["L06"] }],
    ["AML.T0076", { sep: ["S0201"], lifecycle: ["L04", "L06"] }],
  ]);

function viewsOf(technique: string) {
  return TECHNIQUE_VIEWS.get(technique) ?? TECHNIQUE_VIEWS.get(technique.split(".", 2).join("."));
}

function atlasUrl(id: string): string {
  const kind = id.startsWith("AML.M") ? "mitigations" : "techniques";
  return `https://atlas.mitre.org/${kind}/${id}`;
}

/** Builds the AVID report of one incident; `deployer` names the organisation that runs the model. */
export function incidentToAvid(
  incident: Incident,
  options: { deployer?: string } = {},
): AvidReport {
  const sep = new Set<SepCode>();
  const lifecycle = new Set<LifecycleCode>();
  for (const t of incident.techniques) {
    const v = viewsOf(t);
    for (const s of v?.sep ?? []) sep.add(s);
    for (const l of v?.lifecycle ?? []) lifecycle.add(l);
  }
  const deployer = options.deployer ?? incident.reporter;
  const references = [
    ...incident.techniques.map((t) => ({
      type: "source" as const,
      label: `MITRE ATLAS ${t} ${ATLAS_TECHNIQUES.get(t) ?? ""}`.trim(),
      url: atlasUrl(t),
    })),
    ...incident.mitigations
      .filter((m) => ATLAS_MITIGATIONS.has(m))
      .map((m) => ({
        type: "source" as const,
        label: `MITRE ATLAS mitigation ${m} ${ATLAS_MITIGATIONS.get(m) ?? ""}`.trim(),
        url: atlasUrl(m),
      })),
  ];
  const eng = (value: string): LangValue => ({ lang: "eng", value });
  return {
    data_type: "AVID",
    data_version: AVID_DATA_VERSION,
    metadata: { report_id: incident.id },
    affects: {
      developer: [],
      deployer: deployer ? [deployer] : [],
      artifacts: incident.models.map((m) => ({
        type: "Model",
        name: m.version ? `${m.name}@${m.version}` : m.name,
      })),
    },
    problemtype: { classof: "Undefined", type: "Issue", description: eng(incident.title) },
    metrics: [],
    references,
    description: eng(
      [incident.description, incident.impact && `Impact: ${incident.impact}`]
        .filter(Boolean)
        .join("\n\n") || incident.title,
    ),
    impact: {
      avid: {
        risk_domain: sep.size > 0 ? ["Security"] : [],
        sep_view: [...sep].sort().map((s) => SEP[s]),
        lifecycle_view: [...lifecycle].sort().map((l) => LIFECYCLE[l]),
        taxonomy_version: AVID_TAXONOMY_VERSION,
      },
    },
    credit: incident.reporter ? [eng(incident.reporter)] : [],
    reported_date: incident.created.slice(0, 10),
  };
}
