// The scalar a tabular explanation attributes: one class's probability (softmax) or logit,
// read from a Classifier's batched logits (identity link on that output).

import type { Classifier, Tensor } from "../core/index.js";
import { MlsecError } from "../core/index.js";

/**
 * Which scalar of the model's output is explained: the class probability, the raw class logit,
 * or the probability through the logit link log(p / (1 − p)) (shap's `link="logit"`).
 */
export type OutputKind = "probability" | "logit" | "log-odds";

/** The logit link, with p clamped away from 0 and 1 so it stays finite. */
export function logOdds(p: number): number {
  const q = Math.min(1 - 1e-15, Math.max(1e-15, p));
  return Math.log(q / (1 - q));
}

/** Rows per predict() call when an explainer evaluates many masked inputs. */
export const EVAL_CHUNK_ROWS = 32768;

/** The chosen output for each row of `x`, computed in chunks of at most `EVAL_CHUNK_ROWS`. */
export async function classOutput(
  model: Classifier,
  x: Tensor,
  classIndex: number,
  output: OutputKind,
): Promise<Float64Array> {
  checkClass(model, classIndex);
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  const k = model.numClasses;
  const result = new Float64Array(n);
  for (let start = 0; start < n; start += EVAL_CHUNK_ROWS) {
    const end = Math.min(n, start + EVAL_CHUNK_ROWS);
    const chunk: Tensor =
      start === 0 && end === n
        ? x
        : {
            shape: [end - start, ...x.shape.slice(1)],
            data: x.data.subarray(start * stride, end * stride),
          };
    const logits = (await model.predict(chunk)).data;
    for (let i = 0; i < end - start; i++) {
      const row = logits.subarray(i * k, (i + 1) * k);
      result[start + i] =
        output === "logit"
          ? row[classIndex]
          : output === "log-odds"
            ? logOdds(softmaxAt(row, classIndex))
            : softmaxAt(row, classIndex);
    }
  }
  return result;
}

function softmaxAt(row: Float32Array, c: number): number {
  let m = -Infinity;
  for (const v of row) m = Math.max(m, v);
  let s = 0;
  for (const v of row) s += Math.exp(v - m);
  return Math.exp(row[c] - m) / s;
}

export function checkClass(model: Classifier, classIndex: number): void {
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= model.numClasses) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `class ${classIndex} is outside the model's ${model.numClasses} classes`,
    );
  }
}

/** A weighted background set: rows of features and one weight per row (summing to 1). */
export interface Background {
  readonly x: Tensor;
  readonly weights: Float64Array;
}

/** Uniform weights over every row of `x`. */
export function uniformBackground(x: Tensor): Background {
  const n = x.shape[0];
  if (n === 0) throw new MlsecError("E_INVALID_ARGUMENT", "the background set is empty");
  return { x, weights: new Float64Array(n).fill(1 / n) };
}

/** Number of features of one sample of a flat (tabular) input. */
export function featureCount(model: Classifier): number {
  return model.inputShape.reduce((a, b) => a * b, 1);
}
