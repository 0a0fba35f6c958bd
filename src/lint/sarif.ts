// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for lint results.

import { LINT_RULES, type LintSeverity } from "./findings.js";
import type { LintResult } from "./lint.js";

export const SARIF_LEVEL: Readonly<Record<LintSeverity, "error" | "warning" | "note">> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
};

export function lintToSarif(result: LintResult, version: string): object {
  const ids = Object.keys(LINT_RULES) as (keyof typeof LINT_RULES)[];
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlsec-lint",
            version,
            informationUri: "https://github.com/mlsec/mlsec",
            rules: ids.map((id) => ({
              id,
              shortDescription: { text: LINT_RULES[id].title },
              defaultConfiguration: { level: SARIF_LEVEL[LINT_RULES[id].severity] },
            })),
          },
        },
        results: [
          ...result.findings.map((f) => ({ f, suppressions: undefined as object[] | undefined })),
          ...result.suppressed.map((f) => ({
            f,
            suppressions: [{ kind: "inSource", justification: f.reason }],
          })),
        ].map(({ f, suppressions }) => ({
          ruleId: f.ruleId,
          ruleIndex: ids.indexOf(f.ruleId),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.path.split("\\").join("/") },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          ...(suppressions === undefined ? {} : { suppressions }),
        })),
      },
    ],
  };
}
