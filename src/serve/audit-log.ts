// The gateway's audit trail: one JSON line per request, buffered in memory and appended to the
// file by a timer, off the response path; `close()` drains the buffer so nothing is lost on a
// graceful shutdown. Raw inputs are left out unless the config asks for them.

import { appendFile } from "node:fs/promises";
import { MlsecError } from "../core/index.js";

export type Decision =
  | "allowed"
  | "flagged"
  | "blocked"
  | "rate-limited"
  | "unauthenticated"
  | "forbidden"
  | "invalid"
  | "overloaded"
  | "error";

export interface AuditRecord {
  readonly time: string;
  readonly requestId: string;
  readonly client: string | null;
  readonly auth: string | null;
  readonly ip: string;
  readonly method: string;
  readonly route: string;
  readonly model: string | null;
  readonly modelVersion: string | null;
  readonly status: number;
  readonly decision: Decision;
  readonly reason?: string;
  readonly rows: number;
  readonly latencyMs: number;
  readonly scores?: { readonly queryStream?: number; readonly anomaly?: number };
  readonly input?: number[];
}

export interface AuditSink {
  write(record: AuditRecord): void;
  /** Records written to the file so far. */
  readonly written: number;
  close(): Promise<void>;
}

export function fileAuditSink(path: string, flushIntervalMs: number): AuditSink {
  let buffer: string[] = [];
  let written = 0;
  let flushing: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  const flush = () => {
    if (buffer.length === 0) return flushing;
    const lines = buffer;
    buffer = [];
    flushing = flushing.then(async () => {
      try {
        await appendFile(path, lines.join(""), { mode: 0o600 });
        written += lines.length;
      } catch (e) {
        // Keep the records for the next attempt; report once at close.
        buffer = lines.concat(buffer);
        failure = e as Error;
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), flushIntervalMs);
  timer.unref();
  return {
    write(record) {
      buffer.push(`${JSON.stringify(record)}\n`);
    },
    get written() {
      return written;
    },
    async close() {
      clearInterval(timer);
      await flush();
      if (buffer.length > 0) {
        throw new MlsecError(
          "E_IO",
          `${buffer.length} audit records could not be written to ${path}: ${failure?.message}`,
        );
      }
    },
  };
}

/** Writes every record to each sink (e.g. the JSONL file and the store). */
export function teeAuditSink(sinks: readonly AuditSink[]): AuditSink {
  return {
    write(record) {
      for (const sink of sinks) sink.write(record);
    },
    get written() {
      return Math.min(...sinks.map((s) => s.written));
    },
    async close() {
      const results = await Promise.allSettled(sinks.map((s) => s.close()));
      const failed = results.find((r) => r.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    },
  };
}

/** Keeps nothing; used when no audit file is configured. */
export function countingAuditSink(): AuditSink {
  let written = 0;
  return {
    write() {
      written++;
    },
    get written() {
      return written;
    },
    async close() {},
  };
}
