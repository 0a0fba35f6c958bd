// A SEAL CKKS context with its encoder, evaluator and modulus chain (level ℓ = ℓ rescalings
// done): everything client and server share. Owns its SEAL objects; call dispose().

import type { PlainText } from "node-seal/implementation/plain-text.js";
import { MlsecError } from "../core/index.js";
import type { CkksParameters, SecurityLevel } from "./params.js";
import { type Seal, sealCall } from "./seal.js";

type SealContext = ReturnType<Seal["Context"]>;
type Parms = ReturnType<Seal["EncryptionParameters"]>;
export type ParmsId = SealContext["firstParmsId"];

export interface Level {
  readonly parmsId: ParmsId;
  /** The prime a rescale at this level divides by (the last of the level's modulus). */
  readonly lastPrime: number;
  /** Primes in the ciphertext modulus at this level. */
  readonly primes: number;
}

export function sealSecurity(seal: Seal, security: SecurityLevel) {
  return security === 128
    ? seal.SecurityLevel.tc128
    : security === 192
      ? seal.SecurityLevel.tc192
      : seal.SecurityLevel.tc256;
}

export class HeContext {
  readonly encoder: ReturnType<Seal["CKKSEncoder"]>;
  readonly evaluator: ReturnType<Seal["Evaluator"]>;
  /** Levels from the first (fresh ciphertexts) to the last. */
  readonly levels: readonly Level[];

  private constructor(
    readonly seal: Seal,
    readonly parms: Parms,
    readonly context: SealContext,
    readonly security: SecurityLevel,
  ) {
    this.encoder = seal.CKKSEncoder(context);
    this.evaluator = seal.Evaluator(context);
    const levels: Level[] = [];
    let data = context.firstContextData;
    for (;;) {
      const modulus = data.parms.coeffModulus;
      levels.push({
        parmsId: data.parmsId,
        lastPrime: Number(modulus[modulus.length - 1]),
        primes: modulus.length,
      });
      const last = data.chainIndex === 0;
      const next = last ? undefined : data.nextContextData;
      data.delete();
      if (next === undefined) break;
      data = next;
    }
    this.levels = levels;
  }

  get slots(): number {
    return this.encoder.slotCount;
  }

  /** Builds the context for selected parameters (SEAL picks the primes of the given sizes). */
  static fromParameters(seal: Seal, p: CkksParameters): HeContext {
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    parms.setPolyModulusDegree(p.polyModulusDegree);
    const modulus = sealCall("E_HE_PARAMETERS", "choosing primes", () =>
      seal.CoeffModulus.Create(p.polyModulusDegree, Int32Array.from(p.coeffModulusBits)),
    );
    parms.setCoeffModulus(modulus);
    modulus.delete();
    return HeContext.checked(seal, parms, p.security);
  }

  /** Rebuilds the context from serialized encryption parameters (from a key file). */
  static fromBytes(seal: Seal, bytes: Uint8Array, security: SecurityLevel): HeContext {
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    sealCall("E_HE_FORMAT", "reading the encryption parameters", () => parms.loadArray(bytes));
    return HeContext.checked(seal, parms, security);
  }

  private static checked(seal: Seal, parms: Parms, security: SecurityLevel): HeContext {
    const context = seal.Context(parms, true, sealSecurity(seal, security));
    if (!context.parametersSet()) {
      const why = context.toHuman();
      context.delete();
      parms.delete();
      throw new MlsecError("E_HE_PARAMETERS", `SEAL refused the CKKS parameters: ${why}`);
    }
    return new HeContext(seal, parms, context, security);
  }

  /** The level of a ciphertext, from how many primes its modulus still has. */
  levelOf(ct: { coeffModulusSize: number }): number {
    return this.levels[0].primes - ct.coeffModulusSize;
  }

  parmsBytes(): Uint8Array {
    return this.parms.saveArray(this.seal.ComprModeType.zstd);
  }

  /** Encodes a slot vector at level ℓ with the given scale. */
  encodeAt(values: Float64Array, scale: number, level: number): PlainText {
    const pt = this.encoder.encode(values, scale) as PlainText;
    if (level > 0) this.evaluator.plainModSwitchTo(pt, this.levels[level].parmsId, pt);
    return pt;
  }

  dispose(): void {
    for (const l of this.levels) l.parmsId.delete();
    this.encoder.delete();
    this.evaluator.delete();
    this.context.delete();
    this.parms.delete();
  }
}
