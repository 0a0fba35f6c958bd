// The audit report as one self-contained HTML file: inline CSS, inline SVG charts, no scripts
// and no network. Every value from the model, data or description is HTML-escaped.

import type { AuditResult } from "../audit/index.js";
import { escapeXml as esc } from "../core/index.js";
import { heatmapSvg } from "../explain/index.js";
import { dataFlowSvg, type SystemDescription, type ThreatModel } from "../threat/index.js";
import { barChartSvg, lineChartSvg } from "./charts.js";

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
export const REPORT_CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1080px;padding:24px;color:#1b1f24}
h1{margin:0 0 4px}h2{border-bottom:2px solid #e4e7eb;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}.muted{color:#57606a}.score{font-size:40px;font-weight:700}
.sev{display:inline-block;padding:0 6px;border-radius:4px;color:#fff;font-size:12px;text-transform:uppercase}
.critical{background:#8b0000}.high{background:#cf222e}.medium{background:#bf8700}.low{background:#57606a}
.summary{display:flex;gap:32px;align-items:center;flex-wrap:wrap}.chart{max-width:100%;height:auto}
code{background:#f6f8fa;padding:0 4px;border-radius:3px}
@media print{body{max-width:none;padding:0}h2{break-after:avoid}table,svg{break-inside:avoid}}
`;

const sev = (s: string) => `<span class="sev ${esc(s)}">${esc(s)}</span>`;

export async function auditHtml(r: AuditResult, version: string): Promise<string> {
  const s = r.sections;
  const out: string[] = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>mlsec audit: ${esc(r.model)}</title><style>${REPORT_CSS}</style></head><body>`,
    `<h1>mlsec audit report</h1><p class="muted">${esc(r.model)} · profile ${esc(r.profile)} · seed ${r.seed} · ${esc(r.startedAt)} · mlsec ${esc(version)}</p>`,
    `<section id="summary"><h2>Summary</h2><div class="summary"><div><div class="score">${r.score}/100</div><div class="muted">security score</div></div>`,
    `<div>${(["critical", "high", "medium", "low"] as const).map((k) => `${sev(k)} ${r.findings.filter((f) => f.severity === k).length}`).join(" &nbsp; ")}</div></div>`,
  ];
  if (r.findings.length === 0) out.push("<p>No findings.</p>");
  else {
    out.push(
      "<h3>Top findings</h3><table><tr><th>severity</th><th>finding</th><th>detail</th><th>check with</th></tr>",
    );
    for (const f of r.findings.slice(0, 10)) {
      out.push(
        `<tr><td>${sev(f.severity)}</td><td>${esc(f.title)}</td><td>${esc(f.detail)}</td><td>${f.command ? `<code>${esc(f.command)}</code>` : ""}</td></tr>`,
      );
    }
    out.push("</table>");
  }
  out.push("<h3>Time per section</h3><table><tr><th>section</th><th>seconds</th></tr>");
  for (const t of r.timings)
    out.push(`<tr><td>${esc(t.section)}</td><td>${t.seconds.toFixed(2)}</td></tr>`);
  out.push("</table></section>");

  if (s.scan) {
    out.push(
      `<section id="scan"><h2>File scan</h2><p>Format <code>${esc(s.scan.format)}</code>, verdict <strong>${esc(s.scan.verdict)}</strong>.</p>`,
    );
    if (s.scan.findings.length > 0) {
      out.push("<table><tr><th>severity</th><th>rule</th><th>message</th></tr>");
      for (const f of s.scan.findings)
        out.push(
          `<tr><td>${sev(f.severity)}</td><td>${esc(f.ruleId)}</td><td>${esc(f.message)}</td></tr>`,
        );
      out.push("</table>");
    }
    out.push("</section>");
  }
  if (s.signature) {
    const g = s.signature;
    const status =
      g.status === "verified"
        ? `verified — signed by ${esc(g.signer ?? "?")}, root digest <code>sha256:${esc(g.rootDigest ?? "")}</code>`
        : g.status === "failed"
          ? `<strong>does not verify</strong>: ${esc(g.error?.code ?? "")} ${esc(g.error?.message ?? "")}`
          : g.status === "unsigned"
            ? "no signature found"
            : "a signature exists but no key was given to verify it (--public-key)";
    out.push(
      `<section id="signature"><h2>Signature</h2><p><code>${esc(g.signaturePath)}</code>: ${status}.</p></section>`,
    );
  }
  if (s.model) {
    const m = s.model;
    const shape = (v: { name: string; shape: readonly unknown[] | null }) =>
      `${esc(v.name)} [${(v.shape ?? []).map((d) => esc(String(d ?? "?"))).join(", ")}]`;
    out.push(
      `<section id="model"><h2>Model</h2><table>`,
      `<tr><th>inputs</th><td>${m.inputs.map(shape).join("<br>")}</td></tr><tr><th>outputs</th><td>${m.outputs.map(shape).join("<br>")}</td></tr>`,
      `<tr><th>producer / opset</th><td>${esc(m.producer || "-")} / ${m.opset ?? "-"}</td></tr>`,
      `<tr><th>parameters</th><td>${m.parameterCount.toLocaleString("en")}</td></tr><tr><th>nodes</th><td>${m.nodeCount}</td></tr>`,
      `<tr><th>ops</th><td>${Object.entries(m.opHistogram)
        .map(([k, v]) => `${esc(k)} ×${v}`)
        .join(", ")}</td></tr>`,
      `<tr><th>gradients</th><td>${m.differentiable ? "yes — white-box attacks available" : `no: ${m.unsupportedOps.map((u) => esc(u.opType)).join(", ")}`}</td></tr></table></section>`,
    );
  }
  if (s.accuracy) {
    const a = s.accuracy;
    out.push(
      `<section id="accuracy"><h2>Clean accuracy</h2><p><strong>${pct(a.accuracy)}</strong> on ${a.samples} samples.</p><table><tr><th>class</th>${a.perClass.map((c) => `<th>${c.label}</th>`).join("")}</tr><tr><th>accuracy</th>${a.perClass.map((c) => `<td>${c.accuracy === null ? "-" : pct(c.accuracy)}</td>`).join("")}</tr></table></section>`,
    );
  }
  if (s.robustness) {
    const rb = s.robustness;
    out.push(`<section id="robustness"><h2>Robustness (L∞ attacks)</h2>`);
    if (rb.skipped) out.push(`<p>Skipped: ${esc(rb.skipped)}.</p>`);
    if (rb.points.length > 0) {
      const clean = s.accuracy?.accuracy;
      const attacks = [...new Set(rb.points.map((p) => p.attack))];
      out.push(
        await lineChartSvg({
          title: "Robust accuracy vs ε",
          xTitle: "ε (fraction of the input range)",
          yTitle: "robust accuracy",
          series: attacks.map((attack) => ({
            name: attack.toUpperCase(),
            points: [
              ...(clean === undefined ? [] : [[0, clean] as const]),
              ...rb.points
                .filter((p) => p.attack === attack)
                .map((p) => [p.eps, p.robustAccuracy] as const),
            ],
          })),
        }),
        `<p class="muted">${rb.samples} samples (Square: fewer, see the table), inputs in [${rb.bounds.join(", ")}]. Robust accuracy counts samples misclassified before the attack as not robust.</p>`,
        "<table><tr><th>attack</th><th>ε</th><th>robust accuracy</th><th>success rate</th><th>samples</th><th>seconds</th></tr>",
        ...rb.points.map(
          (p) =>
            `<tr><td>${p.attack.toUpperCase()}</td><td>${p.eps}</td><td>${pct(p.robustAccuracy)}</td><td>${pct(p.successRate)}</td><td>${p.samples ?? rb.samples}</td><td>${p.seconds.toFixed(2)}</td></tr>`,
        ),
        "</table>",
      );
    }
    out.push("</section>");
  }
  if (s.membership) {
    const m = s.membership;
    out.push(
      `<section id="membership"><h2>Membership inference</h2><p>${esc(m.attack)} attack on ${m.members} training members and ${m.nonMembers} test non-members: AUC <strong>${m.auc.toFixed(3)}</strong>, advantage ${m.advantage.toFixed(3)}, ${Object.entries(
        m.tprAtFpr,
      )
        .map(([f, t]) => `TPR ${pct(t)} at ${pct(Number(f))} FPR`)
        .join(
          ", ",
        )}. Accuracy on members ${pct(m.memberAccuracy)}, on non-members ${pct(m.nonMemberAccuracy)}.</p>`,
      await lineChartSvg({
        title: "Membership-inference ROC",
        xTitle: "false-positive rate",
        yTitle: "true-positive rate",
        series: [{ name: "loss threshold", points: m.roc }],
        diagonal: true,
      }),
      "</section>",
    );
  }
  if (s.explanations) {
    const e = s.explanations;
    out.push(
      `<section id="explanations"><h2>What the model relies on</h2><p>${esc(e.method)}: ${esc(e.note)}.</p>`,
    );
    if (e.features.length > 0) {
      out.push(
        await barChartSvg({
          title: "Permutation importance",
          valueTitle: "accuracy lost when shuffled",
          bars: e.features.map((name, i) => ({ name, value: e.values[i] ?? 0 })),
        }),
      );
    } else {
      out.push(heatmapSvg(e.values, e.inputShape, { title: "mean |integrated gradients|" }));
    }
    out.push("</section>");
  }
  if (s.threats) out.push(threatSectionHtml(s.threats, s.system));
  out.push("</body></html>\n");
  return out.join("\n");
}

/** The threat-model section: data-flow diagram (when the description is at hand) and threat table. */
export function threatSectionHtml(t: ThreatModel, system?: SystemDescription): string {
  const out = [
    `<section id="threats"><h2>Threat model: ${esc(t.system)}</h2><p class="muted">MITRE ATLAS ${esc(t.atlasVersion)}, OWASP ML Top 10 (2023), OWASP Top 10 for LLM Applications (2025).</p>`,
  ];
  if (system !== undefined) out.push(`<h3>Data flow</h3>${dataFlowSvg(system, t)}`);
  out.push(
    "<h3>Threats</h3><table><tr><th>severity</th><th>threat</th><th>L×I</th><th>residual</th><th>ATLAS</th><th>OWASP</th><th>mitigations</th></tr>",
  );
  for (const th of t.threats) {
    out.push(
      `<tr><td>${sev(th.severity)}</td><td>${esc(th.title)}<br><span class="muted">${th.targets.map(esc).join(", ")}</span></td><td>${th.likelihood}×${th.impact}</td><td>${th.residualRisk}</td>`,
      `<td>${th.atlas.map((a) => `${esc(a.id)} ${esc(a.name)}`).join("<br>")}</td><td>${th.owasp.map((o) => `${esc(o.id)} ${esc(o.name)}`).join("<br>")}</td>`,
      `<td>${th.mitigations.map((m) => `${m.covered ? "☑" : "☐"} ${esc(m.title)}${m.command ? ` <code>${esc(m.command)}</code>` : ""}`).join("<br>")}</td></tr>`,
    );
  }
  out.push("</table></section>");
  return out.join("\n");
}

/** A standalone HTML page for `mlsec threat-model --html`. */
export function threatModelHtml(t: ThreatModel, system: SystemDescription): string {
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>Threat model: ${esc(t.system)}</title><style>${REPORT_CSS}</style></head><body>`,
    threatSectionHtml(t, system),
    "</body></html>\n",
  ].join("\n");
}
