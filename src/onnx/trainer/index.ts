// Public surface of the trainer: optimisers, learning-rate schedules and the training loop.

export { Adam, type AdamOptions } from "./adam.js";
export { createOptimizer } from "./create-optimizer.js";
export type { Optimizer, OptimizerConfig, Parameter, ParameterSet } from "./optimizer.js";
export {
  copyParameters,
  parametersAsInputs,
  readParameters,
  trainableParameterNames,
  writeParameters,
} from "./parameters.js";
export {
  type LrSchedule,
  learningRate,
  SCHEDULE_TYPES,
  type ScheduleClock,
  validateSchedule,
} from "./schedule.js";
export { Sgd, type SgdOptions } from "./sgd.js";
export {
  type Dataset,
  type EarlyStopping,
  type EpochStats,
  type TrainOptions,
  type TrainResult,
  train,
} from "./trainer.js";
export {
  type StepResult,
  TrainingSession,
  type TrainingSessionOptions,
} from "./training-session.js";
export { crossEntropyRows, type LossAccuracy, scoreBatches } from "./validation.js";
