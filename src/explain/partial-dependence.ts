// Partial dependence (Friedman 2001, "Greedy function approximation: a gradient boosting
// machine", §8.2) and individual conditional expectation curves (Goldstein, Kapelner, Bleich &
// Pitkin 2015, "Peeking Inside the Black Box"): set one feature to each grid value in every row,
// read the model, and average (PD) or keep each row's curve (ICE). Grid values are quantiles of
// the feature in the data (its distinct values when few), so the curve stays where the data
// lives.

import { type Classifier, MlsecError, type Tensor } from "../core/index.js";
import { classOutput, EVAL_CHUNK_ROWS, featureCount, type OutputKind } from "./model-output.js";

export interface PartialDependenceOptions {
  readonly feature: number;
  readonly classIndex: number;
  readonly output?: OutputKind;
  /**
   * Grid points (default 20): evenly spaced quantiles from 0 to 1 (repeats merged), or the
   * feature's distinct values when it has no more than this many (as scikit-learn does).
   */
  readonly gridSize?: number;
}

export interface PartialDependence {
  readonly feature: number;
  readonly grid: Float64Array;
  /** Mean over rows of the output at each grid value. */
  readonly average: Float64Array;
  /** Row-major [rows, grid]: each row's curve. */
  readonly ice: Float64Array;
  readonly rows: number;
  /** Standard deviation over rows at each grid value: how far the rows disagree. */
  readonly spread: Float64Array;
}

/** The feature's distinct values when there are at most `size`, else `size` quantiles. */
function quantileGrid(values: Float64Array, size: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
  if (distinct.length <= size) return distinct;
  const grid: number[] = [];
  for (let g = 0; g < size; g++) {
    const pos = size === 1 ? 0.5 * (sorted.length - 1) : (g / (size - 1)) * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    const v = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    if (grid.length === 0 || v > grid[grid.length - 1]) grid.push(v);
  }
  return Float64Array.from(grid);
}

export async function partialDependence(
  model: Classifier,
  data: Tensor,
  options: PartialDependenceOptions,
): Promise<PartialDependence> {
  const d = featureCount(model);
  const n = data.shape[0];
  const { feature } = options;
  if (!Number.isInteger(feature) || feature < 0 || feature >= d) {
    throw new MlsecError("E_INVALID_ARGUMENT", `feature ${feature} is outside 0..${d - 1}`);
  }
  if (n === 0 || data.data.length !== n * d) {
    throw new MlsecError("E_SHAPE_MISMATCH", `the data must be non-empty rows of ${d} features`);
  }
  const gridSize = options.gridSize ?? 20;
  if (!Number.isInteger(gridSize) || gridSize < 1 || gridSize > 10_000) {
    throw new MlsecError("E_INVALID_ARGUMENT", `grid size must be an integer in 1..10000`);
  }
  const column = new Float64Array(n);
  for (let r = 0; r < n; r++) column[r] = data.data[r * d + feature];
  const grid = quantileGrid(column, gridSize);
  const g = grid.length;
  const ice = new Float64Array(n * g);
  // Grid values per batch so that one batch holds at most EVAL_CHUNK_ROWS rows.
  const perBatch = Math.max(1, Math.floor(EVAL_CHUNK_ROWS / n));
  for (let start = 0; start < g; start += perBatch) {
    const end = Math.min(g, start + perBatch);
    const rows = new Float32Array((end - start) * n * d);
    for (let k = start; k < end; k++) {
      const block = rows.subarray((k - start) * n * d, (k - start + 1) * n * d);
      block.set(data.data);
      for (let r = 0; r < n; r++) block[r * d + feature] = grid[k];
    }
    const f = await classOutput(
      model,
      { shape: [(end - start) * n, ...model.inputShape], data: rows },
      options.classIndex,
      options.output ?? "probability",
    );
    for (let k = start; k < end; k++) {
      for (let r = 0; r < n; r++) ice[r * g + k] = f[(k - start) * n + r];
    }
  }
  const average = new Float64Array(g);
  const spread = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += ice[r * g + k];
    const mean = s / n;
    let v = 0;
    for (let r = 0; r < n; r++) v += (ice[r * g + k] - mean) ** 2;
    average[k] = mean;
    spread[k] = Math.sqrt(v / n);
  }
  return { feature, grid, average, ice, rows: n, spread };
}
