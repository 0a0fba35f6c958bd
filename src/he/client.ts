// The client side: encrypts samples with the secret key as seeded symmetric ciphertexts (half
// the wire size of public-key ones: the uniform component travels as a seed) and decrypts
// results. Only this module ever loads a secret key.

import { MlsecError } from "../core/index.js";
import { type Container, packContainer, section, unpackContainer } from "./container.js";
import { HeContext } from "./context.js";
import { packSamples, unpackSamples } from "./diagonals.js";
import type { KeyMeta } from "./keys.js";
import { checkKeyId, countOf, keyMetaOf } from "./meta.js";
import { loadSeal, sealCall } from "./seal.js";

type Ctx = HeContext;

export class HeClient {
  private constructor(
    readonly meta: KeyMeta,
    private readonly ctx: Ctx,
    private readonly secretKey: ReturnType<Ctx["seal"]["SecretKey"]>,
    private readonly encryptor: ReturnType<Ctx["seal"]["Encryptor"]>,
    private readonly decryptor: ReturnType<Ctx["seal"]["Decryptor"]>,
  ) {}

  static async open(clientKeys: Uint8Array): Promise<HeClient> {
    const seal = await loadSeal();
    const c = unpackContainer(clientKeys, "client-keys");
    const meta = keyMetaOf(c);
    const ctx = HeContext.fromBytes(seal, section(c, "parms"), meta.params.security);
    const secretKey = seal.SecretKey();
    try {
      sealCall("E_HE_FORMAT", "reading the secret key", () =>
        secretKey.loadArray(ctx.context, section(c, "secretKey")),
      );
    } catch (e) {
      secretKey.delete();
      ctx.dispose();
      throw e;
    }
    // node-seal's Encryptor wants a public key even for symmetric encryption.
    const keygen = seal.KeyGenerator(ctx.context, secretKey);
    const publicKey = keygen.createPublicKey();
    const encryptor = seal.Encryptor(ctx.context, publicKey, secretKey);
    publicKey.delete();
    keygen.delete();
    return new HeClient(meta, ctx, secretKey, encryptor, seal.Decryptor(ctx.context, secretKey));
  }

  /** Encrypts samples (each `inputSize` features), k per ciphertext, into a query file. */
  encrypt(samples: readonly ArrayLike<number>[]): Uint8Array {
    const { layout, inputSize } = this.meta;
    if (samples.length === 0) throw new MlsecError("E_INVALID_ARGUMENT", "nothing to encrypt");
    for (const s of samples) {
      if (s.length !== inputSize) {
        throw new MlsecError(
          "E_SHAPE_MISMATCH",
          `samples have ${s.length} features, the keys expect ${inputSize}`,
        );
      }
    }
    const k = layout.samplesPerCiphertext;
    const scale = 2 ** this.meta.params.scaleBits;
    const sections: [string, Uint8Array][] = [];
    for (let at = 0, i = 0; at < samples.length; at += k, i++) {
      const pt = this.ctx.encodeAt(
        packSamples(samples.slice(at, at + k), inputSize, layout),
        scale,
        0,
      );
      const ser = this.encryptor.encryptSymmetricSerializable(pt);
      sections.push([`ct${i}`, ser.saveArray(this.ctx.seal.ComprModeType.zstd)]);
      ser.delete();
      pt.delete();
    }
    return packContainer("query", { keyId: this.meta.keyId, count: samples.length }, sections);
  }

  /** Decrypts a result file into one logit vector per sample. */
  decrypt(resultBytes: Uint8Array | Container): Float64Array[] {
    const c =
      resultBytes instanceof Uint8Array ? unpackContainer(resultBytes, "result") : resultBytes;
    checkKeyId(c, this.meta);
    const { layout, outputSize } = this.meta;
    const k = layout.samplesPerCiphertext;
    const count = countOf(c, c.sections.size * k);
    const out: Float64Array[] = [];
    const ciphertexts = Math.ceil(count / k);
    for (let i = 0; i < ciphertexts; i++) {
      const ct = this.ctx.seal.CipherText();
      try {
        sealCall("E_HE_FORMAT", `reading result ciphertext ${i}`, () =>
          ct.loadArray(this.ctx.context, section(c, `ct${i}`)),
        );
        const pt = this.decryptor.decrypt(ct);
        if (!pt) throw new MlsecError("E_INTERNAL", "SEAL returned no plaintext");
        const slots = this.ctx.encoder.decode(pt) as Float64Array;
        pt.delete();
        out.push(...unpackSamples(slots, outputSize, Math.min(k, count - i * k), layout));
      } finally {
        ct.delete();
      }
    }
    return out;
  }

  dispose(): void {
    this.encryptor.delete();
    this.decryptor.delete();
    this.secretKey.delete();
    this.ctx.dispose();
  }
}
