// Server evaluation spread over worker threads: ciphertexts are independent, so each worker
// evaluates whole ciphertexts with its own SEAL instance (SEAL's WASM build is single-threaded).

import { Worker } from "node:worker_threads";
import { ERROR_CODES, type ErrorCode, MlsecError } from "../core/index.js";
import { packContainer, section, unpackContainer } from "./container.js";
import type { WorkerReply, WorkerRequest } from "./infer-worker.js";
import { checkKeyId, countOf, keyMetaOf } from "./meta.js";
import type { HePlan } from "./plan.js";
import type { LayerTiming } from "./server.js";

export class HeWorkerPool {
  private readonly workers: Worker[];
  private readonly started: Promise<unknown>;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly serverKeys: Uint8Array,
    plan: HePlan,
    size: number,
  ) {
    const url = new URL("./infer-worker.js", import.meta.url);
    const ready: Promise<void>[] = [];
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(url, { workerData: { serverKeys, plan } });
      ready.push(
        new Promise((resolve) => {
          w.on("message", (reply: WorkerReply) => {
            if (reply.type === "ready") resolve();
          });
          w.on("exit", () => resolve());
        }),
      );
      w.on("message", (reply: WorkerReply) => this.settle(reply));
      w.on("error", (e) => this.failAll(e));
      return w;
    });
    this.started = Promise.all(ready);
  }

  /** Resolves once every worker has loaded the keys and encoded the plan (or failed to). */
  async ready(): Promise<void> {
    await this.started;
  }

  get size(): number {
    return this.workers.length;
  }

  private settle(reply: WorkerReply): void {
    if (reply.type === "closed" || reply.type === "ready") return;
    const p = this.pending.get(reply.id);
    if (p === undefined) {
      if (reply.type === "error") this.failAll(new Error(reply.message));
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === "error") {
      const code = (reply.code in ERROR_CODES ? reply.code : "E_INTERNAL") as ErrorCode;
      p.reject(new MlsecError(code, reply.message));
    } else {
      p.resolve(reply.bytes);
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values())
      p.reject(new MlsecError("E_INTERNAL", `HE worker failed: ${e.message}`));
    this.pending.clear();
  }

  /** Evaluates one serialized ciphertext on worker `slot` (round robin when omitted). */
  inferBytes(bytes: Uint8Array, slot?: number): Promise<Uint8Array> {
    const id = this.nextId++;
    const worker = this.workers[(slot ?? id) % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: "infer", id, bytes } satisfies WorkerRequest);
    });
  }

  /** Evaluates a query file: ciphertexts are dealt to the workers, each works through its share. */
  async inferQuery(queryBytes: Uint8Array): Promise<Uint8Array> {
    const meta = keyMetaOf(unpackContainer(this.serverKeys, "server-keys"));
    const q = unpackContainer(queryBytes, "query");
    checkKeyId(q, meta);
    const k = meta.layout.samplesPerCiphertext;
    const count = countOf(q, q.sections.size * k);
    const n = Math.ceil(count / k);
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => this.inferBytes(section(q, `ct${i}`).slice(), i)),
    );
    return packContainer(
      "result",
      { keyId: meta.keyId, count },
      results.map((b, i) => [`ct${i}`, b]),
    );
  }

  /** Stops the workers; returns the per-layer milliseconds summed over all of them. */
  async close(): Promise<LayerTiming[]> {
    const all = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<readonly LayerTiming[]>((resolve) => {
            w.on("message", (reply: WorkerReply) => {
              if (reply.type === "closed") resolve(reply.timings);
            });
            w.on("exit", () => resolve([]));
            w.postMessage({ type: "close" } satisfies WorkerRequest);
          }),
      ),
    );
    await Promise.all(this.workers.map((w) => w.terminate()));
    const sum = new Map<string, number>();
    for (const t of all.flat()) sum.set(t.name, (sum.get(t.name) ?? 0) + t.ms);
    return [...sum].map(([name, ms]) => ({ name, ms }));
  }
}
