// Validation during training: mean cross-entropy and accuracy of logits against labels.

import type { Tensor } from "../../core/index.js";
import { sliceBatch } from "../../core/index.js";
import { crossEntropy } from "../evaluate.js";
import { feed, floatOutput, type OrtSession } from "../session.js";
import type { ParameterSet } from "./optimizer.js";

export interface LossAccuracy {
  /** Mean cross-entropy (from logits) over the samples. */
  readonly loss: number;
  readonly accuracy: number;
}

/** Summed cross-entropy of the rows of `logits` [N, C] and how many rows have the argmax right. */
export function crossEntropyRows(
  logits: Float32Array,
  labels: Int32Array,
  classes: number,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let j = 1; j < classes; j++) if (row[j] > row[best]) best = j;
    lossSum += crossEntropy(row, labels[i]);
    if (best === labels[i]) correct += 1;
  }
  return { lossSum, correct };
}

/** Runs a forward session whose parameters are inputs over `x` in batches. */
export async function scoreBatches(
  session: OrtSession,
  names: { readonly input: string; readonly logits: string },
  params: ParameterSet,
  x: Tensor,
  y: Int32Array,
  batchSize: number,
): Promise<LossAccuracy> {
  const paramFeeds = Object.fromEntries(
    [...params].map(([name, p]) => [name, feed.float32(p.data, p.dims)]),
  );
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < y.length; start += batchSize) {
    const xb = sliceBatch(x, start, start + batchSize);
    const yb = y.subarray(start, start + xb.shape[0]);
    const out = await session.run(
      { ...paramFeeds, [names.input]: feed.float32(xb.data, xb.shape) },
      [names.logits],
    );
    const logits = floatOutput(out, names.logits);
    const r = crossEntropyRows(logits.data, yb, logits.dims[1]);
    lossSum += r.lossSum;
    correct += r.correct;
  }
  const n = Math.max(1, y.length);
  return { loss: lossSum / n, accuracy: correct / n };
}
