// Per-sample losses on logits z [N, C] and int64 labels y [N], with their closed-form gradient
// d(sum_i loss_i)/dz: cross-entropy (softmax - onehot), Carlini-Wagner margin (Carlini & Wagner
// 2017, "Towards Evaluating the Robustness of Neural Networks", the f6 margin on logits) and MSE
// against the one-hot target.

import type { LossKind } from "../../core/index.js";
import { A } from "../attributes.js";
import { DataType } from "../ir.js";
import type { Emitter } from "./emitter.js";

export interface LossGraph {
  /** float [N] per-sample loss. */
  readonly loss: string;
  /** float [N, C]: d(sum_i loss_i) / dz. */
  readonly dLogits: string;
}

export function emitLoss(e: Emitter, kind: LossKind, z: string, labels: string): LossGraph {
  const zShape = e.shape(z);
  const c = zShape?.[1];
  const classes =
    typeof c === "number"
      ? e.ints(Array.from({ length: c }, (_, i) => i))
      : e.op("Range", [
          e.ints([0], []),
          e.op("Gather", [e.op("Shape", [z]), e.ints([1], [])]),
          e.ints([1], []),
        ]);
  const column = e.unsqueeze(labels, [1]); // [N, 1]
  const isLabel = e.op("Equal", [column, classes]); // bool [N, C]
  const onehot = e.op("Cast", [isLabel], { to: A.int(e.elemType(z)) });
  const zy = () => e.squeeze(e.op("GatherElements", [z, column], { axis: A.int(1) }), [1]);

  switch (kind) {
    case "cross-entropy": {
      const lse = e.reduce("ReduceLogSumExp", z, [1], false);
      const loss = e.op("Sub", [lse, zy()]);
      const dLogits = e.op("Sub", [e.op("Softmax", [z], { axis: A.int(1) }), onehot]);
      return { loss, dLogits };
    }
    case "cw-margin": {
      // Mask the label's logit with -inf; the first arg-max of the rest takes the subgradient.
      const others = e.op("Where", [isLabel, e.scalar(Number.NEGATIVE_INFINITY, z), z]);
      const best = e.reduce("ReduceMax", others, [1], false);
      const loss = e.op("Sub", [zy(), best]);
      const bestIndex = e.op("ArgMax", [others], { axis: A.int(1), keepdims: A.int(1) });
      const isBest = e.op("Cast", [e.op("Equal", [bestIndex, classes])], {
        to: A.int(e.elemType(z)),
      });
      return { loss, dLogits: e.op("Sub", [onehot, isBest]) };
    }
    case "mse": {
      const diff = e.op("Sub", [z, onehot]);
      const loss = e.reduce("ReduceMean", e.op("Mul", [diff, diff]), [1], false);
      const twoOverC =
        typeof c === "number"
          ? e.scalar(2 / c, z)
          : e.op("Div", [
              e.scalar(2, z),
              e.op("Cast", [e.op("Gather", [e.op("Shape", [z]), e.ints([1], [])])], {
                to: A.int(e.elemType(z) || DataType.FLOAT),
              }),
            ]);
      return { loss, dLogits: e.op("Mul", [diff, twoOverC]) };
    }
  }
}
