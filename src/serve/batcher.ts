// Dynamic batching (as in Triton's dynamic batcher): requests wait at most `maxDelayMs` to be
// merged into one model call of up to `maxBatchSize` rows; a full batch or an idle backend
// slot after the delay sends it. Beyond `maxQueueRows` waiting rows, requests are refused
// (the caller answers 503) so overload never turns into unbounded memory or timeouts.

import type { InferenceBackend } from "./backend.js";

export interface BatcherOptions {
  readonly maxBatchSize: number;
  readonly maxDelayMs: number;
  readonly maxQueueRows: number;
  readonly inputSize: number;
  readonly outputSize: number;
  /** Called after each model call (for metrics). */
  readonly onBatch?: (rows: number, ms: number) => void;
}

interface Queued {
  readonly data: Float32Array;
  readonly rows: number;
  resolve(out: Float32Array): void;
  reject(error: Error): void;
}

export class QueueFull extends Error {}

export class Batcher {
  private readonly queue: Queued[] = [];
  private queuedRows = 0;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly backend: InferenceBackend,
    private readonly options: BatcherOptions,
  ) {}

  get queueRows(): number {
    return this.queuedRows;
  }

  /** Scores `rows` samples; resolves with their rows of the output. */
  submit(data: Float32Array, rows: number): Promise<Float32Array> {
    if (this.queuedRows + rows > this.options.maxQueueRows) {
      return Promise.reject(new QueueFull(`${this.queuedRows} rows are already waiting`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ data, rows, resolve, reject });
      this.queuedRows += rows;
      if (this.queuedRows >= this.options.maxBatchSize || this.options.maxDelayMs === 0) {
        this.pump();
      } else if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, this.options.maxDelayMs);
      }
    });
  }

  /** Resolves once nothing is queued or running (for graceful shutdown). */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.backend.concurrency && this.queue.length > 0) {
      const batch: Queued[] = [this.queue.shift()!];
      let rows = batch[0].rows;
      while (this.queue.length > 0 && rows + this.queue[0].rows <= this.options.maxBatchSize) {
        const next = this.queue.shift()!;
        batch.push(next);
        rows += next.rows;
      }
      this.queuedRows -= rows;
      void this.dispatch(batch, rows);
    }
  }

  private async dispatch(batch: Queued[], rows: number): Promise<void> {
    this.running++;
    const { inputSize, outputSize } = this.options;
    const started = performance.now();
    try {
      let input = batch[0].data;
      if (batch.length > 1) {
        input = new Float32Array(rows * inputSize);
        let offset = 0;
        for (const q of batch) {
          input.set(q.data, offset);
          offset += q.data.length;
        }
      }
      const out = await this.backend.run(input, rows);
      this.options.onBatch?.(rows, performance.now() - started);
      let offset = 0;
      for (const q of batch) {
        q.resolve(out.slice(offset, offset + q.rows * outputSize));
        offset += q.rows * outputSize;
      }
    } catch (e) {
      for (const q of batch) q.reject(e as Error);
    } finally {
      this.running--;
      this.pump();
      if (this.queue.length === 0 && this.running === 0) {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }
}
