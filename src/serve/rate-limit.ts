// Per-client token buckets (rows per second with a burst) and query budgets (rows per fixed
// window, against model extraction), in memory for one gateway instance.

export type RateDecision =
  | { readonly allowed: true; readonly budgetLeft?: number }
  | {
      readonly allowed: false;
      readonly reason: "rate" | "budget";
      readonly retryAfterMs: number;
    };

export interface RateLimiter {
  /** Takes `rows` tokens for `client`, or says how long to wait. */
  take(client: string, rows: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface RateLimitSettings {
  readonly rowsPerSecond: number;
  readonly burst: number;
  readonly budget?: { readonly rows: number; readonly windowSeconds: number };
}

interface ClientState {
  tokens: number;
  updatedMs: number;
  windowStartMs: number;
  used: number;
}

/** Clients tracked at once; the least recently seen are forgotten first. */
const MAX_CLIENTS = 100_000;

export function memoryRateLimiter(
  settings: RateLimitSettings,
  now: () => number = () => performance.timeOrigin + performance.now(),
): RateLimiter {
  const clients = new Map<string, ClientState>();
  return {
    async take(client, rows) {
      const t = now();
      let state = clients.get(client);
      if (state === undefined) {
        if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
        state = { tokens: settings.burst, updatedMs: t, windowStartMs: t, used: 0 };
      }
      clients.delete(client);
      clients.set(client, state);
      state.tokens = Math.min(
        settings.burst,
        state.tokens + ((t - state.updatedMs) * settings.rowsPerSecond) / 1000,
      );
      state.updatedMs = t;
      if (state.tokens < rows) {
        const wait = ((rows - state.tokens) * 1000) / settings.rowsPerSecond;
        return { allowed: false, reason: "rate", retryAfterMs: Math.ceil(wait) };
      }
      const budget = settings.budget;
      if (budget === undefined) {
        state.tokens -= rows;
        return { allowed: true };
      }
      const windowMs = budget.windowSeconds * 1000;
      if (t - state.windowStartMs >= windowMs) {
        state.windowStartMs = t;
        state.used = 0;
      }
      if (state.used + rows > budget.rows) {
        return {
          allowed: false,
          reason: "budget",
          retryAfterMs: Math.ceil(state.windowStartMs + windowMs - t),
        };
      }
      state.tokens -= rows;
      state.used += rows;
      return { allowed: true, budgetLeft: budget.rows - state.used };
    },
    async close() {
      clients.clear();
    },
  };
}
