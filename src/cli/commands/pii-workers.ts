// `pii detect --jobs N`: texts analysed on N worker threads, their findings handed back in the
// order the texts were read, so the report is the one a single thread prints. Each worker loads
// its own word lists and warms up its own compiled code, so threads pay off on large inputs.

import { Worker } from "node:worker_threads";
import type { ErrorCode } from "../../core/error-codes.js";
import { MlsecError } from "../../core/errors.js";
import type { AnalyzeOptions } from "../../pii/analyzer.js";
import type { ReportedFinding } from "./pii-report.js";

/** What a worker analyses with: the analyzer's options (no custom recognizers) and --show-text. */
export interface WorkerOptions extends Omit<AnalyzeOptions, "recognizers"> {
  readonly withText: boolean;
}

/**
 * The findings of a batch of texts: `counts` per text; per finding, its type (an index into
 * `types`), start, end and score in `numbers`, its matched text (with --show-text) and detail in
 * `strings`.
 */
export interface PackedFindings {
  readonly types: readonly string[];
  readonly counts: readonly number[];
  readonly numbers: Float64Array;
  readonly strings: readonly (string | undefined)[];
}

export interface WorkerFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type WorkerAnswer =
  | { readonly id: number; readonly findings: PackedFindings }
  | { readonly id: number; readonly error: WorkerFailure };

/** A text to analyse, and what the caller needs to place its findings. */
export interface Job<T> {
  readonly text: string;
  readonly tag: T;
}

/** About this many UTF-16 units of text per message to a worker. */
const BATCH_UNITS = 1 << 20;
/** At most this many texts per message (short JSONL records, CSV cells). */
const BATCH_TEXTS = 4096;
/** Batches in flight per worker: one being analysed and one waiting, so no worker idles. */
const IN_FLIGHT = 2;

function unpack(packed: PackedFindings): ReportedFinding[][] {
  const { types, counts, numbers, strings } = packed;
  const out: ReportedFinding[][] = [];
  let k = 0;
  for (const count of counts) {
    const findings: ReportedFinding[] = [];
    for (const end = k + count; k < end; k++) {
      const text = strings[2 * k];
      const detail = strings[2 * k + 1];
      findings.push({
        type: types[numbers[4 * k]],
        start: numbers[4 * k + 1],
        end: numbers[4 * k + 2],
        score: numbers[4 * k + 3],
        ...(text === undefined ? {} : { text }),
        ...(detail === undefined ? {} : { detail }),
      });
    }
    out.push(findings);
  }
  return out;
}

interface Pending {
  readonly id: number;
  resolve(findings: ReportedFinding[][]): void;
  reject(error: unknown): void;
}

/** One worker thread and the batches it was sent and has not answered (it answers in order). */
class AnalyzerThread {
  readonly #worker: Worker;
  readonly #pending: Pending[] = [];

  constructor(options: WorkerOptions) {
    this.#worker = new Worker(new URL("./pii-worker.js", import.meta.url), {
      workerData: options,
    });
    this.#worker.on("message", (answer: WorkerAnswer) => {
      const pending = this.#pending.shift();
      if (pending === undefined || pending.id !== answer.id) {
        this.#failAll(
          new MlsecError("E_INTERNAL", `pii worker answered batch ${answer.id} out of turn`),
        );
      } else if ("error" in answer) {
        const { code, message, hint, details } = answer.error;
        pending.reject(new MlsecError(code, message, { hint, details }));
      } else {
        pending.resolve(unpack(answer.findings));
      }
    });
    this.#worker.on("error", (error) => this.#failAll(error));
    this.#worker.on("exit", (code) => {
      this.#failAll(new MlsecError("E_INTERNAL", `pii worker stopped (exit code ${code})`));
    });
  }

  analyze(id: number, texts: readonly string[]): Promise<ReportedFinding[][]> {
    const result = new Promise<ReportedFinding[][]>((resolve, reject) => {
      this.#pending.push({ id, resolve, reject });
    });
    // Awaited later, in order; until then a failure must not count as unhandled.
    result.catch(() => {});
    this.#worker.postMessage({ id, texts });
    return result;
  }

  #failAll(error: unknown): void {
    for (const pending of this.#pending.splice(0)) pending.reject(error);
  }

  async stop(): Promise<void> {
    this.#worker.removeAllListeners("exit");
    await this.#worker.terminate();
  }
}

/**
 * Each job's tag with the job's findings, in job order, the texts analysed on `jobs` worker
 * threads in batches of about BATCH_UNITS units. Stops the threads when done or abandoned.
 */
export async function* analyzeOnWorkers<T>(
  jobs: AsyncIterable<Job<T>>,
  threads: number,
  options: WorkerOptions,
): AsyncGenerator<[T, ReportedFinding[]]> {
  const pool = Array.from({ length: threads }, () => new AnalyzerThread(options));
  const inFlight: { readonly tags: T[]; readonly result: Promise<ReportedFinding[][]> }[] = [];
  let sent = 0;
  const send = (batch: Job<T>[]) => {
    const result = pool[sent % threads].analyze(
      sent,
      batch.map((job) => job.text),
    );
    sent++;
    inFlight.push({ tags: batch.map((job) => job.tag), result });
  };
  async function* oldest(): AsyncGenerator<[T, ReportedFinding[]]> {
    const { tags, result } = inFlight.shift() as (typeof inFlight)[number];
    const findings = await result;
    for (let i = 0; i < tags.length; i++) yield [tags[i], findings[i]];
  }
  try {
    let batch: Job<T>[] = [];
    let units = 0;
    for await (const job of jobs) {
      batch.push(job);
      units += job.text.length;
      if (units < BATCH_UNITS && batch.length < BATCH_TEXTS) continue;
      send(batch);
      batch = [];
      units = 0;
      while (inFlight.length >= IN_FLIGHT * threads) yield* oldest();
    }
    if (batch.length > 0) send(batch);
    while (inFlight.length > 0) yield* oldest();
  } finally {
    await Promise.all(pool.map((thread) => thread.stop()));
  }
}
