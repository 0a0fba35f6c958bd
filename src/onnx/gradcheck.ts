// Checks autodiff gradients of a model against central finite differences of its own loss,
// on a few samples and random coordinates (the float32 model is the reference: no float64).

import { createRng, MlsecError, type Rng, type Tensor, takeRows } from "../core/index.js";
import { buildGradientModel } from "./autodiff/index.js";
import { crossEntropy } from "./evaluate.js";
import { indexGraph } from "./graph.js";
import { DataType, type ModelProto } from "./ir.js";
import { feed, floatOutput, OrtSession } from "./session.js";
import { tensorToFloat32 } from "./tensor-data.js";

export interface GradcheckOptions {
  readonly samples?: number;
  /** Coordinates checked per sample (input) and per parameter tensor. */
  readonly coordinates?: number;
  /** Finite-difference step. */
  readonly step?: number;
  readonly parameters?: boolean;
  readonly seed?: number;
}

export interface GradcheckResult {
  readonly samples: number;
  readonly coordinatesPerSample: number;
  readonly step: number;
  /** max over samples of ||g − g_fd|| / max(||g||, ||g_fd||) over the checked coordinates. */
  readonly maxRelativeError: number;
  /** The median over samples: robust to a sample whose differences straddle a ReLU/MaxPool kink. */
  readonly medianRelativeError: number;
  /** Coordinates skipped because the loss has a kink within ±step there (ReLU, MaxPool ties). */
  readonly nonSmoothCoordinates: number;
  readonly parameters: readonly {
    readonly name: string;
    readonly coordinates: number;
    readonly relativeError: number;
  }[];
}

/** ||a − b|| / max(||a||, ||b||), 0 when both vanish. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const scale = Math.max(Math.sqrt(na), Math.sqrt(nb));
  return scale === 0 ? 0 : Math.sqrt(diff) / scale;
}

/**
 * (f(x+h) − f(x−h)) / 2h, or undefined when the one-sided slopes disagree by more than 10%: a
 * kink (ReLU at 0, a MaxPool tie) lies within ±h and no derivative exists to compare with.
 */
function centralDifference(plus: number, at: number, minus: number, h: number): number | undefined {
  const right = (plus - at) / h;
  const left = (at - minus) / h;
  const scale = Math.max(Math.abs(right), Math.abs(left), 1e-3);
  if (Math.abs(right - left) > 0.1 * scale) return undefined;
  return (plus - minus) / (2 * h);
}

function runnerUp(logits: Float32Array): number {
  let first = 0;
  for (let j = 1; j < logits.length; j++) if (logits[j] > logits[first]) first = j;
  let second = first === 0 ? 1 : 0;
  for (let j = 0; j < logits.length; j++) if (j !== first && logits[j] > logits[second]) second = j;
  return second;
}

/** Cross-entropy per row, in float64 from the float32 logits (less rounding than the graph's loss). */
function sampleLosses(logits: Float32Array, labels: Int32Array): number[] {
  const c = logits.length / labels.length;
  return Array.from(labels, (label, i) => crossEntropy(logits.subarray(i * c, (i + 1) * c), label));
}

function pickCoordinates(rng: Rng, size: number, count: number): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  const all = Int32Array.from({ length: size }, (_, i) => i);
  rng.shuffle(all);
  return [...all.subarray(0, count)].sort((a, b) => a - b);
}

export async function gradcheck(
  model: ModelProto,
  x: Tensor,
  y: Int32Array,
  options: GradcheckOptions = {},
): Promise<GradcheckResult> {
  const rng = createRng(options.seed ?? 0);
  const step = options.step ?? 1e-3;
  const coords = options.coordinates ?? 32;
  const n = Math.min(options.samples ?? 3, x.shape[0]);
  if (n === 0) throw new MlsecError("E_INVALID_ARGUMENT", "gradcheck needs at least one sample");
  const rows = pickCoordinates(rng, x.shape[0], n);
  const xs = takeRows(x, rows);
  // The loss is taken against each sample's runner-up class, not its label: on a well-trained
  // model the label's cross-entropy saturates near 0 and its tiny gradient drowns in float32
  // rounding, while the runner-up's loss has a gradient of order one.
  const ys = Int32Array.from(rows, (r) => y[r]);
  const { initializers } = indexGraph(model.graph!);
  const parameterNames = options.parameters
    ? [...initializers.values()]
        .filter((t) => t.dataType === DataType.FLOAT && t.dims.length > 0)
        .map((t) => t.name ?? "")
    : [];
  const grad = buildGradientModel(model, {
    loss: "cross-entropy",
    inputGradient: true,
    parameters: parameterNames,
  });
  const session = await OrtSession.create(grad.model);
  const weights = new Map(parameterNames.map((p) => [p, tensorToFloat32(initializers.get(p)!)]));
  const dims = new Map(parameterNames.map((p) => [p, initializers.get(p)!.dims]));
  const run = async (input: Tensor, overrides: ReadonlyMap<string, Float32Array> = new Map()) => {
    const feeds: Record<string, ReturnType<typeof feed.float32>> = {
      [grad.inputName]: feed.float32(input.data, input.shape),
      [grad.labelsName]: feed.int64(
        Int32Array.from({ length: input.shape[0] }, (_, i) => ys[i % n]),
      ),
    };
    for (const p of parameterNames)
      feeds[p] = feed.float32(overrides.get(p) ?? weights.get(p)!, dims.get(p)!);
    return session.run(feeds);
  };
  try {
    const probe = floatOutput(await run(xs), grad.logitsName);
    const classes = probe.dims[1];
    for (let s = 0; s < n; s++)
      ys[s] = runnerUp(probe.data.subarray(s * classes, (s + 1) * classes));
    const base = await run(xs);
    const inputGrad = floatOutput(base, grad.inputGradientName!).data;
    const stride = xs.data.length / n;
    const chosen = pickCoordinates(rng, stride, coords);
    // All perturbed copies of all samples in one batch: sample-major, then coordinate, then ±.
    const batch = new Float32Array(n * chosen.length * 2 * stride);
    let row = 0;
    for (let s = 0; s < n; s++) {
      for (const c of chosen) {
        for (const sign of [1, -1]) {
          const copy = batch.subarray(row * stride, (row + 1) * stride);
          copy.set(xs.data.subarray(s * stride, (s + 1) * stride));
          copy[c] += sign * step;
          row++;
        }
      }
    }
    const perturbedLabels = Int32Array.from(
      { length: row },
      (_, r) => ys[Math.floor(r / (2 * chosen.length))],
    );
    const perturbed = await session.run(
      {
        [grad.inputName]: feed.float32(batch, [row, ...xs.shape.slice(1)]),
        [grad.labelsName]: feed.int64(perturbedLabels),
        ...Object.fromEntries(
          parameterNames.map((p) => [p, feed.float32(weights.get(p)!, dims.get(p)!)]),
        ),
      },
      [grad.logitsName],
    );
    const losses = sampleLosses(floatOutput(perturbed, grad.logitsName).data, perturbedLabels);
    const baseLosses = sampleLosses(floatOutput(base, grad.logitsName).data, ys);
    const perSample: number[] = [];
    let nonSmooth = 0;
    for (let s = 0; s < n; s++) {
      const analytic: number[] = [];
      const numeric: number[] = [];
      chosen.forEach((c, k) => {
        const r = (s * chosen.length + k) * 2;
        const estimate = centralDifference(losses[r], baseLosses[s], losses[r + 1], step);
        if (estimate === undefined) {
          nonSmooth++;
          return;
        }
        analytic.push(inputGrad[s * stride + c]);
        numeric.push(estimate);
      });
      perSample.push(relativeError(analytic, numeric));
    }
    const parameters = [];
    for (const p of parameterNames) {
      const w = weights.get(p)!;
      const analyticAll = floatOutput(base, grad.parameterGradientNames.get(p)!).data;
      const picked = pickCoordinates(rng, w.length, Math.max(1, Math.floor(coords / 4)));
      const analytic: number[] = [];
      const numeric: number[] = [];
      const baseSum = baseLosses.reduce((a, b) => a + b, 0);
      for (const c of picked) {
        const sums: number[] = [];
        for (const sign of [1, -1]) {
          const changed = w.slice();
          changed[c] += sign * step;
          const logits = floatOutput(await run(xs, new Map([[p, changed]])), grad.logitsName).data;
          sums.push(sampleLosses(logits, ys).reduce((a, b) => a + b, 0));
        }
        const estimate = centralDifference(sums[0], baseSum, sums[1], step);
        if (estimate === undefined) {
          nonSmooth++;
          continue;
        }
        analytic.push(analyticAll[c]);
        numeric.push(estimate);
      }
      parameters.push({
        name: p,
        coordinates: analytic.length,
        relativeError: relativeError(analytic, numeric),
      });
    }
    perSample.sort((a, b) => a - b);
    return {
      samples: n,
      coordinatesPerSample: chosen.length,
      step,
      maxRelativeError: perSample[n - 1],
      medianRelativeError: perSample[Math.floor((n - 1) / 2)],
      nonSmoothCoordinates: nonSmooth,
      parameters,
    };
  } finally {
    await session.release();
  }
}
