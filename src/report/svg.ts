// Hand-built SVG line chart (no scripts, no network): one polyline per series over [0, 1] y.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

import { escapeXml as esc } from "../core/index.js";

export { esc };

export function lineChart(
  series: readonly Series[],
  opts: { title: string; xLabel: string; yLabel: string },
): string {
  const W = 560;
  const H = 300;
  const m = { l: 56, r: 120, t: 30, b: 44 };
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const xMax = Math.max(1e-9, ...xs);
  const px = (x: number) => m.l + (x / xMax) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - y * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(opts.title)}" class="chart">`,
    `<text x="${W / 2 - m.r / 2}" y="18" text-anchor="middle" font-weight="600">${esc(opts.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = i / 4;
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${m.l - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${(y * 100).toFixed(0)}%</text>`,
    );
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  for (const x of ticks) {
    parts.push(
      `<text x="${px(x)}" y="${H - m.b + 16}" text-anchor="middle" font-size="11">${x}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.l}" x2="${W - m.r}" y1="${py(0)}" y2="${py(0)}" stroke="#333"/>`,
    `<line x1="${m.l}" x2="${m.l}" y1="${py(0)}" y2="${py(1)}" stroke="#333"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(opts.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    parts.push(
      `<polyline class="series" fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`,
    );
    for (const [x, y] of s.points) {
      parts.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(s.name)} ε=${x}: ${(100 * y).toFixed(1)}%</title></circle>`,
      );
    }
    const ly = m.t + 10 + i * 18;
    parts.push(
      `<line x1="${W - m.r + 10}" x2="${W - m.r + 30}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${W - m.r + 36}" y="${ly + 4}" font-size="12">${esc(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("");
}
