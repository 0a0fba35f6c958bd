// HttpClassifier: a black-box Classifier behind an HTTP endpoint that takes a JSON batch and
// answers with JSON scores. Requests follow a template, scores are read at a path, and every row
// sent counts as one query. Transient failures (network errors, timeouts, 5xx, 429, unreadable
// answers) are retried with exponential backoff; 429/503 honour Retry-After (RFC 9110 §10.2.3).

import { type Classifier, MlsecError, sizeOf, type Tensor } from "../../core/index.js";

export interface HttpClassifierOptions {
  readonly url: string;
  /** Per-sample input shape, e.g. [1, 28, 28]. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly bounds: readonly [number, number];
  /** JSON body; the string "$INPUTS" anywhere in it becomes the batch as nested arrays. */
  readonly requestTemplate?: unknown;
  /** Dot path to the [N, numClasses] scores in the answer, e.g. "outputs" or "result.0.logits". */
  readonly responsePath?: string;
  /** Extra request headers, e.g. { Authorization: "Bearer ..." }. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Rows per request (default 32). */
  readonly batchSize?: number;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** Retries after the first attempt (default 3). */
  readonly retries?: number;
  /** First backoff delay; doubles per retry (default 200 ms). */
  readonly backoffMs?: number;
  /** Longest wait honoured from Retry-After (default 60 s). */
  readonly maxRetryAfterMs?: number;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
}

export const INPUTS_PLACEHOLDER = "$INPUTS";
const DEFAULT_TEMPLATE = { inputs: INPUTS_PLACEHOLDER };

/** Nested arrays of one batch, shaped [N, ...inputShape]. */
function nested(data: Float32Array, shape: readonly number[]): unknown[] {
  const build = (offset: number, dim: number): unknown[] => {
    const size = shape[dim];
    const inner = sizeOf(shape.slice(dim + 1));
    const out = new Array(size);
    for (let k = 0; k < size; k++) {
      out[k] = dim === shape.length - 1 ? data[offset + k] : build(offset + k * inner, dim + 1);
    }
    return out;
  };
  return build(0, 0);
}

/** Follows a dot path ("a.b.0.c") into parsed JSON; undefined when any step is missing. */
export function atPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path === "" ? [] : path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly code: "E_ENDPOINT_HTTP" | "E_ENDPOINT_TIMEOUT" | "E_ENDPOINT_RESPONSE",
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After as delta-seconds or an HTTP date, in ms (undefined when absent or unreadable). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class HttpClassifier implements Classifier {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly bounds: readonly [number, number];
  /** Rows the endpoint has scored (successful requests only). */
  queries = 0;
  /** HTTP requests sent, retries included. */
  requests = 0;
  private readonly template: string;
  private readonly options: HttpClassifierOptions;

  constructor(options: HttpClassifierOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new MlsecError("E_INVALID_ARGUMENT", `endpoint URL "${options.url}" is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `endpoint URL must be http(s), got ${url.protocol}`,
      );
    }
    if (!(options.numClasses >= 2) || !Number.isInteger(options.numClasses)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `numClasses must be an integer ≥ 2`);
    }
    this.options = options;
    this.inputShape = [...options.inputShape];
    this.numClasses = options.numClasses;
    this.bounds = options.bounds;
    this.template = JSON.stringify(options.requestTemplate ?? DEFAULT_TEMPLATE);
    if (!this.template.includes(JSON.stringify(INPUTS_PLACEHOLDER))) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `the request template must contain the string "${INPUTS_PLACEHOLDER}"`,
      );
    }
  }

  async predict(x: Tensor): Promise<Tensor> {
    const n = x.shape[0];
    const stride = sizeOf(this.inputShape);
    if (x.data.length !== n * stride) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `input has shape [${x.shape}], the endpoint expects [N, ${this.inputShape.join(", ")}]`,
      );
    }
    const batch = this.options.batchSize ?? 32;
    const out = new Float32Array(n * this.numClasses);
    const chunks: [number, number][] = [];
    for (let s = 0; s < n; s += batch) chunks.push([s, Math.min(n, s + batch)]);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const [start, end] = chunks[next++];
        const scores = await this.request(
          x.data.subarray(start * stride, end * stride),
          end - start,
        );
        out.set(scores, start * this.numClasses);
      }
    };
    const workers = Math.max(1, Math.min(this.options.concurrency ?? 4, chunks.length));
    const results = await Promise.allSettled(Array.from({ length: workers }, worker));
    const failed = results.find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    return { shape: [n, this.numClasses], data: out };
  }

  private async request(rows: Float32Array, count: number): Promise<Float32Array> {
    const body = this.template.replace(
      JSON.stringify(INPUTS_PLACEHOLDER),
      JSON.stringify(nested(rows, [count, ...this.inputShape])),
    );
    const retries = this.options.retries ?? 3;
    const backoff = this.options.backoffMs ?? 200;
    let last: Retryable | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const wait = Math.min(
          last?.retryAfterMs ?? backoff * 2 ** (attempt - 1),
          this.options.maxRetryAfterMs ?? 60_000,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      try {
        const scores = await this.attempt(body, count);
        this.queries += count;
        return scores;
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        last = e;
      }
    }
    throw new MlsecError(
      last!.code,
      `${this.options.url}: ${last!.message} (after ${retries + 1} attempts)`,
      { details: { url: this.options.url, attempts: retries + 1, queriesSoFar: this.queries } },
    );
  }

  private async attempt(body: string, count: number): Promise<Float32Array> {
    this.requests++;
    const timeout = this.options.timeoutMs ?? 30_000;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.options.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.options.headers },
        body,
        signal: AbortSignal.timeout(timeout),
      });
      text = await response.text();
    } catch (e) {
      const name = (e as Error).name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new Retryable(`no answer within ${timeout} ms`, "E_ENDPOINT_TIMEOUT");
      }
      throw new Retryable(`request failed: ${(e as Error).message}`, "E_ENDPOINT_HTTP");
    }
    if (response.status === 429 || response.status >= 500) {
      throw new Retryable(
        `HTTP ${response.status}`,
        "E_ENDPOINT_HTTP",
        retryAfterMs(response.headers.get("retry-after")),
      );
    }
    if (!response.ok) {
      // 4xx other than 429: the request itself is wrong (auth, schema); retrying will not help.
      throw new MlsecError(
        "E_ENDPOINT_HTTP",
        `${this.options.url}: HTTP ${response.status}: ${text.slice(0, 200)}`,
        { details: { url: this.options.url, status: response.status, queriesSoFar: this.queries } },
      );
    }
    // The answer is untrusted: parse defensively and check every value.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Retryable(
        `answer is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
        "E_ENDPOINT_RESPONSE",
      );
    }
    const path = this.options.responsePath ?? "outputs";
    const scores = atPath(parsed, path);
    if (!Array.isArray(scores) || scores.length !== count) {
      throw new Retryable(`answer has no ${count} score rows at "${path}"`, "E_ENDPOINT_RESPONSE");
    }
    const out = new Float32Array(count * this.numClasses);
    for (let i = 0; i < count; i++) {
      const row = scores[i] as unknown;
      if (!Array.isArray(row) || row.length !== this.numClasses) {
        throw new Retryable(
          `score row ${i} is not ${this.numClasses} numbers`,
          "E_ENDPOINT_RESPONSE",
        );
      }
      for (let k = 0; k < this.numClasses; k++) {
        const v = row[k];
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new Retryable(`score [${i}][${k}] is ${JSON.stringify(v)}`, "E_ENDPOINT_RESPONSE");
        }
        out[i * this.numClasses + k] = v;
      }
    }
    return out;
  }
}
