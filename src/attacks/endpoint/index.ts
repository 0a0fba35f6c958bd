export {
  atPath,
  HttpClassifier,
  type HttpClassifierOptions,
  INPUTS_PLACEHOLDER,
  retryAfterMs,
} from "./http-classifier.js";
