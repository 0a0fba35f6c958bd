// Worker-thread body of the server pool: opens the server keys (no secret key exists here
// either) and evaluates the ciphertexts it is sent, one at a time.

import { parentPort, workerData } from "node:worker_threads";
import { toMlsecError } from "../core/index.js";
import type { HePlan } from "./plan.js";
import { HeServer } from "./server.js";

interface Init {
  readonly serverKeys: Uint8Array;
  readonly plan: HePlan;
}

export type WorkerRequest =
  | { readonly type: "infer"; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: "close" };
export type WorkerReply =
  | { readonly type: "result"; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: "error"; readonly id: number; readonly code: string; readonly message: string }
  | { readonly type: "closed"; readonly timings: readonly { name: string; ms: number }[] }
  | { readonly type: "ready" };

const port = parentPort;
if (port === null) throw new Error("infer-worker runs as a worker thread only");
const init = workerData as Init;
const ready = HeServer.open(init.serverKeys, init.plan);
ready.then(
  () => port.postMessage({ type: "ready" } satisfies WorkerReply),
  () => port.postMessage({ type: "ready" } satisfies WorkerReply),
);

port.on("message", async (request: WorkerRequest) => {
  try {
    const server = await ready;
    if (request.type === "close") {
      const timings = server.timings.map((t) => ({ ...t }));
      server.dispose();
      port.postMessage({ type: "closed", timings } satisfies WorkerReply);
      port.close();
      return;
    }
    const bytes = server.inferBytes(request.bytes);
    port.postMessage({ type: "result", id: request.id, bytes } satisfies WorkerReply, [
      bytes.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    const err = toMlsecError(e);
    const id = request.type === "infer" ? request.id : -1;
    port.postMessage({
      type: "error",
      id,
      code: err.code,
      message: err.message,
    } satisfies WorkerReply);
  }
});
