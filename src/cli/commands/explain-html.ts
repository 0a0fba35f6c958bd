// `mlsec explain --html`: the explanation as one self-contained page (inline CSS and SVG, no
// scripts): the prediction and base value, the quality figures, the top attributions as bars,
// and for images the heat-map.

import { heatmapSvg, imageSize } from "../../explain/index.js";
import { esc, REPORT_CSS } from "../../report/index.js";

/** What the explain command prints, as far as the page shows it. */
export interface ExplanationView {
  readonly model: string;
  readonly data: string;
  readonly index: number;
  readonly label: number | null;
  readonly method: string;
  readonly classIndex: number;
  readonly predictedClass: number;
  readonly explained: string;
  readonly prediction: number;
  readonly baseValue: number | null;
  readonly attributionSum: number;
  readonly quality: Readonly<Record<string, number>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly features: readonly string[];
  readonly attributions: readonly number[];
  readonly notes: readonly string[];
}

const BAR_CSS =
  ".pos{background:#d62728}.neg{background:#1f77b4}.bar{height:10px;display:inline-block;vertical-align:middle}";

export function explanationHtml(
  r: ExplanationView,
  inputShape: readonly number[],
  top: number,
): string {
  const order = r.attributions
    .map((v, i) => [v, i] as const)
    .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]))
    .slice(0, top);
  const max = Math.max(1e-300, ...order.map(([v]) => Math.abs(v)));
  const facts: [string, string][] = [
    ["model", r.model],
    ["sample", `${r.data} #${r.index}${r.label === null ? "" : ` (label ${r.label})`}`],
    ["predicted class", String(r.predictedClass)],
    ["explained", `${r.explained} of class ${r.classIndex}`],
    ["prediction", r.prediction.toFixed(6)],
    ...(r.baseValue === null
      ? []
      : ([["base value", r.baseValue.toFixed(6)]] as [string, string][])),
    ["sum of attributions", r.attributionSum.toFixed(6)],
    ...Object.entries(r.quality).map(([k, v]) => [k, v.toExponential(3)] as [string, string]),
    ["parameters", JSON.stringify(r.parameters)],
  ];
  const out = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>mlsec explain: ${esc(r.method)} on ${esc(r.model)}</title><style>${REPORT_CSS}${BAR_CSS}</style></head><body>`,
    `<h1>${esc(r.method)} explanation</h1>`,
    `<table>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`,
  ];
  if (imageSize(inputShape) !== undefined) {
    out.push(
      '<h2>Heat-map</h2><p class="muted">Red raises the explained output, blue lowers it.</p>',
      heatmapSvg(r.attributions, inputShape, { title: `${r.method} attributions` }),
    );
  }
  out.push(
    `<h2>Top ${order.length} of ${r.attributions.length} features</h2><table><tr><th>feature</th><th>attribution</th><th></th></tr>`,
    ...order.map(
      ([v, i]) =>
        `<tr><td>${esc(r.features[i] ?? `x${i}`)}</td><td>${v.toFixed(6)}</td><td><span class="bar ${v >= 0 ? "pos" : "neg"}" style="width:${Math.round((240 * Math.abs(v)) / max)}px"></span></td></tr>`,
    ),
    "</table>",
    ...(r.notes.length > 0
      ? ["<h2>Notes</h2><ul>", ...r.notes.map((n) => `<li>${esc(n)}</li>`), "</ul>"]
      : []),
    "</body></html>",
  );
  return `${out.join("\n")}\n`;
}
