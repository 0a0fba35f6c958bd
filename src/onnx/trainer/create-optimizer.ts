// The optimiser registry: plain-data configuration to an Optimizer instance.

import { MlsecError } from "../../core/index.js";
import { Adam } from "./adam.js";
import type { Optimizer, OptimizerConfig } from "./optimizer.js";
import { Sgd } from "./sgd.js";

export function createOptimizer(config: OptimizerConfig): Optimizer {
  switch (config.type) {
    case "sgd":
      return new Sgd(config);
    case "adam":
      return new Adam(config);
    default:
      throw new MlsecError(
        "E_TRAINING",
        `unknown optimizer "${(config as { type: string }).type}"; use sgd or adam`,
      );
  }
}
