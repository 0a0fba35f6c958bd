// Stochastic gradient descent with heavy-ball momentum (Polyak 1964) and optional Nesterov
// momentum in the form of Sutskever et al. 2013, §2 (the update PyTorch's torch.optim.SGD uses):
//   g ← ∇ + λw;  v ← μv + g;  w ← w − η(g + μv) (Nesterov) or w ← w − ηv.

import { MlsecError } from "../../core/index.js";
import type { Optimizer, ParameterSet } from "./optimizer.js";

export interface SgdOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
}

export class Sgd implements Optimizer {
  readonly name = "sgd";
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;
  private readonly velocity = new Map<string, Float32Array>();

  constructor(options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new MlsecError("E_TRAINING", `SGD momentum must be in [0, 1), got ${this.momentum}`);
    }
    if (!(this.weightDecay >= 0) || !Number.isFinite(this.weightDecay)) {
      throw new MlsecError("E_TRAINING", `weight decay must be ≥ 0, got ${this.weightDecay}`);
    }
    if (this.nesterov && this.momentum === 0) {
      throw new MlsecError("E_TRAINING", "Nesterov momentum needs momentum > 0");
    }
  }

  step(params: ParameterSet, grads: ReadonlyMap<string, Float32Array>, lr: number): void {
    const { momentum: mu, nesterov, weightDecay: wd } = this;
    for (const [name, p] of params) {
      const grad = grads.get(name);
      if (grad === undefined) continue;
      const w = p.data;
      if (mu === 0) {
        for (let i = 0; i < w.length; i++) w[i] -= lr * (grad[i] + wd * w[i]);
        continue;
      }
      let v = this.velocity.get(name);
      if (v === undefined) {
        v = new Float32Array(w.length);
        this.velocity.set(name, v);
      }
      for (let i = 0; i < w.length; i++) {
        const g = grad[i] + wd * w[i];
        const vi = mu * v[i] + g;
        v[i] = vi;
        w[i] -= lr * (nesterov ? g + mu * vi : vi);
      }
    }
  }
}
