// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1), with
// optional weight decay: coupled L2 (added to the gradient) or decoupled as in AdamW
// (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2).

import { MlsecError } from "../../core/index.js";
import type { Optimizer, ParameterSet } from "./optimizer.js";

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly weightDecay?: number;
  readonly decoupled?: boolean;
}

export class Adam implements Optimizer {
  readonly name: string;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly decoupled: boolean;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private t = 0;

  constructor(options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.decoupled = options.decoupled ?? false;
    this.name = this.decoupled ? "adamw" : "adam";
    for (const [key, value] of [
      ["beta1", this.beta1],
      ["beta2", this.beta2],
    ] as const) {
      if (!(value >= 0 && value < 1)) {
        throw new MlsecError("E_TRAINING", `Adam ${key} must be in [0, 1), got ${value}`);
      }
    }
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new MlsecError("E_TRAINING", `Adam epsilon must be > 0, got ${this.epsilon}`);
    }
    if (!(this.weightDecay >= 0) || !Number.isFinite(this.weightDecay)) {
      throw new MlsecError("E_TRAINING", `weight decay must be ≥ 0, got ${this.weightDecay}`);
    }
  }

  step(params: ParameterSet, grads: ReadonlyMap<string, Float32Array>, lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd, decoupled } = this;
    // Bias corrections folded into the step size (Kingma & Ba 2015, §2, end of the section).
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const epsHat = eps * Math.sqrt(c2);
    for (const [name, p] of params) {
      const grad = grads.get(name);
      if (grad === undefined) continue;
      const w = p.data;
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (m === undefined || v === undefined) {
        m = new Float32Array(w.length);
        v = new Float32Array(w.length);
        this.m.set(name, m);
        this.v.set(name, v);
      }
      for (let i = 0; i < w.length; i++) {
        const g = decoupled ? grad[i] : grad[i] + wd * w[i];
        const mi = b1 * m[i] + (1 - b1) * g;
        const vi = b2 * v[i] + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        if (decoupled) w[i] -= lr * wd * w[i];
        w[i] -= (stepSize * mi) / (Math.sqrt(vi) + epsHat);
      }
    }
  }
}
