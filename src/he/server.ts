// The server side: evaluates an HE plan on ciphertexts holding k samples each, with the public
// evaluation keys only (it never receives a secret key, so it cannot decrypt). Dense layers use
// the BSGS diagonal method of diagonals.ts on plaintext diagonals encoded once at the level the
// layer runs at, with scale = the prime its rescale divides by, so the ciphertext keeps its
// scale exactly across a dense layer.

import { MlsecError } from "../core/index.js";
import { packContainer, section, unpackContainer } from "./container.js";
import { HeContext } from "./context.js";
import {
  featureBias,
  featureDiagonal,
  type LinearSchedule,
  linearSchedule,
  spreadFeatures,
} from "./diagonals.js";
import type { KeyMeta } from "./keys.js";
import { checkKeyId, countOf, keyMetaOf } from "./meta.js";
import {
  type HePlan,
  isPureSquare,
  type LinearLayer,
  type PolyLayer,
  planDepth,
  polyDegree,
  polyDepth,
} from "./plan.js";
import { loadSeal, sealCall } from "./seal.js";

type Ct = ReturnType<HeContext["seal"]["CipherText"]>;
type Pt = ReturnType<HeContext["encodeAt"]>;

interface PreparedLinear {
  readonly layer: LinearLayer;
  readonly schedule: LinearSchedule;
  readonly level: number;
  /** diagonals[g][j]: diagonal g*b + j pre-rotated by -g*b, or undefined when all zero. */
  readonly diagonals: (Pt | undefined)[][];
  bias?: { scale: number; pt: Pt };
}

export interface LayerTiming {
  readonly name: string;
  ms: number;
}

export class HeServer {
  private readonly prepared = new Map<number, PreparedLinear>();
  /** Milliseconds spent per layer since creation (summed over ciphertexts). */
  readonly timings: LayerTiming[];

  private constructor(
    readonly meta: KeyMeta,
    readonly plan: HePlan,
    private readonly ctx: HeContext,
    private readonly relinKeys: ReturnType<HeContext["seal"]["RelinKeys"]>,
    private readonly galoisKeys: ReturnType<HeContext["seal"]["GaloisKeys"]>,
  ) {
    this.timings = plan.layers.map((l) => ({ name: l.name, ms: 0 }));
  }

  /** Opens server keys (never a secret key) for a plan; precomputes the encoded diagonals. */
  static async open(serverKeys: Uint8Array, plan: HePlan): Promise<HeServer> {
    const seal = await loadSeal();
    const c = unpackContainer(serverKeys, "server-keys");
    const meta = keyMetaOf(c);
    if (
      meta.inputSize !== plan.inputSize ||
      meta.outputSize !== plan.outputSize ||
      meta.params.depth !== planDepth(plan)
    ) {
      throw new MlsecError("E_HE_KEY_MISMATCH", "the server keys were made for a different model", {
        hint: "Run `mlsec he keygen` with the model the server evaluates.",
      });
    }
    const ctx = HeContext.fromBytes(seal, section(c, "parms"), meta.params.security);
    const relin = seal.RelinKeys();
    const galois = seal.GaloisKeys();
    const server = new HeServer(meta, plan, ctx, relin, galois);
    try {
      sealCall("E_HE_FORMAT", "reading the relinearization keys", () =>
        relin.loadArray(ctx.context, section(c, "relinKeys")),
      );
      if (meta.rotations.length > 0) {
        sealCall("E_HE_FORMAT", "reading the Galois keys", () =>
          galois.loadArray(ctx.context, section(c, "galoisKeys")),
        );
      }
      server.prepare();
    } catch (e) {
      server.dispose();
      throw e;
    }
    return server;
  }

  private prepare(): void {
    const { layout } = this.meta;
    let level = 0;
    this.plan.layers.forEach((layer, index) => {
      if (layer.kind === "poly") {
        level += polyDepth(layer.coefficients);
        return;
      }
      const schedule = linearSchedule(layer);
      const scale = this.ctx.levels[level].lastPrime;
      const diagonals: (Pt | undefined)[][] = [];
      for (let g = 0; g < schedule.giants; g++) {
        const row: (Pt | undefined)[] = [];
        for (let j = 0; j < schedule.baby && g * schedule.baby + j < schedule.diagonals; j++) {
          const v = featureDiagonal(
            layer,
            schedule,
            g * schedule.baby + j,
            g * schedule.baby,
            layout.period,
          );
          row.push(v && this.ctx.encodeAt(spreadFeatures(v, layout), scale, level));
        }
        diagonals.push(row);
      }
      this.prepared.set(index, { layer, schedule, level, diagonals });
      level += 1;
    });
  }

  /** Evaluates the plan on one ciphertext; the input is left untouched, the result is new. */
  evaluate(input: Ct): Ct {
    let x = input;
    this.plan.layers.forEach((layer, index) => {
      const started = performance.now();
      const y =
        layer.kind === "linear" ? this.linear(x, this.prepared.get(index)!) : this.poly(x, layer);
      if (x !== input) x.delete();
      x = y;
      this.timings[index].ms += performance.now() - started;
    });
    return x === input ? input.clone() : x;
  }

  private rotate(x: Ct, featureSteps: number): Ct {
    const steps = featureSteps * this.meta.layout.samplesPerCiphertext;
    return this.ctx.evaluator.rotateVector(x, steps, this.galoisKeys) as Ct;
  }

  private addInto(acc: Ct | undefined, t: Ct): Ct {
    if (acc === undefined) return t;
    this.ctx.evaluator.add(acc, t, acc);
    t.delete();
    return acc;
  }

  private linear(x: Ct, p: PreparedLinear): Ct {
    const ev = this.ctx.evaluator;
    const s = p.schedule;
    const { layout } = this.meta;
    if (this.ctx.levelOf(x) !== p.level) {
      throw new MlsecError(
        "E_HE_KEY_MISMATCH",
        `layer ${p.layer.name} expects level ${p.level}, the ciphertext is at ${this.ctx.levelOf(x)}`,
      );
    }
    const babies: Ct[] = [x];
    for (let j = 1; j < Math.min(s.baby, s.diagonals); j++) babies.push(this.rotate(x, j));
    let acc: Ct | undefined;
    try {
      p.diagonals.forEach((row, g) => {
        let inner: Ct | undefined;
        row.forEach((pt, j) => {
          if (pt !== undefined) inner = this.addInto(inner, ev.multiplyPlain(babies[j], pt) as Ct);
        });
        if (inner === undefined) return;
        if (g > 0) {
          const rotated = this.rotate(inner, g * s.baby);
          inner.delete();
          inner = rotated;
        }
        acc = this.addInto(acc, inner);
      });
    } finally {
      for (const b of babies.slice(1)) b.delete();
    }
    if (acc === undefined)
      throw new MlsecError("E_HE_UNSUPPORTED", `layer ${p.layer.name} has all-zero weights`);
    const y: Ct = acc;
    ev.rescaleToNext(y, y);
    for (const t of s.sumSteps) this.addInto(y, this.rotate(y, t));
    if (p.bias === undefined || p.bias.scale !== y.scale) {
      p.bias?.pt.delete();
      const v = spreadFeatures(featureBias(p.layer, s, layout.period), layout);
      p.bias = { scale: y.scale, pt: this.ctx.encodeAt(v, y.scale, p.level + 1) };
    }
    ev.addPlain(y, p.bias.pt, y);
    return y;
  }

  /** Multiplies two ciphertexts at possibly different levels; relinearizes and rescales. */
  private product(a: Ct, b: Ct): Ct {
    const ev = this.ctx.evaluator;
    let out: Ct;
    if (a === b) {
      out = ev.square(a) as Ct;
    } else {
      const [deep, shallow] = this.ctx.levelOf(a) > this.ctx.levelOf(b) ? [a, b] : [b, a];
      const aligned = ev.cipherModSwitchTo(
        shallow,
        this.ctx.levels[this.ctx.levelOf(deep)].parmsId,
      ) as Ct;
      out = ev.multiply(deep, aligned) as Ct;
      aligned.delete();
    }
    ev.relinearize(out, this.relinKeys, out);
    ev.rescaleToNext(out, out);
    return out;
  }

  /**
   * p(x) = Σ c_j x^j: powers by binary splitting (x^j = x^floor(j/2) · x^ceil(j/2)), then each
   * term brought to the deepest power's level and multiplied by c_j encoded at scale
   * T·q/scale(x^j), so every term lands exactly on scale T = 2^scaleBits and they add up.
   */
  private poly(x: Ct, layer: PolyLayer): Ct {
    const ev = this.ctx.evaluator;
    if (isPureSquare(layer.coefficients)) return this.product(x, x);
    const c = layer.coefficients;
    const d = polyDegree(c);
    const powers = new Map<number, Ct>([[1, x]]);
    try {
      for (let j = 2; j <= d; j++)
        powers.set(j, this.product(powers.get(Math.floor(j / 2))!, powers.get(Math.ceil(j / 2))!));
      const deepest = this.ctx.levelOf(powers.get(Math.max(d, 1))!);
      const q = this.ctx.levels[deepest].lastPrime;
      const target = 2 ** this.meta.params.scaleBits;
      const slots = this.meta.layout.slots;
      let sum: Ct | undefined;
      for (let j = 1; j <= d; j++) {
        if (c[j] === 0) continue;
        const pj = powers.get(j)!;
        const term = ev.cipherModSwitchTo(pj, this.ctx.levels[deepest].parmsId) as Ct;
        const coefficient = this.ctx.encodeAt(
          new Float64Array(slots).fill(c[j]),
          (target * q) / pj.scale,
          deepest,
        );
        ev.multiplyPlain(term, coefficient, term);
        coefficient.delete();
        ev.rescaleToNext(term, term);
        term.setScale(target);
        sum = this.addInto(sum, term);
      }
      if (sum === undefined) {
        throw new MlsecError(
          "E_HE_UNSUPPORTED",
          `activation ${layer.name} is a constant; fold it into the next layer`,
        );
      }
      const constant = this.ctx.encodeAt(
        new Float64Array(slots).fill(c[0]),
        sum.scale,
        deepest + 1,
      );
      ev.addPlain(sum, constant, sum);
      constant.delete();
      return sum;
    } finally {
      for (const [j, p] of powers) if (j > 1) p.delete();
    }
  }

  /** Evaluates a query file into a result file (same key ID and sample count). */
  inferQuery(queryBytes: Uint8Array): Uint8Array {
    const q = unpackContainer(queryBytes, "query");
    checkKeyId(q, this.meta);
    const k = this.meta.layout.samplesPerCiphertext;
    const count = countOf(q, q.sections.size * k);
    const out: [string, Uint8Array][] = [];
    for (let i = 0; i < Math.ceil(count / k); i++)
      out.push([`ct${i}`, this.inferBytes(section(q, `ct${i}`))]);
    return packContainer("result", { keyId: this.meta.keyId, count }, out);
  }

  /** One serialized ciphertext in, one serialized (zstd) result out. */
  inferBytes(bytes: Uint8Array): Uint8Array {
    const ct = this.ctx.seal.CipherText();
    try {
      sealCall("E_HE_FORMAT", "reading a query ciphertext", () =>
        ct.loadArray(this.ctx.context, bytes),
      );
      const fresh =
        this.ctx.levelOf(ct) === 0 && ct.size === 2 && ct.scale === 2 ** this.meta.params.scaleBits;
      if (!fresh) {
        throw new MlsecError(
          "E_HE_FORMAT",
          "query ciphertexts must be fresh: first level, size 2, at the keys' scale",
        );
      }
      const y = sealCall("E_HE_FORMAT", "evaluating the query", () => this.evaluate(ct));
      try {
        return y.saveArray(this.ctx.seal.ComprModeType.zstd);
      } finally {
        y.delete();
      }
    } finally {
      ct.delete();
    }
  }

  dispose(): void {
    for (const p of this.prepared.values()) {
      for (const row of p.diagonals) for (const pt of row) pt?.delete();
      p.bias?.pt.delete();
    }
    this.prepared.clear();
    this.relinKeys.delete();
    this.galoisKeys.delete();
    this.ctx.dispose();
  }
}
