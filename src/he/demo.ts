// The whole client/server round trip on a labelled data set, compared with the plaintext ONNX
// model: accuracy both ways, agreement of the predicted classes, the largest logit error,
// server time per sample, and the bytes each party sends.

import { argmaxRows, MlsecError, type Tensor } from "../core/index.js";
import { HeClient } from "./client.js";
import { type Container, unpackContainer } from "./container.js";
import { generateKeys, type KeyBytes, type KeyMeta } from "./keys.js";
import type { SecurityLevel } from "./params.js";
import type { HePlan } from "./plan.js";
import { HeServer, type LayerTiming } from "./server.js";
import { HeWorkerPool } from "./worker-pool.js";

export interface DemoInput {
  readonly plan: HePlan;
  readonly modelSha256: string;
  readonly x: Tensor;
  readonly labels: Int32Array;
  /** The plaintext model's logits on x, [N, classes]. */
  readonly plaintextLogits: Tensor;
  readonly security: SecurityLevel;
  /** Worker threads for the server (1 = evaluate in this thread). */
  readonly workers: number;
}

export interface DemoResult {
  readonly samples: number;
  readonly plaintextAccuracy: number;
  readonly encryptedAccuracy: number;
  /** Share of samples whose encrypted and plaintext predicted classes agree. */
  readonly agreement: number;
  readonly maxLogitError: number;
  /** Server wall time per sample (all ciphertexts, SIMD-packed, over all workers; key loading excluded). */
  readonly msPerSample: number;
  readonly samplesPerSecond: number;
  /** Server wall time of one ciphertext, i.e. the latency of a single query. */
  readonly msPerCiphertext: number;
  readonly clientMs: {
    readonly keygen: number;
    readonly encrypt: number;
    readonly decrypt: number;
  };
  readonly bytes: KeyBytes & {
    readonly query: number;
    readonly result: number;
    readonly queryPerCiphertext: number;
    readonly resultPerCiphertext: number;
  };
  readonly ciphertexts: number;
  readonly workers: number;
  readonly layers: readonly LayerTiming[];
  readonly meta: KeyMeta;
}

async function evaluateOnServer(
  serverKeys: Uint8Array,
  plan: HePlan,
  query: Uint8Array,
  workers: number,
): Promise<{ result: Uint8Array; layers: LayerTiming[]; ms: number }> {
  if (workers <= 1) {
    const server = await HeServer.open(serverKeys, plan);
    try {
      const started = performance.now();
      const result = server.inferQuery(query);
      const ms = performance.now() - started;
      return { result, layers: server.timings.map((t) => ({ ...t })), ms };
    } finally {
      server.dispose();
    }
  }
  const pool = new HeWorkerPool(serverKeys, plan, workers);
  try {
    await pool.ready();
    const started = performance.now();
    const result = await pool.inferQuery(query);
    const ms = performance.now() - started;
    return { result, layers: await pool.close(), ms };
  } catch (e) {
    await pool.close();
    throw e;
  }
}

export async function runDemo(input: DemoInput): Promise<DemoResult> {
  const { plan, x, labels, plaintextLogits } = input;
  const n = labels.length;
  const features = x.data.length / n;
  if (features !== plan.inputSize) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `the data has ${features} features per sample, the model ${plan.inputSize}`,
    );
  }
  let t = performance.now();
  const keys = await generateKeys(plan, {
    security: input.security,
    modelSha256: input.modelSha256,
  });
  const keygenMs = performance.now() - t;
  const client = await HeClient.open(keys.clientKeys);
  try {
    const samples = Array.from({ length: n }, (_, i) =>
      x.data.subarray(i * features, (i + 1) * features),
    );
    t = performance.now();
    const query = client.encrypt(samples);
    const encryptMs = performance.now() - t;
    const {
      result,
      layers,
      ms: serverMs,
    } = await evaluateOnServer(keys.serverKeys, plan, query, input.workers);
    t = performance.now();
    const logits = client.decrypt(result);
    const decryptMs = performance.now() - t;

    const classes = plan.outputSize;
    const plainPred = argmaxRows(plaintextLogits);
    let plainCorrect = 0;
    let encCorrect = 0;
    let agree = 0;
    let maxLogitError = 0;
    logits.forEach((row, i) => {
      let best = 0;
      for (let j = 1; j < classes; j++) if (row[j] > row[best]) best = j;
      for (let j = 0; j < classes; j++) {
        maxLogitError = Math.max(
          maxLogitError,
          Math.abs(row[j] - plaintextLogits.data[i * classes + j]),
        );
      }
      if (best === labels[i]) encCorrect++;
      if (plainPred[i] === labels[i]) plainCorrect++;
      if (best === plainPred[i]) agree++;
    });
    const queryParts = unpackContainer(query, "query");
    const resultParts = unpackContainer(result, "result");
    const ciphertexts = queryParts.sections.size;
    const sizeOf = (c: Container) => [...c.sections.values()].reduce((a, b) => a + b.length, 0);
    const layerMs = layers.map((l) => ({ name: l.name, ms: l.ms / ciphertexts }));
    return {
      samples: n,
      plaintextAccuracy: plainCorrect / n,
      encryptedAccuracy: encCorrect / n,
      agreement: agree / n,
      maxLogitError,
      msPerSample: serverMs / n,
      samplesPerSecond: (1000 * n) / serverMs,
      msPerCiphertext: layerMs.reduce((a, l) => a + l.ms, 0),
      clientMs: { keygen: keygenMs, encrypt: encryptMs, decrypt: decryptMs },
      bytes: {
        ...keys.bytes,
        query: query.length,
        result: result.length,
        queryPerCiphertext: Math.round(sizeOf(queryParts) / ciphertexts),
        resultPerCiphertext: Math.round(sizeOf(resultParts) / ciphertexts),
      },
      ciphertexts,
      workers: input.workers,
      layers: layerMs,
      meta: keys.meta,
    };
  } finally {
    client.dispose();
  }
}
