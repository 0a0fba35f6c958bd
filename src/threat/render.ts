// Text and Markdown renderings of a threat model (JSON is the object itself).

import type { ThreatModel } from "./model.js";

const refs = (t: ThreatModel["threats"][number]) =>
  [...t.atlas.map((a) => a.id), ...t.owasp.map((o) => o.id)].join(", ");

export function threatModelText(m: ThreatModel): string {
  const lines = [`Threat model: ${m.system} (MITRE ATLAS ${m.atlasVersion})`, ""];
  for (const t of m.threats) {
    lines.push(
      `${t.severity.toUpperCase().padEnd(8)} ${t.id}  risk ${t.residualRisk} (L${t.likelihood}×I${t.impact}=${t.risk})  ${t.status}`,
      `  ${t.title}`,
      `  targets: ${t.targets.join(", ")}   refs: ${refs(t)}`,
    );
    for (const mit of t.mitigations) {
      const cmd = mit.command === null ? "" : `  [${mit.command}]`;
      lines.push(`  ${mit.covered ? "[x]" : "[ ]"} ${mit.title}${cmd}`);
    }
  }
  const s = m.summary;
  lines.push(
    "",
    `${s.total} threat(s): ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low; ${s.mitigated} fully mitigated`,
  );
  return lines.join("\n");
}

const md = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);

export function threatModelMarkdown(m: ThreatModel): string {
  const lines = [
    `# Threat model: ${md(m.system)}`,
    "",
    `MITRE ATLAS ${m.atlasVersion}; OWASP ML Top 10 (2023) and OWASP Top 10 for LLM Applications (2025).`,
    "",
    "| severity | threat | L × I | residual | status | ATLAS | OWASP | targets |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const t of m.threats) {
    lines.push(
      `| ${t.severity} | ${md(t.title)} | ${t.likelihood} × ${t.impact} | ${t.residualRisk} | ${t.status} | ${t.atlas.map((a) => `${a.id} ${md(a.name)}`).join("<br>")} | ${t.owasp.map((o) => `${o.id} ${md(o.name)}`).join("<br>")} | ${t.targets.map(md).join(", ")} |`,
    );
  }
  lines.push("", "## Mitigations", "");
  for (const t of m.threats) {
    lines.push(`### ${md(t.title)}`, "");
    for (const mit of t.mitigations) {
      const cmd = mit.command === null ? "" : ` — \`${mit.command}\``;
      lines.push(
        `- [${mit.covered ? "x" : " "}] ${md(mit.title)} (${mit.atlas.id} ${md(mit.atlas.name)})${cmd}`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}
