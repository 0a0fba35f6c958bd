// An attribution heat-map as a self-contained SVG: one cell per pixel (channels summed),
// red for positive and blue for negative attribution, opacity ∝ |a| / max |a|.

import { escapeXml, MlsecError } from "../core/index.js";

/** Height and width of an image input [C, H, W] or [H, W]; undefined for anything else. */
export function imageSize(inputShape: readonly number[]): [number, number] | undefined {
  if (inputShape.length === 3) return [inputShape[1], inputShape[2]];
  if (inputShape.length === 2) return [inputShape[0], inputShape[1]];
  return undefined;
}

export function heatmapSvg(
  attributions: ArrayLike<number>,
  inputShape: readonly number[],
  options: { cell?: number; title?: string } = {},
): string {
  const size = imageSize(inputShape);
  if (!size) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `a heat-map needs an image input [C, H, W] or [H, W], the model takes [${inputShape}]`,
    );
  }
  const [h, w] = size;
  const plane = h * w;
  const channels = attributions.length / plane;
  const map = new Float64Array(plane);
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < plane; p++) map[p] += attributions[c * plane + p];
  let max = 0;
  for (const v of map) max = Math.max(max, Math.abs(v));
  const cell = options.cell ?? 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w * cell}" height="${h * cell}" viewBox="0 0 ${w * cell} ${h * cell}">`,
  ];
  if (options.title) parts.push(`<title>${escapeXml(options.title)}</title>`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x];
      if (v === 0 || max === 0) continue;
      const opacity = Math.abs(v) / max;
      if (opacity < 0.005) continue;
      parts.push(
        `<rect x="${x * cell}" y="${y * cell}" width="${cell}" height="${cell}" fill="${v > 0 ? "#d62728" : "#1f77b4"}" fill-opacity="${opacity.toFixed(3)}"/>`,
      );
    }
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
