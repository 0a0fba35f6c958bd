// Key generation on the client. The client keeps the secret key; the server bundle holds only
// the encryption parameters, the public key, the relinearization keys and the Galois keys for
// exactly the rotations the plan uses, all in SEAL's seeded form (the uniform half of each key
// is replaced by a PRNG seed) and zstd-compressed.

import { randomBytes } from "node:crypto";
import { packContainer } from "./container.js";
import { HeContext } from "./context.js";
import { planPeriod, planRotations, type SlotLayout, slotLayout } from "./diagonals.js";
import type { PlanOptions } from "./onnx-plan.js";
import { type CkksParameters, type SecurityLevel, selectParameters } from "./params.js";
import { type HePlan, planDepth } from "./plan.js";
import { loadSeal, type Seal } from "./seal.js";

/** What client and server agree on; stored in both key files. */
export interface KeyMeta {
  /** Random ID tying queries and results to one key pair. */
  readonly keyId: string;
  /** SHA-256 of the model file the plan came from. */
  readonly modelSha256: string;
  readonly params: CkksParameters;
  readonly layout: SlotLayout;
  readonly rotations: readonly number[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** How the plan was built from the model, so the server rebuilds the same plan. */
  readonly planOptions: PlanOptions;
}

export interface KeyBytes {
  readonly parms: number;
  readonly secretKey: number;
  readonly publicKey: number;
  readonly relinKeys: number;
  readonly galoisKeys: number;
}

export interface GeneratedKeys {
  readonly meta: KeyMeta;
  readonly clientKeys: Uint8Array;
  readonly serverKeys: Uint8Array;
  readonly bytes: KeyBytes;
}

export function securityMaxBits(seal: Seal) {
  return (n: number, security: SecurityLevel) =>
    seal.CoeffModulus.MaxBitCount(
      n,
      security === 128
        ? seal.SecurityLevel.tc128
        : security === 192
          ? seal.SecurityLevel.tc192
          : seal.SecurityLevel.tc256,
    );
}

/** CKKS parameters for a plan: its depth and feature period at the given security. */
export async function parametersFor(
  plan: HePlan,
  security: SecurityLevel,
): Promise<CkksParameters> {
  const seal = await loadSeal();
  return selectParameters({
    depth: planDepth(plan),
    slotsNeeded: planPeriod(plan),
    security,
    maxBitCount: securityMaxBits(seal),
  });
}

export async function generateKeys(
  plan: HePlan,
  options: { security: SecurityLevel; modelSha256: string; planOptions?: PlanOptions },
): Promise<GeneratedKeys> {
  const seal = await loadSeal();
  const params = await parametersFor(plan, options.security);
  const ctx = HeContext.fromParameters(seal, params);
  const keygen = seal.KeyGenerator(ctx.context);
  const secret = keygen.secretKey();
  try {
    const layout = slotLayout(plan, ctx.slots);
    const rotations = planRotations(plan, layout);
    const meta: KeyMeta = {
      keyId: randomBytes(16).toString("hex"),
      modelSha256: options.modelSha256,
      params,
      layout,
      rotations,
      inputSize: plan.inputSize,
      outputSize: plan.outputSize,
      planOptions: options.planOptions ?? {},
    };
    const zstd = seal.ComprModeType.zstd;
    const saveSerializable = (s: ReturnType<typeof keygen.createPublicKeySerializable>) => {
      const bytes = s.saveArray(zstd);
      s.delete();
      return bytes;
    };
    const parms = ctx.parmsBytes();
    const secretKey = secret.saveArray(zstd);
    const publicKey = saveSerializable(keygen.createPublicKeySerializable());
    const relinKeys = saveSerializable(keygen.createRelinKeysSerializable());
    // SEAL reads an empty step list as "every power of two": a plan without rotations sends none.
    const galoisKeys =
      rotations.length === 0
        ? new Uint8Array(0)
        : saveSerializable(keygen.createGaloisKeysSerializable(Int32Array.from(rotations)));
    const clientKeys = packContainer("client-keys", { ...meta }, [
      ["parms", parms],
      ["secretKey", secretKey],
    ]);
    const serverKeys = packContainer("server-keys", { ...meta }, [
      ["parms", parms],
      ["publicKey", publicKey],
      ["relinKeys", relinKeys],
      ["galoisKeys", galoisKeys],
    ]);
    return {
      meta,
      clientKeys,
      serverKeys,
      bytes: {
        parms: parms.length,
        secretKey: secretKey.length,
        publicKey: publicKey.length,
        relinKeys: relinKeys.length,
        galoisKeys: galoisKeys.length,
      },
    };
  } finally {
    secret.delete();
    keygen.delete();
    ctx.dispose();
  }
}
