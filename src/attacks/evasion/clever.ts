// CLEVER robustness score, Weng et al. 2018 ("Evaluating the Robustness of Neural Networks: An
// Extreme Value Theory Approach", Alg. 1): sample points uniformly in the Lp ball of radius R
// around x, take per batch the largest dual norm ||∇(z_y − z_j)||_q, fit a reverse Weibull
// distribution to the batch maxima by maximum likelihood (reverse-weibull.ts), take its location
// as the local Lipschitz constant L_j, and score min_j min((z_y − z_j)(x) / L_j, R).

import { type Differentiable, MlsecError, type Rng, type Tensor } from "../../core/index.js";
import { logitCombinationGradients } from "./logit-gradients.js";
import { randomDelta } from "./random-init.js";
import { fitReverseWeibull, type ReverseWeibullFit } from "./reverse-weibull.js";

export interface CleverOptions {
  readonly radius: number;
  readonly norm: "2" | "inf";
  /** Batches N_b (default 20) of N_s points each (default 32). */
  readonly batches?: number;
  readonly perBatch?: number;
  readonly rng: Rng;
}

export interface CleverScore {
  /** min over classes j ≠ y of min(g_j(x) / L_j, R); 0 when x is already misclassified. */
  readonly score: number;
  /** The class j that attains it. */
  readonly nearestClass: number;
  /** Estimated local Lipschitz constants L_j (dual norm): the fitted locations, per class (NaN for the label). */
  readonly lipschitz: readonly number[];
  /** The reverse Weibull fit behind each L_j (null for the label). */
  readonly fits: readonly (ReverseWeibullFit | null)[];
}

/** CLEVER-style score of one sample `x` (shape [1, ...]) with label `label`. */
export async function cleverScore(
  model: Differentiable,
  x: Tensor,
  label: number,
  options: CleverOptions,
): Promise<CleverScore> {
  if (x.shape[0] !== 1) throw new MlsecError("E_SHAPE_MISMATCH", "CLEVER scores one sample");
  if (!(options.radius > 0)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `radius must be > 0, got ${options.radius}`);
  }
  if (!Number.isInteger(options.batches ?? 20) || (options.batches ?? 20) < 3) {
    throw new MlsecError("E_INVALID_ARGUMENT", "CLEVER needs at least 3 batches for its fit");
  }
  const d = x.data.length;
  const classes = model.numClasses;
  const batches = options.batches ?? 20;
  const perBatch = options.perBatch ?? 32;
  const [lo, hi] = model.bounds;
  const logits = (await model.predict(x)).data;
  const others = Array.from({ length: classes }, (_, k) => k).filter((k) => k !== label);
  // Batch maxima of the gradient norms, per class and batch.
  const maxima = Array.from({ length: classes }, () => new Float64Array(batches));
  const points = new Float32Array(perBatch * d);
  for (let b = 0; b < batches; b++) {
    for (let s = 0; s < perBatch; s++) {
      randomDelta(options.rng, d, options.radius, options.norm, points, s * d);
      for (let k = 0; k < d; k++) {
        points[s * d + k] = Math.min(hi, Math.max(lo, points[s * d + k] + x.data[k]));
      }
    }
    const requests = others.flatMap((j) =>
      Array.from({ length: perBatch }, (_, s) => ({
        row: s,
        coefficients: new Map([
          [label, 1],
          [j, -1],
        ]),
      })),
    );
    const { gradients } = await logitCombinationGradients(model, points, perBatch, requests);
    others.forEach((j, c) => {
      for (let s = 0; s < perBatch; s++) {
        const g = gradients.subarray((c * perBatch + s) * d, (c * perBatch + s + 1) * d);
        let norm = 0;
        // Dual norm: L2 for L2 balls, L1 for L∞ balls.
        for (let k = 0; k < d; k++) norm += options.norm === "2" ? g[k] * g[k] : Math.abs(g[k]);
        if (options.norm === "2") norm = Math.sqrt(norm);
        if (norm > maxima[j][b]) maxima[j][b] = norm;
      }
    });
  }
  const fits = Array.from({ length: classes }, (_, j) =>
    j === label ? null : fitReverseWeibull(maxima[j]),
  );
  const lipschitz = fits.map((fit) => fit?.location ?? Number.NaN);
  let score = Infinity;
  let nearestClass = others[0];
  for (const j of others) {
    const margin = logits[label] - logits[j];
    const s =
      margin <= 0
        ? 0
        : Math.min(lipschitz[j] > 0 ? margin / lipschitz[j] : Infinity, options.radius);
    if (s < score) {
      score = s;
      nearestClass = j;
    }
  }
  return { score, nearestClass, lipschitz, fits };
}
