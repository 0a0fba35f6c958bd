// Public surface of adversarial training: PGD (Madry et al.), fast FGSM (Wong et al.) and
// TRADES (Zhang et al.) on the ONNX trainer.

export {
  ADVERSARIAL_METHODS,
  type AdversarialEpochStats,
  type AdversarialMethod,
  type AdversarialTrainingOptions,
  type AdversarialTrainingResult,
  adversarialTraining,
  type ResolvedAttackSettings,
  resolveAttackSettings,
} from "./adversarial-training.js";
export { logSoftmaxRows, TradesSession, tradesCotangent } from "./trades.js";
export { VjpSessions } from "./vjp-model.js";
export { WeightFedClassifier } from "./weight-fed-classifier.js";
