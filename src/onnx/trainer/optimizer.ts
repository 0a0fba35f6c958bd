// The optimiser contract: a named parameter set updated in place from its gradients.

/** Trainable parameters by initializer name: dims and current values (updated in place). */
export interface Parameter {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}
export type ParameterSet = ReadonlyMap<string, Parameter>;

export interface Optimizer {
  readonly name: string;
  /**
   * One update of every parameter with its gradient (of the mean loss) at learning rate `lr`.
   * Parameters without a gradient are left unchanged.
   */
  step(params: ParameterSet, grads: ReadonlyMap<string, Float32Array>, lr: number): void;
}

/** Plain-data optimiser configuration, embedded in model metadata and JSON reports. */
export type OptimizerConfig =
  | {
      readonly type: "sgd";
      /** Heavy-ball momentum coefficient (default 0.9; 0 = plain SGD). */
      readonly momentum?: number;
      /** Nesterov's accelerated form of momentum (default false). */
      readonly nesterov?: boolean;
      /** L2 penalty added to the gradient (default 0). */
      readonly weightDecay?: number;
    }
  | {
      readonly type: "adam";
      readonly beta1?: number;
      readonly beta2?: number;
      readonly epsilon?: number;
      /** Weight decay (default 0): L2 in the gradient, or decoupled (AdamW) with `decoupled`. */
      readonly weightDecay?: number;
      readonly decoupled?: boolean;
    };
