// A worker thread holding one onnxruntime session: runs batches posted by worker-pool.ts, so
// inference never blocks the gateway's event loop.

import { parentPort, workerData } from "node:worker_threads";
import { toMlsecError } from "../core/index.js";
import { feed, floatOutput, OrtSession } from "../onnx/session.js";

export interface WorkerSetup {
  readonly modelBytes: Uint8Array;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputShape: readonly number[];
  readonly intraOpThreads: number;
}

export interface WorkerRequest {
  readonly id: number;
  readonly data: Float32Array;
  readonly rows: number;
}

export type WorkerReply =
  | { readonly id: number; readonly data: Float32Array }
  | { readonly id: number; readonly error: { code: string; message: string } }
  | { readonly ready: true }
  | { readonly failed: { code: string; message: string } };

const port = parentPort!;
const setup = workerData as WorkerSetup;

try {
  const session = await OrtSession.create(setup.modelBytes, {
    intraOpThreads: setup.intraOpThreads,
  });
  port.on("message", async (request: WorkerRequest) => {
    try {
      const out = floatOutput(
        await session.run(
          { [setup.inputName]: feed.float32(request.data, [request.rows, ...setup.inputShape]) },
          [setup.outputName],
        ),
        setup.outputName,
      );
      const data = out.data.slice();
      port.postMessage({ id: request.id, data } satisfies WorkerReply, [data.buffer]);
    } catch (e) {
      const error = toMlsecError(e, "E_ONNX_RUNTIME");
      port.postMessage({
        id: request.id,
        error: { code: error.code, message: error.message },
      } satisfies WorkerReply);
    }
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
} catch (e) {
  const error = toMlsecError(e, "E_ONNX_RUNTIME");
  port.postMessage({ failed: { code: error.code, message: error.message } } satisfies WorkerReply);
}
