// The contract between the graph transformer and one op's gradient rule.

import { MlsecError } from "../../core/index.js";
import type { NodeProto } from "../ir.js";
import type { ShapeInfo } from "../shape-inference.js";
import type { Emitter } from "./emitter.js";

export interface GradContext {
  readonly e: Emitter;
  readonly node: NodeProto;
  /** The gradient flowing into each output of the node (undefined where none flows). */
  readonly dy: readonly (string | undefined)[];
  /** Whether input `i` needs a gradient (it depends on a source and is differentiable). */
  needs(i: number): boolean;
  /**
   * The node's input 0 is a ReLU output used only here, and this rule must apply the ReLU's
   * mask itself (the transformer then passes the gradient through the ReLU unchanged).
   */
  readonly reluFolded: boolean;
  /** Stops with E_UNSUPPORTED_OP naming this node. */
  fail(reason: string): never;
}

/** Returns the gradient of each input (undefined for inputs that need none). */
export type GradRule = (ctx: GradContext) => readonly (string | undefined)[];

export interface GradRuleEntry {
  readonly rule: GradRule;
  /** Input positions a gradient can flow to (others are shapes, axes, indices, bounds). */
  readonly inputs: readonly number[] | "all";
  /** Output positions that carry gradient (default: output 0 only). */
  readonly outputs?: readonly number[];
  /** The rule can absorb a preceding ReLU's mask (see GradContext.reluFolded). */
  readonly foldsRelu?: boolean;
  /** How many outputs the forward node must expose (MaxPool's Indices), if more than it has. */
  readonly forwardOutputs?: (node: NodeProto, info: ShapeInfo) => number;
}

export function unsupported(node: NodeProto, reason: string): MlsecError {
  return new MlsecError(
    "E_UNSUPPORTED_OP",
    `cannot differentiate op ${node.opType} at node "${node.name ?? ""}": ${reason}`,
    { details: { opType: node.opType, node: node.name ?? "" } },
  );
}
