// A partial-dependence plot as a self-contained SVG: the ICE curves in light grey, the average
// in bold, axes labelled with the grid's and the output's ranges.

import { escapeXml } from "../core/index.js";
import type { PartialDependence } from "./partial-dependence.js";

const WIDTH = 480;
const HEIGHT = 320;
const MARGIN = 48;

export function partialDependenceSvg(
  pd: PartialDependence,
  options: { featureName: string; outputName: string; maxCurves?: number },
): string {
  const g = pd.grid.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pd.ice) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) hi = lo + 1;
  const x0 = pd.grid[0];
  const xSpan = pd.grid[g - 1] - x0 || 1;
  const px = (v: number) => MARGIN + ((v - x0) / xSpan) * (WIDTH - 2 * MARGIN);
  const py = (v: number) => HEIGHT - MARGIN - ((v - lo) / (hi - lo)) * (HEIGHT - 2 * MARGIN);
  const path = (values: ArrayLike<number>) =>
    Array.from(pd.grid, (x, k) => `${px(x).toFixed(1)},${py(values[k]).toFixed(1)}`).join(" ");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(`partial dependence of ${options.outputName} on ${options.featureName}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  const curves = Math.min(pd.rows, options.maxCurves ?? 200);
  const stride = pd.rows / curves;
  for (let c = 0; c < curves; c++) {
    const r = Math.floor(c * stride);
    parts.push(
      `<polyline fill="none" stroke="#999999" stroke-opacity="0.35" stroke-width="1" points="${path(pd.ice.subarray(r * g, (r + 1) * g))}"/>`,
    );
  }
  parts.push(
    `<polyline fill="none" stroke="#d62728" stroke-width="3" points="${path(pd.average)}"/>`,
    `<line x1="${MARGIN}" y1="${HEIGHT - MARGIN}" x2="${WIDTH - MARGIN}" y2="${HEIGHT - MARGIN}" stroke="#000000"/>`,
    `<line x1="${MARGIN}" y1="${MARGIN}" x2="${MARGIN}" y2="${HEIGHT - MARGIN}" stroke="#000000"/>`,
    `<text x="${WIDTH / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(options.featureName)}</text>`,
    `<text x="14" y="${HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 14 ${HEIGHT / 2})">${escapeXml(options.outputName)}</text>`,
    `<text x="${MARGIN}" y="${HEIGHT - MARGIN + 14}" text-anchor="start">${fmt(x0)}</text>`,
    `<text x="${WIDTH - MARGIN}" y="${HEIGHT - MARGIN + 14}" text-anchor="end">${fmt(pd.grid[g - 1])}</text>`,
    `<text x="${MARGIN - 4}" y="${HEIGHT - MARGIN}" text-anchor="end">${fmt(lo)}</text>`,
    `<text x="${MARGIN - 4}" y="${MARGIN + 4}" text-anchor="end">${fmt(hi)}</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

const fmt = (v: number) => Number(v.toPrecision(4)).toString();
