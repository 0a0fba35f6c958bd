// Data-flow diagram of a system description as inline SVG: components in columns by their
// place in the ML lifecycle, flows as arrows, flows that cross a trust boundary dashed red,
// public components in a shaded band, threatened components outlined with their threat count.

import { escapeXml as esc } from "../core/index.js";
import type { ThreatModel } from "./model.js";
import type { ComponentKind, SystemDescription } from "./schema.js";

const COLUMN: Readonly<Record<ComponentKind, number>> = {
  "data-source": 0,
  labelling: 0,
  "feature-store": 1,
  "training-pipeline": 1,
  "vector-store": 1,
  "model-registry": 2,
  model: 2,
  llm: 2,
  "agent-tool": 3,
  "serving-endpoint": 3,
  client: 4,
  user: 4,
};

export function dataFlowSvg(s: SystemDescription, model: ThreatModel): string {
  const BW = 150;
  const BH = 46;
  const GX = 60;
  const GY = 28;
  const columns: string[][] = [[], [], [], [], []];
  for (const c of s.components) columns[COLUMN[c.kind]].push(c.id);
  const used = columns.filter((col) => col.length > 0);
  const rows = Math.max(...used.map((c) => c.length));
  const W = used.length * (BW + GX) + GX;
  const H = rows * (BH + GY) + GY + 40;
  const pos = new Map<string, { x: number; y: number }>();
  used.forEach((col, ci) => {
    col.forEach((id, ri) => {
      pos.set(id, { x: GX + ci * (BW + GX), y: 40 + GY / 2 + ri * (BH + GY) });
    });
  });
  const threats = new Map<string, number>();
  for (const t of model.threats)
    for (const id of t.targets) threats.set(id, (threats.get(id) ?? 0) + 1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="data-flow diagram" class="chart dfd">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#444"/></marker></defs>`,
    `<text x="8" y="18" font-size="12" fill="#57606a">shaded: exposed outside the organisation · dashed red: crosses a trust boundary · red outline: threatened (count)</text>`,
  ];
  for (const f of s.flows) {
    const a = pos.get(f.from);
    const b = pos.get(f.to);
    if (a === undefined || b === undefined) continue;
    const forward = b.x >= a.x;
    const x1 = forward ? a.x + BW : a.x;
    const x2 = forward ? b.x : b.x + BW;
    const same = a.x === b.x;
    const y1 = a.y + BH / 2 + (same ? 0 : forward ? -6 : 6);
    const y2 = b.y + BH / 2 + (same ? 0 : forward ? -6 : 6);
    const path = same
      ? `M${a.x + BW},${y1} C${a.x + BW + 40},${y1} ${b.x + BW + 40},${y2} ${b.x + BW},${y2}`
      : `M${x1},${y1} L${x2},${y2}`;
    const style = f.crossesTrustBoundary
      ? `stroke="#cf222e" stroke-dasharray="6 4"`
      : `stroke="#444"`;
    parts.push(
      `<path d="${path}" fill="none" ${style} stroke-width="1.5" marker-end="url(#arrow)"><title>${esc(`${f.from} → ${f.to}${f.data ? `: ${f.data}` : ""}`)}</title></path>`,
    );
  }
  for (const c of s.components) {
    const p = pos.get(c.id);
    if (p === undefined) continue;
    const n = threats.get(c.id) ?? 0;
    const fill = c.exposure === "internal" ? "#ffffff" : "#fff1e5";
    const stroke =
      n > 0 ? `stroke="#cf222e" stroke-width="2.5"` : `stroke="#57606a" stroke-width="1"`;
    parts.push(
      `<g class="component" data-id="${esc(c.id)}"><rect x="${p.x}" y="${p.y}" width="${BW}" height="${BH}" rx="6" fill="${fill}" ${stroke}/>`,
      `<text x="${p.x + BW / 2}" y="${p.y + 19}" text-anchor="middle" font-size="12" font-weight="600">${esc((c.name ?? c.id).slice(0, 24))}</text>`,
      `<text x="${p.x + BW / 2}" y="${p.y + 35}" text-anchor="middle" font-size="10" fill="#57606a">${esc(c.kind)}${c.exposure === "internal" ? "" : ` · ${c.exposure}`}</text>`,
      n > 0
        ? `<circle cx="${p.x + BW}" cy="${p.y}" r="10" fill="#cf222e"/><text x="${p.x + BW}" y="${p.y + 4}" text-anchor="middle" font-size="11" fill="#fff">${n}</text>`
        : "",
      "</g>",
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
