// Accuracy, per-class accuracy and the confusion matrix of a classifier on labelled data.

import { argmaxRows, type Classifier, MlsecError, type Tensor } from "../core/index.js";

export interface Evaluation {
  readonly samples: number;
  readonly accuracy: number;
  /** Per class: samples of that class and the fraction predicted right (null when absent). */
  readonly perClass: readonly {
    readonly label: number;
    readonly support: number;
    readonly accuracy: number | null;
  }[];
  /** confusion[true][predicted] counts. */
  readonly confusion: readonly (readonly number[])[];
  readonly meanLoss: number;
}

export async function evaluateClassifier(
  model: Classifier,
  x: Tensor,
  y: Int32Array,
): Promise<Evaluation> {
  const n = x.shape[0];
  if (y.length !== n) {
    throw new MlsecError("E_SHAPE_MISMATCH", `${n} samples but ${y.length} labels`);
  }
  const c = model.numClasses;
  for (let i = 0; i < n; i++) {
    if (y[i] < 0 || y[i] >= c) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `label ${y[i]} of sample ${i} is outside the model's ${c} classes`,
      );
    }
  }
  const logits = await model.predict(x);
  const predicted = argmaxRows(logits);
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  let correct = 0;
  let lossSum = 0;
  for (let i = 0; i < n; i++) {
    confusion[y[i]][predicted[i]]++;
    if (predicted[i] === y[i]) correct++;
    lossSum += crossEntropy(logits.data.subarray(i * c, (i + 1) * c), y[i]);
  }
  const perClass = confusion.map((row, label) => {
    const support = row.reduce((a, b) => a + b, 0);
    return { label, support, accuracy: support === 0 ? null : row[label] / support };
  });
  return {
    samples: n,
    accuracy: n === 0 ? 0 : correct / n,
    perClass,
    confusion,
    meanLoss: n === 0 ? 0 : lossSum / n,
  };
}

/** −log softmax(z)[label], computed stably. */
export function crossEntropy(z: ArrayLike<number>, label: number): number {
  let max = -Infinity;
  for (let j = 0; j < z.length; j++) max = Math.max(max, z[j]);
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += Math.exp(z[j] - max);
  return Math.log(sum) + max - z[label];
}
