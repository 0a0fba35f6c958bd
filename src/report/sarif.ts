// The audit's findings as SARIF 2.1.0 (OASIS, docs.oasis-open.org/sarif/sarif/v2.1.0/).

import type { AuditResult, AuditSeverity } from "../audit/index.js";

const LEVEL: Readonly<Record<AuditSeverity, "error" | "warning" | "note">> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
};

export function auditSarif(r: AuditResult, version: string): object {
  const ids = [...new Set(r.findings.map((f) => f.id))];
  const uri = (section: string) =>
    section === "threats" && r.system !== null ? r.system : r.model;
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlsec-audit",
            version,
            rules: ids.map((id) => {
              const f = r.findings.find((x) => x.id === id);
              return { id, shortDescription: { text: f?.title ?? id } };
            }),
          },
        },
        results: r.findings.map((f) => ({
          ruleId: f.id,
          ruleIndex: ids.indexOf(f.id),
          level: LEVEL[f.severity],
          message: { text: `${f.title}: ${f.detail}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: uri(f.section).split("\\").join("/") } },
            },
          ],
          properties: { severity: f.severity, section: f.section },
        })),
      },
    ],
  };
}
