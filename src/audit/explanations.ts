// The audit's global explanation: what the model relies on. Tabular models get permutation
// feature importance (Breiman 2001); image models the mean |integrated gradients| (Sundararajan
// et al. 2017) of the predicted class over a few test images, drawn as a heat-map.

import { argmaxRows, type Rng, sliceBatch, type Tensor } from "../core/index.js";
import type { OnnxClassifier } from "../onnx/index.js";
import type { AuditProfile } from "./profiles.js";
import type { AuditSections } from "./types.js";

const MAX_TABULAR_FEATURES = 100;
const IG_STEPS = 16;

export async function explanationsSection(
  classifier: OnnxClassifier,
  data: { x: Tensor; y: Int32Array; featureNames?: readonly string[] },
  profile: AuditProfile,
  rng: Rng,
  sections: AuditSections,
): Promise<void> {
  const ex = await import("../explain/index.js");
  const shape = classifier.inputShape;
  const d = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 1 && d <= MAX_TABULAR_FEATURES) {
    const r = await ex.permutationImportance(classifier, data.x, data.y, {
      repeats: 3,
      metric: "accuracy",
      rng,
    });
    sections.explanations = {
      method: "permutation importance",
      samples: r.rows,
      values: Array.from(r.importances),
      features: Array.from(
        { length: d },
        (_, j) => (data.featureNames?.length === d ? data.featureNames[j] : `x${j}`) as string,
      ),
      inputShape: shape,
      note: "accuracy lost when the feature is shuffled across the test rows (3 repeats)",
    };
    return;
  }
  if (ex.imageSize(shape) === undefined || sections.model?.differentiable !== true) return;
  const n = Math.min(profile.explainSamples, data.x.shape[0]);
  const x = sliceBatch(data.x, 0, n);
  const predicted = argmaxRows(await classifier.predict(x));
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = await ex.integratedGradients(classifier, x.data.subarray(i * d, (i + 1) * d), {
      classIndex: predicted[i],
      steps: IG_STEPS,
    });
    for (let j = 0; j < d; j++) mean[j] += Math.abs(r.attributions[j]) / n;
  }
  sections.explanations = {
    method: "integrated gradients",
    samples: n,
    values: Array.from(mean),
    features: [],
    inputShape: shape,
    note: `mean |attribution| of the predicted class over the first ${n} test images (${IG_STEPS} Gauss–Legendre steps, zero baseline)`,
  };
}
