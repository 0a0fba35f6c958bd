// Permutation feature importance (Breiman 2001, "Random Forests", §10; Fisher, Rudin &
// Dominici 2019, "All Models are Wrong, but Many are Useful", model reliance): the drop in a
// score when one feature's column is shuffled across the rows, averaged over seeded repeats.

import {
  type Classifier,
  MlsecError,
  type ProgressListener,
  type Rng,
  type Tensor,
} from "../core/index.js";
import { EVAL_CHUNK_ROWS, featureCount } from "./model-output.js";

export type ImportanceMetric = "accuracy" | "log-loss";

export interface PermutationImportanceOptions {
  readonly repeats?: number;
  readonly metric?: ImportanceMetric;
  readonly rng: Rng;
  readonly onProgress?: ProgressListener;
}

export interface PermutationImportance {
  /** Mean score drop per feature (higher = the model relies on it more). */
  readonly importances: Float64Array;
  /** Standard deviation of the drop over the repeats. */
  readonly std: Float64Array;
  /** Score on the unshuffled data (accuracy, or minus the mean log-loss). */
  readonly baselineScore: number;
  readonly metric: ImportanceMetric;
  readonly repeats: number;
  readonly rows: number;
}

/** Score per block of `rows` consecutive samples: accuracy, or −mean cross-entropy. */
function scoreBlocks(
  logits: Float32Array,
  y: Int32Array,
  k: number,
  metric: ImportanceMetric,
): Float64Array {
  const rows = y.length;
  const blocks = logits.length / (k * rows);
  const scores = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let i = 0; i < rows; i++) {
      const row = logits.subarray((b * rows + i) * k, (b * rows + i + 1) * k);
      if (metric === "accuracy") {
        let best = 0;
        for (let c = 1; c < k; c++) if (row[c] > row[best]) best = c;
        s += best === y[i] ? 1 : 0;
      } else {
        let m = -Infinity;
        for (const v of row) m = Math.max(m, v);
        let z = 0;
        for (const v of row) z += Math.exp(v - m);
        s -= Math.log(z) + m - row[y[i]];
      }
    }
    scores[b] = s / rows;
  }
  return scores;
}

export async function permutationImportance(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
  options: PermutationImportanceOptions,
): Promise<PermutationImportance> {
  const repeats = options.repeats ?? 5;
  const metric = options.metric ?? "accuracy";
  const n = x.shape[0];
  if (n < 2 || y.length !== n) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `need ≥ 2 rows with one label each (${n} rows, ${y.length} labels)`,
    );
  }
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `repeats must be a positive integer, got ${repeats}`,
    );
  }
  const d = featureCount(model);
  const k = model.numClasses;
  const baselineScore = scoreBlocks((await model.predict(x)).data, y, k, metric)[0];
  // Every (feature, repeat) copy of the data is one block; as many blocks per model call as fit.
  const jobs = d * repeats;
  const perCall = Math.max(1, Math.floor(EVAL_CHUNK_ROWS / n));
  const drops = new Float64Array(jobs);
  const order = new Int32Array(n);
  for (let start = 0; start < jobs; start += perCall) {
    const end = Math.min(jobs, start + perCall);
    const batch = new Float32Array((end - start) * n * d);
    for (let job = start; job < end; job++) {
      const feature = Math.floor(job / repeats);
      const block = batch.subarray((job - start) * n * d, (job - start + 1) * n * d);
      block.set(x.data);
      for (let i = 0; i < n; i++) order[i] = i;
      options.rng.shuffle(order);
      for (let i = 0; i < n; i++) block[i * d + feature] = x.data[order[i] * d + feature];
    }
    const logits = await model.predict({
      shape: [(end - start) * n, ...model.inputShape],
      data: batch,
    });
    const scores = scoreBlocks(logits.data, y, k, metric);
    for (let job = start; job < end; job++) drops[job] = baselineScore - scores[job - start];
    options.onProgress?.({ task: "permutations", done: end, total: jobs });
  }
  const importances = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let r = 0; r < repeats; r++) mean += drops[j * repeats + r] / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[j * repeats + r] - mean) ** 2 / repeats;
    importances[j] = mean;
    std[j] = Math.sqrt(v);
  }
  return { importances, std, baselineScore, metric, repeats, rows: n };
}
