// Encrypted inference behind the gateway (issue 12): the server holds only server.mlhe (public,
// relinearization and Galois keys from `mlsec he keygen`), never the client's secret key, so it
// evaluates CKKS query containers it cannot read and returns result containers only the client
// can decrypt.

import { createHash } from "node:crypto";
import { MlsecError, readFileBounded } from "../core/index.js";
import type { HePlan, HeServer, HeWorkerPool, PlanOptions } from "../he/index.js";
import { parseModel } from "../onnx/index.js";
import type { ModelConfig } from "./config.js";

/** Server key files are a few MB (Galois keys dominate); this bounds a misconfigured path. */
const MAX_SERVER_KEY_BYTES = 1 << 30;

export interface HeService {
  readonly keyId: string;
  /** Queries being evaluated or waiting. */
  readonly pending: number;
  /** Samples a query claims (the server evaluates at most ceil(count / slots) ciphertexts). */
  samplesIn(query: Uint8Array): number;
  infer(query: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

type HeConfig = NonNullable<ModelConfig["he"]>;

export async function openHeService(
  config: HeConfig,
  modelName: string,
  modelBytes: Uint8Array,
): Promise<HeService> {
  const he = await import("../he/index.js");
  const serverKeys = await readFileBounded(config.serverKeys, MAX_SERVER_KEY_BYTES);
  let header: ReturnType<typeof he.unpackContainer>;
  try {
    header = he.unpackContainer(serverKeys, "server-keys");
  } catch (e) {
    throw new MlsecError(
      "E_HE_FORMAT",
      `model ${modelName}: ${config.serverKeys}: ${(e as Error).message}`,
      {
        hint: "he.serverKeys must be server.mlhe from `mlsec he keygen` (never client.mlhe, which holds the secret key).",
        cause: e,
      },
    );
  }
  if (header.meta.modelSha256 !== createHash("sha256").update(modelBytes).digest("hex")) {
    throw new MlsecError(
      "E_HE_KEY_MISMATCH",
      `model ${modelName}: ${config.serverKeys} was made for another model`,
      { hint: "Run `mlsec he keygen --model` with the model the gateway serves." },
    );
  }
  const plan: HePlan = he.planFromOnnx(
    parseModel(modelBytes),
    (header.meta.planOptions ?? {}) as PlanOptions,
  );
  const keyId = String(header.meta.keyId);
  const samplesIn = (query: Uint8Array) => {
    const count = he.unpackContainer(query, "query").meta.count;
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 1) {
      throw new MlsecError("E_HE_FORMAT", "the query has a bad sample count");
    }
    return count;
  };
  let evaluate: (query: Uint8Array) => Promise<Uint8Array>;
  let close: () => Promise<void>;
  if (config.workers === 0) {
    const server: HeServer = await he.HeServer.open(serverKeys, plan);
    evaluate = async (query) => server.inferQuery(query);
    close = async () => server.dispose();
  } else {
    const pool: HeWorkerPool = new he.HeWorkerPool(serverKeys, plan, config.workers);
    await pool.ready();
    evaluate = (query) => pool.inferQuery(query);
    close = async () => {
      await pool.close();
    };
  }
  let pending = 0;
  return {
    keyId,
    get pending() {
      return pending;
    },
    samplesIn,
    async infer(query) {
      pending++;
      try {
        return await evaluate(query);
      } finally {
        pending--;
      }
    },
    close,
  };
}
