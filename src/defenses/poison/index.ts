// Public surface of poisoning defences: the BadNets backdoor generator used to test them,
// activation clustering and spectral signatures, and their precision/recall.

export {
  type ActivationClusteringOptions,
  activationClustering,
  type ClassClusters,
} from "./activation-clustering.js";
export {
  type BackdoorOptions,
  type PoisonedDataset,
  poisonBackdoor,
  type TriggerPattern,
} from "./backdoor.js";
export { type PoisonDetectionMetrics, poisonMetrics } from "./metrics.js";
export { covariance, topEigenvectors } from "./pca.js";
export {
  type PoisonScan,
  type SpectralOptions,
  spectralSignatures,
} from "./spectral-signatures.js";
