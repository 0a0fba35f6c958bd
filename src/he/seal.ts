// Loads Microsoft SEAL (node-seal 6, WebAssembly) once per thread, and maps SEAL's exceptions
// (thrown as plain objects or strings from WASM) to typed errors.

import * as sealModule from "node-seal";
import type { SEALLibrary } from "node-seal/implementation/seal.js";
import { type ErrorCode, MlsecError } from "../core/index.js";

export type Seal = SEALLibrary;

// node-seal is CommonJS: under ESM its factory is the namespace's default export.
const createSeal = (sealModule as unknown as { default: () => Promise<Seal> }).default;

let loading: Promise<Seal> | undefined;

export function loadSeal(): Promise<Seal> {
  if (loading === undefined) loading = createSeal();
  return loading;
}

/** Runs a SEAL call, turning whatever SEAL throws into an MlsecError with `code`. */
export function sealCall<T>(code: ErrorCode, what: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof MlsecError) throw e;
    const message =
      e instanceof Error
        ? e.message
        : typeof e === "string"
          ? e
          : String((e as { message?: unknown })?.message ?? e);
    throw new MlsecError(code, `${what}: ${message}`, { cause: e });
  }
}
