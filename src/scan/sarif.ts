// SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json) for code scanning in CI (GitHub accepts it).
import type { Finding, Severity } from "./findings.js";
import type { ScanResult } from "./scan-file.js";

const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** GitHub orders alerts by this property: a CVSS-like score per severity. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.location.members !== undefined) parts.push(`in ${f.location.members.join(" > ")}`);
  if (f.location.offset !== undefined) parts.push(`at byte ${f.location.offset}`);
  if (f.location.opIndex !== undefined) parts.push(`opcode #${f.location.opIndex}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

export function toSarif(result: ScanResult, toolVersion: string): object {
  const rules = new Map<string, Severity>();
  for (const file of result.files) {
    for (const f of file.findings) {
      const prev = rules.get(f.ruleId);
      if (prev === undefined || severityRank(f.severity) < severityRank(prev)) {
        rules.set(f.ruleId, f.severity);
      }
    }
  }
  const ruleIds = [...rules.keys()].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlsec scan",
            informationUri: "https://github.com/mlsec/mlsec",
            version: toolVersion,
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: id },
              defaultConfiguration: { level: LEVEL[rules.get(id)!] },
              properties: { "security-severity": SECURITY_SEVERITY[rules.get(id)!] },
            })),
          },
        },
        results: result.files.flatMap((file) =>
          file.findings.map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: ruleIds.indexOf(f.ruleId),
            level: LEVEL[f.severity],
            message: { text: `${f.message}${where(f)}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUri(file.path) },
                  ...(f.location.offset !== undefined && f.location.members === undefined
                    ? { region: { byteOffset: f.location.offset } }
                    : {}),
                },
              },
            ],
            properties: {
              severity: f.severity,
              verdict: file.verdict,
              ...(f.callable === undefined ? {} : { callable: f.callable }),
            },
          })),
        ),
      },
    ],
  };
}

function severityRank(s: Severity): number {
  return ["critical", "high", "medium", "low", "info"].indexOf(s);
}

/** A relative URI reference with forward slashes (SARIF §3.10). */
function toUri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join("/");
}
