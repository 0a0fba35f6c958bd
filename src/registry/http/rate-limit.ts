// Failed-authentication limiter: at most `maxFailures` bad tokens per client address in a fixed
// window; past that every request from the address is refused (429) until the window ends, so
// guessing tokens online is throttled. A success does not reset the count (an attacker holding
// one valid token could otherwise interleave it to keep guessing).
export interface FailureLimiterOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Most addresses tracked at once; expired windows are dropped first. */
  readonly maxClients?: number;
  readonly now?: () => number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, { failures: number; resetAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: FailureLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds the client must wait, or 0 when it may try. */
  blockedFor(client: string): number {
    const w = this.windows.get(client);
    if (!w) return 0;
    const left = w.resetAt - this.now();
    if (left <= 0) {
      this.windows.delete(client);
      return 0;
    }
    return w.failures >= this.options.maxFailures ? left : 0;
  }

  recordFailure(client: string): void {
    const now = this.now();
    let w = this.windows.get(client);
    if (!w || w.resetAt <= now) {
      this.evict(now);
      w = { failures: 0, resetAt: now + this.options.windowMs };
      this.windows.set(client, w);
    }
    w.failures += 1;
  }

  private evict(now: number): void {
    const max = this.options.maxClients ?? 100_000;
    if (this.windows.size < max) return;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    // Still full of live windows: forget the oldest (Map keeps insertion order).
    while (this.windows.size >= max) {
      const first = this.windows.keys().next().value as string;
      this.windows.delete(first);
    }
  }
}
