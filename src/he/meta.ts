// Reads the KeyMeta of a key, query or result file back, checking what the code relies on.

import { MlsecError } from "../core/index.js";
import type { Container } from "./container.js";
import type { KeyMeta } from "./keys.js";
import { SECURITY_LEVELS } from "./params.js";

const badMeta = (what: string) =>
  new MlsecError("E_HE_FORMAT", `the HE key file's ${what} is missing or malformed`);

const isCount = (v: unknown, max = 2 ** 31): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;

export function keyMetaOf(c: Container): KeyMeta {
  const m = c.meta as Partial<KeyMeta>;
  if (typeof m.keyId !== "string" || !/^[0-9a-f]{32}$/.test(m.keyId)) throw badMeta("keyId");
  if (typeof m.modelSha256 !== "string") throw badMeta("modelSha256");
  const p = m.params;
  if (typeof p !== "object" || p === null || !SECURITY_LEVELS.includes(p.security))
    throw badMeta("params");
  if (!isCount(p.scaleBits, 60) || !isCount(p.depth, 64) || !isCount(p.slots, 1 << 20))
    throw badMeta("params");
  const l = m.layout;
  if (
    typeof l !== "object" ||
    l === null ||
    !isCount(l.slots) ||
    !isCount(l.period) ||
    !(l.samplesPerCiphertext >= 1)
  ) {
    throw badMeta("layout");
  }
  if (l.period * l.samplesPerCiphertext !== l.slots) throw badMeta("layout");
  if (!Array.isArray(m.rotations) || !m.rotations.every((r) => isCount(r, l.slots)))
    throw badMeta("rotations");
  if (!isCount(m.inputSize) || !isCount(m.outputSize)) throw badMeta("sizes");
  const a = m.planOptions?.approximate;
  if (typeof m.planOptions !== "object" || m.planOptions === null) throw badMeta("planOptions");
  if (
    a !== undefined &&
    !(isCount(a.degree, 8) && typeof a.interval === "number" && a.interval > 0)
  ) {
    throw badMeta("planOptions");
  }
  return m as KeyMeta;
}

/** Checks that a query or result belongs to the loaded keys. */
export function checkKeyId(c: Container, meta: KeyMeta): void {
  if (c.meta.keyId !== meta.keyId) {
    throw new MlsecError(
      "E_HE_KEY_MISMATCH",
      `this ${c.kind} was made for key ${String(c.meta.keyId)}, the loaded keys are ${meta.keyId}`,
      { hint: "Use the keys from the same `mlsec he keygen` run for encrypt, infer and decrypt." },
    );
  }
}

export function countOf(c: Container, max: number): number {
  const n = c.meta.count;
  if (!isCount(n, max) || n < 1)
    throw new MlsecError("E_HE_FORMAT", `the ${c.kind} has a bad sample count`);
  return n;
}
