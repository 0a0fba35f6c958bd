import type { Differentiable, LossGradient, Tensor } from "../../src/core/index.js";

/**
 * A softmax-linear classifier z = W x + b with analytic cross-entropy gradients, for testing
 * attacks without onnxruntime. W is [classes][features].
 */
export function linearClassifier(
  W: number[][],
  b: number[],
  bounds: readonly [number, number] = [0, 1],
): Differentiable & { calls: number } {
  const classes = W.length;
  const features = W[0].length;
  const logitsOf = (x: Tensor): Float32Array => {
    const n = x.shape[0];
    const out = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < classes; k++) {
        let z = b[k];
        for (let j = 0; j < features; j++) z += W[k][j] * x.data[i * features + j];
        out[i * classes + k] = z;
      }
    }
    return out;
  };
  const model = {
    calls: 0,
    inputShape: [features],
    numClasses: classes,
    bounds,
    async predict(x: Tensor): Promise<Tensor> {
      model.calls++;
      return { shape: [x.shape[0], classes], data: logitsOf(x) };
    },
    async lossGradient(x: Tensor, labels: Int32Array): Promise<LossGradient> {
      model.calls++;
      const n = x.shape[0];
      const z = logitsOf(x);
      const loss = new Float32Array(n);
      const grad = new Float32Array(n * features);
      for (let i = 0; i < n; i++) {
        const row = z.subarray(i * classes, (i + 1) * classes);
        const m = Math.max(...row);
        const e = Array.from(row, (v) => Math.exp(v - m));
        const s = e.reduce((a, c) => a + c, 0);
        loss[i] = Math.log(s) + m - row[labels[i]];
        for (let k = 0; k < classes; k++) {
          const coefficient = e[k] / s - (k === labels[i] ? 1 : 0);
          for (let j = 0; j < features; j++) grad[i * features + j] += coefficient * W[k][j];
        }
      }
      return {
        loss,
        gradient: { shape: [...x.shape], data: grad },
        logits: { shape: [n, classes], data: z },
      };
    },
  };
  return model;
}
