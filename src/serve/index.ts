// Public surface of the secure inference gateway.
export { ApiKeyStore, generateApiKey, hashApiKey } from "./api-keys.js";
export type { AuditRecord, Decision } from "./audit-log.js";
export { type Authenticator, authorize, createAuthenticator, type Principal } from "./auth.js";
export {
  type GatewayConfig,
  type GatewayConfigInput,
  gatewayConfigSchema,
  interpolateEnv,
  loadGatewayConfig,
  parseGatewayConfig,
  ROUTES,
  type Route,
} from "./config.js";
export type { InputDetector } from "./detection.js";
export { hardenRow } from "./harden.js";
export { memoryRateLimiter, type RateDecision, type RateLimiter } from "./rate-limit.js";
export { redisRateLimiter } from "./redis-rate-limit.js";
export { GATEWAY_VERSION, type Gateway, type GatewayOptions, startGateway } from "./server.js";
export { type InputSchema, parseSimpleRequest, parseV2Request } from "./validate.js";
