// Stateful detection of black-box query attacks (Chen, Carlini & Wagner 2019, "Stateful Detection
// of Black-Box Adversarial Attacks", arXiv:1907.05587): every client's recent queries are kept as
// compact fingerprints; a query whose mean distance to its k nearest fingerprints in that client's
// history falls below a threshold calibrated on benign traffic flags the client. Decision-based
// attacks (HopSkipJump, boundary search, Square) probe tiny neighbourhoods, benign clients do not.
// The fingerprint is a seeded Gaussian random projection (Johnson–Lindenstrauss), standing in for
// the paper's learned similarity encoder: it preserves L2 distances up to a small distortion.

import { createRng, MlsecError } from "../../core/index.js";

export interface QueryStreamOptions {
  /** Values per query (the model's per-sample input size). */
  readonly inputSize: number;
  /** Fingerprint dimensions (default 64). */
  readonly dims?: number;
  /** Neighbours averaged per query (default 20; the paper uses 50 on CIFAR-10). */
  readonly k?: number;
  /** Fingerprints kept per client, oldest dropped first (default 1000). */
  readonly historySize?: number;
  /** Clients tracked at once; the least recently seen is forgotten first (default 10000). */
  readonly maxClients?: number;
  /** Mean k-NN distance below which a query is suspicious (fingerprint space). */
  readonly threshold: number;
  /** Seed of the projection matrix (the state only stores the seed). */
  readonly seed?: number;
}

export interface QueryObservation {
  /** Mean distance to the k nearest earlier fingerprints; Infinity until k are stored. */
  readonly score: number;
  readonly flagged: boolean;
  /** Queries flagged for this client since it was first seen. */
  readonly detections: number;
}

interface ClientHistory {
  readonly ring: Float32Array;
  next: number;
  count: number;
  detections: number;
}

const STATE_VERSION = 1;

export interface QueryStreamState {
  readonly version: typeof STATE_VERSION;
  readonly options: Required<QueryStreamOptions>;
  readonly clients: readonly {
    readonly id: string;
    readonly next: number;
    readonly count: number;
    readonly detections: number;
    /** The ring buffer's float32 bytes, base64. */
    readonly fingerprints: string;
  }[];
}

function resolveOptions(options: QueryStreamOptions): Required<QueryStreamOptions> {
  const resolved = {
    dims: 64,
    k: 20,
    historySize: 1000,
    maxClients: 10_000,
    seed: 0,
    ...options,
  };
  const positiveInt = (name: string, v: number, max: number) => {
    if (!Number.isInteger(v) || v < 1 || v > max) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `query-stream ${name} must be 1..${max}, got ${v}`,
      );
    }
  };
  positiveInt("inputSize", resolved.inputSize, 2 ** 26);
  positiveInt("dims", resolved.dims, 4096);
  positiveInt("historySize", resolved.historySize, 1_000_000);
  positiveInt("k", resolved.k, resolved.historySize);
  positiveInt("maxClients", resolved.maxClients, 10_000_000);
  if (!(resolved.threshold >= 0) || !Number.isFinite(resolved.threshold)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `query-stream threshold must be a finite number ≥ 0, got ${resolved.threshold}`,
    );
  }
  if (resolved.dims * resolved.inputSize > 2 ** 28) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `a ${resolved.dims}x${resolved.inputSize} projection is too large; lower dims`,
    );
  }
  return resolved;
}

/**
 * Gaussian matrix scaled by 1/sqrt(dims) (distances preserved), stored input-major
 * ([inputSize, dims]) so a fingerprint skips the input's zeros (most pixels of digit images).
 */
function projectionMatrix(dims: number, inputSize: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const m = new Float32Array(dims * inputSize);
  const scale = 1 / Math.sqrt(dims);
  for (let r = 0; r < dims; r++) {
    for (let i = 0; i < inputSize; i++) m[i * dims + r] = rng.normal() * scale;
  }
  return m;
}

export class QueryStreamDetector {
  readonly options: Required<QueryStreamOptions>;
  private readonly projection: Float32Array;
  private readonly clients = new Map<string, ClientHistory>();
  private readonly best: Float64Array;

  constructor(options: QueryStreamOptions) {
    this.options = resolveOptions(options);
    this.projection = projectionMatrix(
      this.options.dims,
      this.options.inputSize,
      this.options.seed,
    );
    this.best = new Float64Array(this.options.k);
  }

  get threshold(): number {
    return this.options.threshold;
  }

  /** Clients currently tracked (at most maxClients). */
  get clientCount(): number {
    return this.clients.size;
  }

  fingerprint(sample: Float32Array): Float32Array {
    const { dims, inputSize } = this.options;
    if (sample.length !== inputSize) {
      throw new MlsecError(
        "E_SHAPE_MISMATCH",
        `a query has ${sample.length} values, the detector expects ${inputSize}`,
      );
    }
    const out = new Float32Array(dims);
    const projection = this.projection;
    for (let i = 0; i < inputSize; i++) {
      const v = sample[i];
      if (v === 0) continue;
      const row = i * dims;
      for (let r = 0; r < dims; r++) out[r] += v * projection[row + r];
    }
    return out;
  }

  /** Scores one query against the client's history, then stores its fingerprint. */
  observe(clientId: string, sample: Float32Array): QueryObservation {
    const history = this.historyOf(clientId);
    const fp = this.fingerprint(sample);
    const score = this.score(history, fp);
    const flagged = score < this.options.threshold;
    if (flagged) history.detections++;
    this.store(history, fp);
    return { score, flagged, detections: history.detections };
  }

  /** Forgets one client (e.g. after an operator cleared it). */
  forget(clientId: string): void {
    this.clients.delete(clientId);
  }

  private historyOf(clientId: string): ClientHistory {
    let history = this.clients.get(clientId);
    if (history !== undefined) {
      // Re-insert so Map order is least-recently-seen first.
      this.clients.delete(clientId);
    } else {
      if (this.clients.size >= this.options.maxClients) {
        const oldest = this.clients.keys().next().value as string;
        this.clients.delete(oldest);
      }
      history = {
        ring: new Float32Array(this.options.historySize * this.options.dims),
        next: 0,
        count: 0,
        detections: 0,
      };
    }
    this.clients.set(clientId, history);
    return history;
  }

  /**
   * Mean distance to the k nearest stored fingerprints. The k best squared distances are kept
   * sorted while scanning, and a candidate is abandoned as soon as its partial sum exceeds the
   * k-th best (partial distance search), which skips most of the arithmetic.
   */
  private score(history: ClientHistory, fp: Float32Array): number {
    const { dims, k } = this.options;
    if (history.count < k) return Infinity;
    const ring = history.ring;
    const best = this.best.fill(Infinity);
    const blocks = dims - (dims % 8);
    for (let h = 0; h < history.count; h++) {
      const base = h * dims;
      const bound = best[k - 1];
      let s = 0;
      // Unrolled by 8 (twice as fast in V8), checking the bound after each block.
      for (let d = 0; d < blocks && s < bound; d += 8) {
        const b = base + d;
        const a0 = ring[b] - fp[d];
        const a1 = ring[b + 1] - fp[d + 1];
        const a2 = ring[b + 2] - fp[d + 2];
        const a3 = ring[b + 3] - fp[d + 3];
        const a4 = ring[b + 4] - fp[d + 4];
        const a5 = ring[b + 5] - fp[d + 5];
        const a6 = ring[b + 6] - fp[d + 6];
        const a7 = ring[b + 7] - fp[d + 7];
        s += a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3 + a4 * a4 + a5 * a5 + a6 * a6 + a7 * a7;
      }
      for (let d = blocks; d < dims && s < bound; d++) {
        const diff = ring[base + d] - fp[d];
        s += diff * diff;
      }
      if (s >= bound) continue;
      let j = k - 1;
      while (j > 0 && best[j - 1] > s) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = s;
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.sqrt(best[j]);
    return sum / k;
  }

  private store(history: ClientHistory, fp: Float32Array): void {
    history.ring.set(fp, history.next * this.options.dims);
    history.next = (history.next + 1) % this.options.historySize;
    history.count = Math.min(history.count + 1, this.options.historySize);
  }

  toJSON(): QueryStreamState {
    const clients = [...this.clients].map(([id, h]) => ({
      id,
      next: h.next,
      count: h.count,
      detections: h.detections,
      fingerprints: Buffer.from(
        h.ring.buffer,
        h.ring.byteOffset,
        h.count * this.options.dims * 4,
      ).toString("base64"),
    }));
    return { version: STATE_VERSION, options: { ...this.options }, clients };
  }

  /** Restores a detector from `toJSON()` output; the state is untrusted and checked. */
  static fromJSON(state: unknown): QueryStreamDetector {
    const bad = (why: string) =>
      new MlsecError("E_INVALID_ARGUMENT", `query-stream state is malformed: ${why}`);
    if (state === null || typeof state !== "object") throw bad("not an object");
    const s = state as Partial<QueryStreamState>;
    if (s.version !== STATE_VERSION) throw bad(`unsupported version ${String(s.version)}`);
    if (s.options === null || typeof s.options !== "object") throw bad("no options");
    const detector = new QueryStreamDetector(s.options);
    const { dims, historySize, maxClients } = detector.options;
    if (!Array.isArray(s.clients) || s.clients.length > maxClients) throw bad("clients");
    for (const c of s.clients) {
      if (typeof c?.id !== "string" || typeof c.fingerprints !== "string") throw bad("client");
      const count = c.count;
      const next = c.next;
      const detections = c.detections;
      if (!Number.isInteger(count) || count < 0 || count > historySize) throw bad("count");
      if (!Number.isInteger(next) || next < 0 || next >= historySize) throw bad("next");
      if (!Number.isInteger(detections) || detections < 0) throw bad("detections");
      const bytes = Buffer.from(c.fingerprints, "base64");
      if (bytes.length !== count * dims * 4) throw bad(`fingerprints of client ${c.id}`);
      const ring = new Float32Array(historySize * dims);
      const stored = new Float32Array(bytes.buffer, bytes.byteOffset, count * dims).slice();
      if (stored.some((v) => !Number.isFinite(v))) throw bad("non-finite fingerprint");
      ring.set(stored);
      detector.clients.set(c.id, { ring, next, count, detections });
    }
    return detector;
  }
}

export interface CalibrationResult {
  readonly threshold: number;
  /** Benign queries scored (those after the first k). */
  readonly scored: number;
}

/**
 * A threshold such that about `falsePositiveRate` of benign queries score below it, from one
 * benign client replaying `samples` (rows of inputSize values) in order, as in the paper's
 * calibration on benign query sequences.
 */
export function calibrateQueryStream(
  samples: Float32Array,
  options: Omit<QueryStreamOptions, "threshold">,
  falsePositiveRate = 0.001,
): CalibrationResult {
  if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", "falsePositiveRate must lie in (0, 1)");
  }
  const detector = new QueryStreamDetector({ ...options, threshold: 0 });
  const size = detector.options.inputSize;
  if (samples.length % size !== 0) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `${samples.length} values are not whole samples of ${size}`,
    );
  }
  const scores: number[] = [];
  for (let start = 0; start < samples.length; start += size) {
    const { score } = detector.observe("benign", samples.subarray(start, start + size));
    if (Number.isFinite(score)) scores.push(score);
  }
  if (scores.length === 0) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `calibration needs more than k = ${detector.options.k} benign samples`,
    );
  }
  scores.sort((a, b) => a - b);
  const index = Math.floor(falsePositiveRate * scores.length);
  return { threshold: scores[index], scored: scores.length };
}
