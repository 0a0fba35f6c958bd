export { bernoulli, bernoulliExpNeg } from "./bernoulli.js";
export { sampleDiscreteGaussian } from "./discrete-gaussian.js";
export { sampleDiscreteLaplace } from "./discrete-laplace.js";
export { gaussianMechanism, laplaceMechanism, type NoisyValue } from "./granular.js";
export { type RandomSource, secureRandom, seededRandom } from "./random-source.js";
export { type Rational, toRational } from "./rational.js";
export {
  exponentialMechanism,
  MAX_CANDIDATES,
  reportNoisyMax,
  type SelectionOptions,
} from "./selection.js";
