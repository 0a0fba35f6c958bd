// Gradient of BatchNormalization in inference form (Ioffe & Szegedy 2015, "Batch
// Normalization", eq. in §3.1 with the population statistics): y = scale (x - mean) / sqrt(var
// + eps) + B per channel (axis 1). Samples stay independent, so per-sample losses do too.

import { attrFloat, attrInt } from "../attributes.js";
import type { GradRuleEntry } from "./rule.js";

const batchNormalization: GradRuleEntry = {
  inputs: [0, 1, 2, 3, 4],
  rule: (ctx) => {
    const { node, e } = ctx;
    if (attrInt(node, "training_mode", 0) !== 0) ctx.fail("training_mode=1 is not supported");
    const [x, scale, , mean, variance] = node.input;
    const dy = ctx.dy[0]!;
    const rank = e.rank(x, "BatchNormalization gradient");
    const eps = attrFloat(node, "epsilon", 1e-5);
    const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 1);
    // [C] -> [C, 1, ..., 1], broadcasting against [N, C, ...].
    const perChannel = (v: string) => (spatial.length === 0 ? v : e.unsqueeze(v, spatial));
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
    const invStd = e.op("Reciprocal", [e.op("Sqrt", [e.op("Add", [variance, e.scalar(eps, x)])])]);
    const gain = e.op("Mul", [scale, invStd]);
    let sumDy: string | undefined;
    const dySum = () => {
      sumDy ??= e.reduce("ReduceSum", dy, axes, false);
      return sumDy;
    };
    let sumDyCentered: string | undefined;
    const dyCenteredSum = () => {
      if (sumDyCentered === undefined) {
        const centered = e.op("Sub", [x, perChannel(mean)]);
        sumDyCentered = e.reduce("ReduceSum", e.op("Mul", [dy, centered]), axes, false);
      }
      return sumDyCentered;
    };
    const dx = ctx.needs(0) ? e.op("Mul", [dy, perChannel(gain)]) : undefined;
    const dScale = ctx.needs(1) ? e.op("Mul", [dyCenteredSum(), invStd]) : undefined;
    const dBias = ctx.needs(2) ? dySum() : undefined;
    const dMean = ctx.needs(3) ? e.op("Neg", [e.op("Mul", [dySum(), gain])]) : undefined;
    let dVar: string | undefined;
    if (ctx.needs(4)) {
      // d/dvar (var + eps)^(-1/2) = -1/2 invStd^3.
      const cube = e.op("Mul", [invStd, e.op("Mul", [invStd, invStd])]);
      const factor = e.op("Mul", [e.op("Mul", [scale, cube]), e.scalar(-0.5, x)]);
      dVar = e.op("Mul", [dyCenteredSum(), factor]);
    }
    return [dx, dScale, dBias, dMean, dVar];
  },
};

export const BATCHNORM_RULES: Readonly<Record<string, GradRuleEntry>> = {
  BatchNormalization: batchNormalization,
};
