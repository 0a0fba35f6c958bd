// Attack detection in the request path: the stateful query-stream detector (per client) and an
// optional input anomaly detector, with the configured response: log (record the scores), flag
// (answer, mark the request) or block (refuse, and refuse the client for blockSeconds).

import type { QueryStreamDetector } from "../defenses/detect/query-stream.js";

/** The anomaly-detector contract of src/defenses/detect (higher score = more anomalous). */
export interface InputDetector {
  readonly kind: string;
  readonly threshold: number;
  score(batch: Float32Array, shape: readonly number[]): Promise<Float32Array>;
  dispose?(): Promise<void>;
}

export type DetectionMode = "off" | "log" | "flag" | "block";

export interface DetectionVerdict {
  readonly flagged: boolean;
  readonly detectors: readonly string[];
  /** Lowest query-stream score (mean k-NN distance) over the request's rows. */
  readonly queryStream?: number;
  /** Highest anomaly score over the request's rows. */
  readonly anomaly?: number;
}

export interface DetectionOptions {
  readonly mode: DetectionMode;
  readonly blockSeconds: number;
  readonly now?: () => number;
}

/** The detectors guarding one model (query histories are kept per model and client). */
export interface ModelDetectors {
  readonly queryStream?: QueryStreamDetector;
  readonly anomaly?: InputDetector;
}

/** Clients banned at once; the oldest ban is dropped first beyond this. */
const MAX_BANS = 100_000;

export class AttackDetection {
  private readonly bans = new Map<string, number>();
  private readonly models = new Map<string, ModelDetectors>();
  private readonly now: () => number;

  constructor(private readonly options: DetectionOptions) {
    this.now = options.now ?? Date.now;
  }

  get mode(): DetectionMode {
    return this.options.mode;
  }

  guard(model: string, detectors: ModelDetectors): void {
    this.models.set(model, detectors);
  }

  /** Milliseconds the client stays blocked, or 0. */
  bannedFor(client: string): number {
    const until = this.bans.get(client);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) this.bans.delete(client);
    return Math.max(0, left);
  }

  /** Scores one request's rows; in block mode a flagged client is banned. */
  async inspect(
    client: string,
    model: string,
    data: Float32Array,
    rows: number,
    shape: readonly number[],
  ): Promise<DetectionVerdict> {
    const guards = this.models.get(model);
    if (this.options.mode === "off" || guards === undefined)
      return { flagged: false, detectors: [] };
    const detectors: string[] = [];
    let queryStream: number | undefined;
    let anomaly: number | undefined;
    const qs = guards.queryStream;
    if (qs !== undefined) {
      const size = data.length / rows;
      queryStream = Infinity;
      let hit = false;
      for (let r = 0; r < rows; r++) {
        const o = qs.observe(client, data.subarray(r * size, (r + 1) * size));
        queryStream = Math.min(queryStream, o.score);
        hit ||= o.flagged;
      }
      if (hit) detectors.push("query-stream");
    }
    const det = guards.anomaly;
    if (det !== undefined) {
      const scores = await det.score(data, shape);
      anomaly = Math.max(...scores);
      if (anomaly > det.threshold) detectors.push(det.kind);
    }
    const flagged = detectors.length > 0;
    if (flagged && this.options.mode === "block") {
      if (this.bans.size >= MAX_BANS) this.bans.delete(this.bans.keys().next().value as string);
      this.bans.set(client, this.now() + this.options.blockSeconds * 1000);
    }
    return {
      flagged,
      detectors,
      ...(queryStream === undefined || !Number.isFinite(queryStream) ? {} : { queryStream }),
      ...(anomaly === undefined ? {} : { anomaly }),
    };
  }

  async close(): Promise<void> {
    for (const guards of this.models.values()) await guards.anomaly?.dispose?.();
  }
}
