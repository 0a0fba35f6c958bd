// Public surface of CKKS encrypted inference (issue 12): plans from ONNX models, parameter
// selection, client (keys, encrypt, decrypt) and server (evaluate with public keys only).

export { HeClient } from "./client.js";
export {
  CONTAINER_KINDS,
  type Container,
  type ContainerKind,
  packContainer,
  unpackContainer,
} from "./container.js";
export { type DemoInput, type DemoResult, runDemo } from "./demo.js";
export {
  type LinearSchedule,
  linearSchedule,
  nextPow2,
  planPeriod,
  planRotations,
  type SlotLayout,
  slotLayout,
} from "./diagonals.js";
export {
  type GeneratedKeys,
  generateKeys,
  type KeyBytes,
  type KeyMeta,
  parametersFor,
} from "./keys.js";
export { type PlanOptions, planFromOnnx } from "./onnx-plan.js";
export {
  type CkksParameters,
  type ParameterRequest,
  RING_DEGREES,
  SECURITY_LEVELS,
  type SecurityLevel,
  selectParameters,
} from "./params.js";
export {
  describePlan,
  evaluatePlan,
  type HeLayer,
  type HePlan,
  type LinearLayer,
  type PolyLayer,
  planDepth,
} from "./plan.js";
export {
  ACTIVATIONS,
  type ActivationName,
  type Approximation,
  approximateActivation,
} from "./polynomial.js";
export { HeServer, type LayerTiming } from "./server.js";
export { HeWorkerPool } from "./worker-pool.js";
