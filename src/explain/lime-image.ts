// LIME for images (Ribeiro, Singh & Guestrin 2016, "Why Should I Trust You?", §3.3-3.4, and the
// defaults of its reference image explainer): the image is cut into superpixels — here a
// regular grid of square cells —, perturbed samples switch random superpixels off (each replaced
// by its own mean, as the reference does when no hide colour is given), weighted by an
// exponential kernel (width 0.25) on the cosine distance to the unperturbed image, and a
// weighted ridge (α = 1) gives one coefficient per superpixel.

import { type Classifier, MlsecError, type Rng } from "../core/index.js";
import { imageSize } from "./heatmap-svg.js";
import { classOutput, type OutputKind } from "./model-output.js";
import { weightedRidge } from "./weighted-ridge.js";

export interface LimeImageOptions {
  readonly classIndex: number;
  readonly output?: OutputKind;
  /** Side of the square grid cells, in pixels (default: the image side / 7, at least 1). */
  readonly cell?: number;
  /** Perturbed samples (default 1000, LIME's default for images). */
  readonly samples?: number;
  readonly kernelWidth?: number;
  readonly alpha?: number;
  readonly rng: Rng;
}

export interface LimeImageExplanation {
  /** Per pixel (every channel): the coefficient of the superpixel it belongs to. */
  readonly attributions: Float64Array;
  /** One ridge coefficient per superpixel: the output change when it is kept. */
  readonly superpixelWeights: Float64Array;
  /** Superpixel index of every pixel, row-major [H, W]. */
  readonly segments: Int32Array;
  readonly intercept: number;
  readonly prediction: number;
  readonly localPrediction: number;
  readonly score: number;
  readonly samples: number;
  readonly kernelWidth: number;
  readonly cell: number;
}

/** A grid segmentation of an h×w image into cells of side `cell` (edge cells may be smaller). */
export function gridSegments(
  h: number,
  w: number,
  cell: number,
): { labels: Int32Array; count: number } {
  const cols = Math.ceil(w / cell);
  const labels = new Int32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++)
      labels[r * w + c] = Math.floor(r / cell) * cols + Math.floor(c / cell);
  }
  return { labels, count: Math.ceil(h / cell) * cols };
}

export async function limeImage(
  model: Classifier,
  x: Float32Array,
  options: LimeImageOptions,
): Promise<LimeImageExplanation> {
  const size = imageSize(model.inputShape);
  if (!size) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `LIME for images needs an image input [C, H, W] or [H, W], the model takes [${model.inputShape}]`,
    );
  }
  const [h, w] = size;
  const channels = model.inputShape.length === 3 ? model.inputShape[0] : 1;
  const d = channels * h * w;
  if (x.length !== d) throw new MlsecError("E_SHAPE_MISMATCH", `the image must have ${d} values`);
  const cell = options.cell ?? Math.max(1, Math.round(Math.max(h, w) / 7));
  if (!Number.isInteger(cell) || cell < 1 || cell > Math.max(h, w)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `cell must be an integer in 1..${Math.max(h, w)}`);
  }
  const { labels, count } = gridSegments(h, w, cell);
  const m = options.samples ?? 1000;
  if (!Number.isInteger(m) || m < count + 2) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `samples must be an integer ≥ ${count + 2} (superpixels + 2), got ${m}`,
    );
  }
  // Each superpixel's mean, per channel: what a switched-off superpixel shows.
  const fill = new Float64Array(channels * count);
  const pixels = new Float64Array(count);
  for (let p = 0; p < h * w; p++) pixels[labels[p]]++;
  for (let ch = 0; ch < channels; ch++) {
    for (let p = 0; p < h * w; p++) fill[ch * count + labels[p]] += x[ch * h * w + p];
    for (let s = 0; s < count; s++) fill[ch * count + s] /= pixels[s];
  }
  const z = new Uint8Array(m * count);
  z.fill(1, 0, count);
  for (let i = count; i < z.length; i++) z[i] = options.rng.int(2);
  const images = new Float32Array(m * d);
  for (let s = 0; s < m; s++) {
    const on = z.subarray(s * count, (s + 1) * count);
    for (let ch = 0; ch < channels; ch++) {
      for (let p = 0; p < h * w; p++) {
        const i = ch * h * w + p;
        images[s * d + i] = on[labels[p]] ? x[i] : fill[ch * count + labels[p]];
      }
    }
  }
  const y = await classOutput(
    model,
    { shape: [m, ...model.inputShape], data: images },
    options.classIndex,
    options.output ?? "probability",
  );
  const width = options.kernelWidth ?? 0.25;
  const weights = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    let kept = 0;
    for (let j = 0; j < count; j++) kept += z[s * count + j];
    const distance = kept === 0 ? 1 : 1 - Math.sqrt(kept / count);
    weights[s] = Math.sqrt(Math.exp(-(distance * distance) / (width * width)));
  }
  const fit = weightedRidge(z, y, weights, count, options.alpha ?? 1);
  const attributions = new Float64Array(d);
  for (let ch = 0; ch < channels; ch++) {
    for (let p = 0; p < h * w; p++) attributions[ch * h * w + p] = fit.coefficients[labels[p]];
  }
  let local = fit.intercept;
  for (const c of fit.coefficients) local += c;
  return {
    attributions,
    superpixelWeights: fit.coefficients,
    segments: labels,
    intercept: fit.intercept,
    prediction: y[0],
    localPrediction: local,
    score: fit.score,
    samples: m,
    kernelWidth: width,
    cell,
  };
}
