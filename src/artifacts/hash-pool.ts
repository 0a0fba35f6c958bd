// Parallel streamed hashing of file byte ranges on worker threads (node:worker_threads).
// SHA-256 itself is sequential, so parallelism is across files and shards (as model_signing's
// thread pool does); each worker reads with one reusable 1 MiB buffer, memory stays flat.

import { createHash } from "node:crypto";
import { closeSync, constants, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { MlsecError, type ProgressListener } from "../core/index.js";

export interface HashTask {
  readonly path: string;
  /** First byte (inclusive). */
  readonly start: number;
  /** End byte (exclusive); undefined reads to end of file. */
  readonly end?: number;
  /**
   * Open with O_NOFOLLOW: a file swapped for a symbolic link after the tree walk (which refused
   * links) fails instead of being followed.
   */
  readonly noFollow?: boolean;
}

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export interface HashResult {
  readonly digest: Buffer;
  /** Bytes hashed. */
  readonly bytes: number;
}

export interface HashOptions {
  /** Worker threads; 0 hashes on the calling thread. Default: min(4, cores), or 0 under 32 MiB. */
  readonly workers?: number;
  /** Size hint per task (bytes) for progress and for scheduling the largest first. */
  readonly sizes?: readonly number[];
  readonly onProgress?: ProgressListener;
}

const CHUNK = 1 << 20;
/** Below this many bytes in total, the default is to hash on the calling thread. */
const SMALL_JOB_BYTES = 32 * 1024 * 1024;

/** Hashes one range on the current thread with synchronous reads. */
export function hashRangeSync(task: HashTask, buffer = Buffer.allocUnsafe(CHUNK)): HashResult {
  const hash = createHash("sha256");
  let fd: number;
  try {
    fd = openSync(task.path, constants.O_RDONLY | (task.noFollow ? NO_FOLLOW : 0));
  } catch (cause) {
    throw openFailure(task.path, (cause as NodeJS.ErrnoException).code, cause);
  }
  let position = task.start;
  const end = task.end ?? Number.POSITIVE_INFINITY;
  try {
    while (position < end) {
      const want = Math.min(buffer.length, end - position);
      const n = readSync(fd, buffer, 0, want, position);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      position += n;
    }
  } catch (cause) {
    throw new MlsecError("E_IO", `cannot read ${task.path}`, { cause });
  } finally {
    closeSync(fd);
  }
  if (task.end !== undefined && position < task.end) {
    throw new MlsecError("E_IO", `${task.path} shrank while being hashed`);
  }
  return { digest: hash.digest(), bytes: position - task.start };
}

// The worker body is plain CommonJS passed with eval: it runs the same loop as hashRangeSync
// and works both from dist/ and from TypeScript sources under vitest.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const buffer = Buffer.allocUnsafe(${CHUNK});
parentPort.on("message", (m) => {
  let fd;
  try {
    fd = fs.openSync(m.path, fs.constants.O_RDONLY | (m.noFollow ? (fs.constants.O_NOFOLLOW || 0) : 0));
    const hash = createHash("sha256");
    const end = m.end === undefined ? Infinity : m.end;
    let position = m.start;
    while (position < end) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    if (m.end !== undefined && position < m.end) throw new Error(m.path + " shrank while being hashed");
    const digest = hash.digest();
    parentPort.postMessage({ id: m.id, digest, bytes: position - m.start });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e), code: e && e.code });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
`;

interface WorkerReply {
  id: number;
  digest?: Uint8Array;
  bytes?: number;
  error?: string;
  code?: string;
}

function openFailure(path: string, errno: string | undefined, cause: unknown): MlsecError {
  if (errno === "ELOOP") {
    return new MlsecError("E_SYMLINK_REFUSED", `symbolic link in model: ${path}`, { cause });
  }
  if (errno === "ENOENT")
    return new MlsecError("E_FILE_NOT_FOUND", `cannot open ${path}`, { cause });
  return new MlsecError("E_IO", `cannot read ${path}: ${String(cause)}`, { cause });
}

export function defaultWorkers(): number {
  return Math.min(4, availableParallelism());
}

/** Hashes every task; results are in task order. */
export async function hashRanges(
  tasks: readonly HashTask[],
  options: HashOptions = {},
): Promise<HashResult[]> {
  const sizes = options.sizes ?? tasks.map(() => 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  // Starting a worker costs tens of milliseconds: small jobs hash faster on this thread.
  const auto = total < SMALL_JOB_BYTES ? 0 : defaultWorkers();
  const workers = Math.min(options.workers ?? auto, tasks.length);
  const onProgress = options.onProgress;
  const results: HashResult[] = new Array(tasks.length);
  let done = 0;
  if (workers <= 0) {
    const buffer = Buffer.allocUnsafe(CHUNK);
    tasks.forEach((task, i) => {
      results[i] = hashRangeSync(task, buffer);
      done += results[i].bytes;
      onProgress?.({ task: "hash", done, total });
    });
    return results;
  }
  // Largest first: the long tail is one big file, so start it early.
  const order = tasks.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
  let next = 0;
  const pool = Array.from({ length: workers }, () => new Worker(WORKER_SOURCE, { eval: true }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolveAll, reject) => {
            const feed = () => {
              if (next >= order.length) {
                resolveAll();
                return;
              }
              const id = order[next++];
              const t = tasks[id];
              worker.postMessage({
                id,
                path: t.path,
                start: t.start,
                end: t.end,
                noFollow: t.noFollow === true,
              });
            };
            worker.on("message", (reply: WorkerReply) => {
              if (reply.error !== undefined) {
                reject(openFailure(tasks[reply.id].path, reply.code, reply.error));
                return;
              }
              results[reply.id] = { digest: Buffer.from(reply.digest!), bytes: reply.bytes! };
              done += reply.bytes!;
              onProgress?.({ task: "hash", done, total });
              feed();
            });
            worker.on("error", (cause) =>
              reject(new MlsecError("E_INTERNAL", "hash worker failed", { cause })),
            );
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
