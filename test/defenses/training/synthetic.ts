// A two-class problem with one robust feature and many weak ones (after Tsipras et al. 2019,
// "Robustness May Be at Odds with Accuracy", §2): x0 sits at 0.2 or 0.8 by class; each of the
// other features moves only ±0.1 around 0.5. An L∞ attack of 0.25 flips every weak feature but
// not x0, so a model is robust exactly when it relies on x0.

import { pgdBatch } from "../../../src/attacks/evasion/index.js";
import { createRng, type Rng } from "../../../src/core/index.js";
import { buildMlp } from "../../../src/onnx/architectures/index.js";
import { type ModelProto, OnnxClassifier } from "../../../src/onnx/index.js";

export const FEATURES = 20;
export const EPS = 0.25;

export function robustVsWeak(n: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(n * FEATURES);
  const y = new Int32Array(n);
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const sign = y[i] === 1 ? 1 : -1;
    x[i * FEATURES] = clip(0.5 + 0.3 * sign + 0.03 * rng.normal());
    for (let j = 1; j < FEATURES; j++) {
      x[i * FEATURES + j] = clip(0.5 + 0.1 * sign + 0.1 * rng.normal());
    }
  }
  return { x: { shape: [n, FEATURES], data: x }, y };
}

export function tinyMlp(rng: Rng): ModelProto {
  return buildMlp({ inputShape: [FEATURES], numClasses: 2, hidden: [16], rng, bounds: [0, 1] });
}

/** Clean accuracy and accuracy under L∞ PGD-20 at eps (one random start). */
export async function accuracies(
  model: ModelProto,
  data: ReturnType<typeof robustVsWeak>,
  eps = EPS,
): Promise<{ clean: number; robust: number }> {
  const classifier = await OnnxClassifier.create(model, { intraOpThreads: 1 });
  try {
    const logits = await classifier.predict(data.x);
    const n = data.y.length;
    const attack = await pgdBatch(
      classifier,
      data.x,
      { labels: data.y },
      { eps, epsStep: eps / 8, steps: 20, norm: "inf", randomInit: 1 },
      { rng: createRng(99) },
    );
    let clean = 0;
    let robust = 0;
    for (let i = 0; i < n; i++) {
      const right = (logits.data[2 * i + 1] > logits.data[2 * i] ? 1 : 0) === data.y[i];
      if (right) clean++;
      if (right && !attack.success[i]) robust++;
    }
    return { clean: clean / n, robust: robust / n };
  } finally {
    await classifier.release();
  }
}
