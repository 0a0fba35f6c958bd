// RDP accountant (Mironov 2017; Mironov, Talwar & Zhang 2019) over a fixed set of orders, with
// dp_accounting's default orders. RDP adds up under composition at every order.

import { MlsecError } from "../../core/index.js";
import {
  checkComposable,
  type EpsilonResult,
  type PrivacyAccountant,
  type SupportResult,
} from "./accountant.js";
import type { DpEvent } from "./events.js";
import {
  type Conversion,
  conversionLowerBound,
  deltaFromRdp,
  epsilonFromRdp,
} from "./rdp-conversion.js";
import { rdpGaussian, rdpLaplace, sampledGaussianRdpCurve } from "./rdp-mechanisms.js";

/** dp_accounting's default orders: 1.1..10.9 by 0.1, 11..63, 128, 256, 512, 1024. */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 53 }, (_, i) => 11 + i),
  128,
  256,
  512,
  1024,
]);

/** Opacus's default orders (RDPAccountant.DEFAULT_ALPHAS): 1.1..10.9 by 0.1, 12..63. */
export const OPACUS_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
]);

/** Largest RDP order accepted (the exact integer-order sum has one term per unit of order). */
export const MAX_ORDER = 100_000;

/** A leaf mechanism whose per-order RDP is computed once and cached. */
interface Leaf {
  readonly key: string;
  readonly rdp: (order: number) => number;
}

export interface RdpAccountantOptions {
  readonly orders?: readonly number[];
  readonly conversion?: Conversion;
  /** Evaluate every order (no pruning); used as a benchmark baseline and in tests. */
  readonly exhaustive?: boolean;
}

// RDP curves of leaf mechanisms, keyed by mechanism and order; bounded so memory stays small.
const CACHE_LIMIT = 4096;
const curveCache = new Map<string, Map<number, number>>();

function cachedRdp(leaf: Leaf, order: number): number {
  let curve = curveCache.get(leaf.key);
  if (curve === undefined) {
    if (curveCache.size >= CACHE_LIMIT) {
      const oldest = curveCache.keys().next().value;
      if (oldest !== undefined) curveCache.delete(oldest);
    }
    curve = new Map();
    curveCache.set(leaf.key, curve);
  }
  let value = curve.get(order);
  if (value === undefined) {
    value = leaf.rdp(order);
    curve.set(order, value);
  }
  return value;
}

function leafOf(event: DpEvent): Leaf | SupportResult {
  switch (event.type) {
    case "gaussian": {
      const s = event.noiseMultiplier;
      return { key: `g:${s}`, rdp: (a) => rdpGaussian(s, a) };
    }
    case "laplace": {
      const b = event.noiseMultiplier;
      return { key: `l:${b}`, rdp: (a) => rdpLaplace(b, a) };
    }
    case "poisson-sampled": {
      const inner = event.event;
      if (inner.type !== "gaussian") {
        return {
          ok: false,
          reason: "the RDP accountant supports Poisson sampling of the Gaussian mechanism only",
          event,
        };
      }
      const q = event.samplingRate;
      const s = inner.noiseMultiplier;
      return { key: `sg:${q}:${s}`, rdp: sampledGaussianRdpCurve(q, s) };
    }
    default:
      return { ok: false, reason: `not a leaf event: ${event.type}`, event };
  }
}

export class RdpAccountant implements PrivacyAccountant {
  readonly kind = "rdp" as const;
  readonly orders: readonly number[];
  readonly conversion: Conversion;
  private readonly exhaustive: boolean;
  private readonly terms = new Map<string, { leaf: Leaf; count: number }>();

  constructor(options: RdpAccountantOptions = {}) {
    const orders =
      options.orders === undefined ? DEFAULT_RDP_ORDERS : [...options.orders].sort((a, b) => a - b);
    if (orders.length === 0 || orders.some((a) => !(a > 1 && a <= MAX_ORDER))) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `RDP orders must be a non-empty list of numbers in (1, ${MAX_ORDER}]`,
      );
    }
    this.orders = orders;
    this.conversion = options.conversion ?? "improved";
    this.exhaustive = options.exhaustive ?? false;
  }

  supports(event: DpEvent): SupportResult {
    switch (event.type) {
      case "self-composed":
        return this.supports(event.event);
      case "composed":
        for (const e of event.events) {
          const r = this.supports(e);
          if (!r.ok) return r;
        }
        return { ok: true };
      default: {
        const leaf = leafOf(event);
        return "key" in leaf ? { ok: true } : leaf;
      }
    }
  }

  compose(event: DpEvent, count = 1): this {
    checkComposable(this, event, count);
    this.add(event, count);
    return this;
  }

  private add(event: DpEvent, count: number): void {
    if (count === 0) return;
    if (event.type === "self-composed") {
      this.add(event.event, count * event.count);
      return;
    }
    if (event.type === "composed") {
      for (const e of event.events) this.add(e, count);
      return;
    }
    const leaf = leafOf(event) as Leaf;
    const term = this.terms.get(leaf.key);
    if (term) term.count += count;
    else this.terms.set(leaf.key, { leaf, count });
  }

  /** Total RDP of everything composed so far at `order`. */
  rdpAt(order: number): number {
    let total = 0;
    for (const { leaf, count } of this.terms.values()) total += count * cachedRdp(leaf, order);
    return total;
  }

  getEpsilon(delta: number): EpsilonResult {
    if (!(delta > 0 && delta < 1)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `delta must be in (0, 1), got ${delta}`);
    }
    let best = Infinity;
    let bestOrder = this.orders[0];
    const consider = (order: number, rdp: number) => {
      const eps = epsilonFromRdp(rdp, order, delta, this.conversion);
      if (eps < best || (eps === best && order < bestOrder)) {
        best = eps;
        bestOrder = order;
      }
    };
    if (this.exhaustive) {
      for (const order of this.orders) consider(order, this.rdpAt(order));
      return { epsilon: best, delta, accountant: "rdp", optimalOrder: bestOrder };
    }
    // RDP is nondecreasing in the order. Pass 1 takes the integer orders (exact, cheap sums)
    // upwards and stops where no larger order can beat `best`. Pass 2 takes the fractional
    // orders below that point, skipping any whose lower bound (the RDP of an order below it)
    // already converts to at least `best`. The minimum is the exhaustive sweep's.
    let stop = Infinity;
    for (const order of this.orders) {
      if (!Number.isInteger(order)) continue;
      const rdp = this.rdpAt(order);
      consider(order, rdp);
      if (rdp + conversionLowerBound(order, this.conversion) >= best) {
        stop = order;
        break;
      }
    }
    let below = 0; // RDP of the largest fractional order evaluated so far
    for (const order of this.orders) {
      if (Number.isInteger(order)) continue;
      if (order > stop) break;
      const floor = Math.floor(order);
      const lower = Math.max(below, floor >= 2 ? this.rdpAt(floor) : 0);
      if (epsilonFromRdp(lower, order, delta, this.conversion) >= best) continue;
      below = this.rdpAt(order);
      consider(order, below);
    }
    return { epsilon: best, delta, accountant: "rdp", optimalOrder: bestOrder };
  }

  getDelta(epsilon: number): number {
    if (!(epsilon >= 0)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `epsilon must be >= 0, got ${epsilon}`);
    }
    let best = 1;
    for (const order of this.orders) {
      best = Math.min(best, deltaFromRdp(this.rdpAt(order), order, epsilon, this.conversion));
    }
    return best;
  }
}

/** Drops every cached RDP curve (for benchmarks that measure cold computations). */
export function clearRdpCache(): void {
  curveCache.clear();
}
