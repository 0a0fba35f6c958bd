// Interventional coalition values (Janzing et al. 2020, "Feature relevance quantification in
// explainable AI: a causal problem"): v(S) = E_b[f(x_S, b_S̄)] over a weighted background; with
// the logit link, v(S) = logit(E_b[p(x_S, b_S̄)]), the expectation taken before the link as the
// shap package does.

import type { Classifier, ProgressListener } from "../core/index.js";
import {
  type Background,
  classOutput,
  EVAL_CHUNK_ROWS,
  logOdds,
  type OutputKind,
} from "./model-output.js";

/**
 * v(z) for every coalition mask z (row-major [M, d], 1 = the feature comes from x, 0 = from
 * the background row). Masked rows for many coalitions go to the model in one batch each.
 */
export async function coalitionValues(
  model: Classifier,
  x: Float32Array,
  background: Background,
  masks: Uint8Array,
  classIndex: number,
  output: OutputKind,
  onProgress?: ProgressListener,
): Promise<Float64Array> {
  const d = x.length;
  const m = masks.length / d;
  const b = background.x.shape[0];
  const bg = background.x.data;
  const values = new Float64Array(m);
  const perChunk = Math.max(1, Math.floor(EVAL_CHUNK_ROWS / b));
  for (let start = 0; start < m; start += perChunk) {
    const end = Math.min(m, start + perChunk);
    const rows = new Float32Array((end - start) * b * d);
    let o = 0;
    for (let c = start; c < end; c++) {
      const mask = masks.subarray(c * d, (c + 1) * d);
      for (let r = 0; r < b; r++) {
        const base = r * d;
        for (let j = 0; j < d; j++) rows[o++] = mask[j] ? x[j] : bg[base + j];
      }
    }
    const f = await classOutput(
      model,
      { shape: [(end - start) * b, ...model.inputShape], data: rows },
      classIndex,
      output === "log-odds" ? "probability" : output,
    );
    for (let c = start; c < end; c++) {
      let v = 0;
      for (let r = 0; r < b; r++) v += background.weights[r] * f[(c - start) * b + r];
      values[c] = output === "log-odds" ? logOdds(v) : v;
    }
    onProgress?.({ task: "coalitions", done: end, total: m });
  }
  return values;
}
