// The token bucket and query budget of rate-limit.ts kept in Redis, so several gateway
// instances share one limit per client. One Lua script reads, refills and takes atomically
// (Redis runs a script without interleaving other commands), using the Redis clock.

import { Redis } from "ioredis";
import { MlsecError } from "../core/index.js";
import type { RateDecision, RateLimiter, RateLimitSettings } from "./rate-limit.js";

// KEYS: bucket hash, budget counter. ARGV: rate, burst, rows, budget rows (0: none), window ms.
// Returns {allowed 0|1, retry-after ms, budget left (-1: no budget)}.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local rows = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local window = tonumber(ARGV[5])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
if tokens < rows then
  return {0, math.ceil((rows - tokens) * 1000 / rate), -1}
end
local left = -1
if budget > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used + rows > budget then
    local ttl = redis.call('PTTL', KEYS[2])
    if ttl < 0 then ttl = window end
    return {0, ttl, -2}
  end
  used = redis.call('INCRBY', KEYS[2], rows)
  if used == rows then redis.call('PEXPIRE', KEYS[2], window) end
  left = budget - used
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - rows), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {1, 0, left}
`;

export async function redisRateLimiter(
  settings: RateLimitSettings & { readonly url: string; readonly prefix: string },
): Promise<RateLimiter> {
  const redis = new Redis(settings.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
  });
  // Connection errors surface through the commands below; this keeps them off stderr.
  redis.on("error", () => {});
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new MlsecError(
      "E_GATEWAY_CONFIG",
      `cannot reach Redis at ${settings.url}: ${(e as Error).message}`,
      { hint: "Start Redis or use rateLimit.backend: memory for a single gateway instance." },
    );
  }
  redis.defineCommand("mlsecTake", { numberOfKeys: 2, lua: TAKE_SCRIPT });
  const budgetRows = settings.budget?.rows ?? 0;
  const windowMs = (settings.budget?.windowSeconds ?? 1) * 1000;
  return {
    async take(client, rows): Promise<RateDecision> {
      const key = `${settings.prefix}${client}`;
      const [allowed, retryAfterMs, left] = (await (
        redis as unknown as {
          mlsecTake(...args: (string | number)[]): Promise<[number, number, number]>;
        }
      ).mlsecTake(
        `${key}:bucket`,
        `${key}:budget`,
        settings.rowsPerSecond,
        settings.burst,
        rows,
        budgetRows,
        windowMs,
      )) as [number, number, number];
      if (allowed === 1) return left >= 0 ? { allowed: true, budgetLeft: left } : { allowed: true };
      return { allowed: false, reason: left === -2 ? "budget" : "rate", retryAfterMs };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
