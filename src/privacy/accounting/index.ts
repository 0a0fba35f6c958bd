export type {
  AccountantKind,
  EpsilonResult,
  PrivacyAccountant,
  SupportResult,
} from "./accountant.js";
export {
  type AccountantOptions,
  createAccountant,
  type NoiseResult,
  type NoiseSearch,
  noiseMultiplierFor,
} from "./calibrate.js";
export {
  type ComposedEvent,
  type DpEvent,
  dpSgdEvent,
  type GaussianEvent,
  type LaplaceEvent,
  type PoissonSampledEvent,
  type SelfComposedEvent,
  validateEvent,
} from "./events.js";
export {
  analyticGaussianSigma,
  classicGaussianSigma,
  gaussianDelta,
  gaussianEpsilon,
  laplaceScale,
} from "./gaussian-mechanism.js";
export { type DiscretePld, pldDelta, pldEpsilon } from "./pld.js";
export {
  DEFAULT_PLD_INTERVAL,
  PldAccountant,
  type PldAccountantOptions,
} from "./pld-accountant.js";
export {
  clearRdpCache,
  DEFAULT_RDP_ORDERS,
  OPACUS_RDP_ORDERS,
  RdpAccountant,
  type RdpAccountantOptions,
} from "./rdp-accountant.js";
export { type Conversion, epsilonFromRdp } from "./rdp-conversion.js";
export {
  rdpGaussian,
  rdpLaplace,
  rdpSampledGaussian,
  sampledGaussianRdpCurve,
} from "./rdp-mechanisms.js";
