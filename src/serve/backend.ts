// Where a batch is computed: onnxruntime on worker threads (one session each), or on the
// calling thread for tests and tiny models.

import { Worker } from "node:worker_threads";
import { type ErrorCode, MlsecError } from "../core/index.js";
import { feed, floatOutput, OrtSession } from "../onnx/session.js";
import type { WorkerReply, WorkerRequest, WorkerSetup } from "./inference-worker.js";

export interface InferenceBackend {
  /** Batches that may run at once. */
  readonly concurrency: number;
  /** Scores `rows` samples laid out back to back; returns the model's first output. */
  run(data: Float32Array, rows: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export type BackendSetup = Omit<WorkerSetup, "intraOpThreads">;

export async function inProcessBackend(setup: BackendSetup): Promise<InferenceBackend> {
  const session = await OrtSession.create(setup.modelBytes, { intraOpThreads: 1 });
  return {
    concurrency: 1,
    async run(data, rows) {
      const out = await session.run(
        { [setup.inputName]: feed.float32(data, [rows, ...setup.inputShape]) },
        [setup.outputName],
      );
      return floatOutput(out, setup.outputName).data;
    },
    close: () => session.release(),
  };
}

interface Pending {
  resolve(data: Float32Array): void;
  reject(error: Error): void;
}

async function startWorker(setup: WorkerSetup): Promise<Worker> {
  const worker = new Worker(new URL("./inference-worker.js", import.meta.url), {
    workerData: setup,
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      worker.off("error", reject);
      if ("failed" in reply) {
        void worker.terminate();
        reject(new MlsecError(reply.failed.code as ErrorCode, reply.failed.message));
      } else resolve();
    };
    worker.once("message", onMessage);
    worker.once("error", reject);
  });
  return worker;
}

export async function workerPoolBackend(
  setup: BackendSetup,
  workers: number,
): Promise<InferenceBackend> {
  const pool = await Promise.all(
    Array.from({ length: workers }, () => startWorker({ ...setup, intraOpThreads: 1 })),
  );
  const idle = [...pool];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  for (const worker of pool) {
    worker.on("message", (reply: WorkerReply) => {
      if (!("id" in reply)) return;
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      idle.push(worker);
      if (p === undefined) return;
      if ("error" in reply)
        p.reject(new MlsecError(reply.error.code as ErrorCode, reply.error.message));
      else p.resolve(reply.data);
    });
    worker.on("error", (e) =>
      failAll(new MlsecError("E_ONNX_RUNTIME", `inference worker died: ${e.message}`)),
    );
  }
  return {
    concurrency: workers,
    run(data, rows) {
      const worker = idle.pop();
      if (worker === undefined) {
        // The batcher never runs more batches than `concurrency`.
        return Promise.reject(new MlsecError("E_INTERNAL", "no idle inference worker"));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const copy = data.slice();
        worker.postMessage({ id, data: copy, rows } satisfies WorkerRequest, [copy.buffer]);
      });
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
      failAll(new MlsecError("E_ONNX_RUNTIME", "the gateway is shutting down"));
    },
  };
}
