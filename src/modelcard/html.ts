// The model card as one self-contained HTML page (inline CSS and SVG, no scripts, no network),
// in the section order of Mitchell et al. 2019. Every value is escaped.

import { esc, lineChartSvg, REPORT_CSS } from "../report/index.js";
import type { ModelCard } from "./card.js";

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const CARD_CSS = `.bar{background:#d62728;height:10px;display:inline-block;vertical-align:middle}`;

function list(items: readonly string[], empty = "Not stated."): string {
  return items.length === 0
    ? `<p class="muted">${esc(empty)}</p>`
    : `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`;
}

function row(cells: readonly string[], header = false): string {
  const tag = header ? "th" : "td";
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
}

export async function modelCardHtml(c: ModelCard): Promise<string> {
  const d = c.details;
  const q = c.quantitativeAnalyses;
  const out: string[] = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>Model card: ${esc(d.name)}</title><style>${REPORT_CSS}${CARD_CSS}</style></head><body>`,
    `<h1>Model card: ${esc(d.name)}</h1><p class="muted">${esc(d.file.path)} · sha256 ${esc(d.file.sha256)} · generated ${esc(c.generatedAt)} by ${esc(c.generator)}</p>`,
    `<section id="details"><h2>Model details</h2>`,
    d.description ? `<p>${esc(d.description)}</p>` : "",
    "<table>",
    ...(
      [
        ["version", d.version],
        ["date", d.date],
        ["type", d.type],
        ["owners", d.owners.join(", ") || null],
        ["license", d.license],
        ["contact", d.contact],
        ["citation", d.citation],
        ["producer", d.architecture.producer || null],
        ["opset", d.architecture.opset === null ? null : String(d.architecture.opset)],
        ["parameters", d.architecture.parameters.toLocaleString("en")],
        [
          "inputs",
          d.architecture.inputs
            .map((i) => `${i.name} ${i.dtype}[${i.shape?.join(", ") ?? "?"}]`)
            .join("; "),
        ],
        [
          "operators",
          Object.entries(d.architecture.operators)
            .map(([k, v]) => `${k}×${v}`)
            .join(", "),
        ],
        ["file size", `${d.file.bytes.toLocaleString("en")} bytes`],
        ...Object.entries(d.metadata).map(([k, v]) => [`metadata ${k}`, v]),
      ] as [string, string | null][]
    )
      .filter(([, v]) => v !== null)
      .map(([k, v]) => row([esc(k), esc(v as string)])),
    "</table>",
    d.references.length > 0 ? `<h3>References</h3>${list(d.references)}` : "",
    "</section>",
    `<section id="intended-use"><h2>Intended use</h2><h3>Primary uses</h3>${list(c.intendedUse.primaryUses)}`,
    `<h3>Primary users</h3>${list(c.intendedUse.primaryUsers)}<h3>Out of scope</h3>${list(c.intendedUse.outOfScope)}</section>`,
    `<section id="factors"><h2>Factors</h2><h3>Relevant factors</h3>${list(c.factors.relevant)}<h3>Evaluation factors</h3>${list(c.factors.evaluation)}</section>`,
    `<section id="metrics"><h2>Metrics</h2><table>${row(["metric", "why"], true)}${c.metrics.map((m) => row([esc(m.name), esc(m.why)])).join("")}</table></section>`,
    `<section id="evaluation-data"><h2>Evaluation data</h2><p><code>${esc(c.evaluationData.path)}</code> (sha256 ${esc(c.evaluationData.sha256)}), ${c.evaluationData.samples} samples.</p>`,
    c.evaluationData.description ? `<p>${esc(c.evaluationData.description)}</p>` : "",
    `<table>${row(["class", "samples"], true)}${c.evaluationData.classes.map((k) => row([esc(k.name), String(k.count)])).join("")}</table></section>`,
    `<section id="training-data"><h2>Training data</h2>${c.trainingData.description ? `<p>${esc(c.trainingData.description)}</p>` : '<p class="muted">Not stated.</p>'}</section>`,
    `<section id="quantitative-analyses"><h2>Quantitative analyses</h2><p>Accuracy <strong>${pct(q.accuracy)}</strong>, mean cross-entropy ${q.meanLoss.toFixed(4)}.</p>`,
    `<h3>Per class</h3><table>${row(["class", "support", "accuracy"], true)}${q.perClass.map((k) => row([esc(k.name), String(k.support), k.accuracy === null ? "—" : pct(k.accuracy)])).join("")}</table>`,
    "<h3>Robustness</h3>",
  ];
  if ("points" in q.robustness) {
    const r = q.robustness;
    out.push(
      `<p>${esc(r.attack)} on the first ${r.samples} evaluation samples; ε is a fraction of the input range.</p>`,
      await lineChartSvg({
        title: "Accuracy under PGD attack",
        xTitle: "ε (fraction of the input range)",
        yTitle: "accuracy",
        series: [
          {
            name: "robust accuracy",
            points: [[0, q.accuracy], ...r.points.map((p) => [p.eps, p.robustAccuracy] as const)],
          },
        ],
      }),
      `<table>${row(["ε", "robust accuracy"], true)}${r.points.map((p) => row([String(p.eps), pct(p.robustAccuracy)])).join("")}</table>`,
    );
  } else out.push(`<p class="muted">Not measured: ${esc(q.robustness.skipped)}.</p>`);
  out.push("<h3>Feature importance</h3>");
  if ("features" in q.featureImportance) {
    const f = q.featureImportance;
    const max = Math.max(1e-12, ...f.features.map((x) => Math.abs(x.importance)));
    out.push(
      `<p>Permutation importance: accuracy lost when the feature is shuffled (${f.repeats} repeats).</p><table>${row(["feature", "importance", "±sd", ""], true)}`,
      ...f.features.map((x) =>
        row([
          esc(x.name),
          x.importance.toFixed(4),
          x.std.toFixed(4),
          `<span class="bar" style="width:${Math.round((200 * Math.max(0, x.importance)) / max)}px"></span>`,
        ]),
      ),
      "</table>",
    );
  } else out.push(`<p class="muted">Not measured: ${esc(q.featureImportance.skipped)}.</p>`);
  out.push("<h3>Privacy</h3>");
  if ("auc" in q.membershipInference) {
    const m = q.membershipInference;
    out.push(
      `<p>Membership inference by ${esc(m.attack)} on ${m.members} members and ${m.nonMembers} non-members: AUC <strong>${m.auc.toFixed(3)}</strong>, TPR at 1% FPR ${pct(m.tprAt1PctFpr)}, advantage ${m.advantage.toFixed(3)}.</p>`,
    );
  } else out.push(`<p class="muted">Not measured: ${esc(q.membershipInference.skipped)}.</p>`);
  out.push(
    "</section>",
    `<section id="ethical-considerations"><h2>Ethical considerations</h2>${list(c.ethicalConsiderations)}</section>`,
    `<section id="caveats"><h2>Caveats and recommendations</h2>${list(c.caveats, "None recorded.")}</section>`,
    "</body></html>",
  );
  return `${out.join("\n")}\n`;
}
