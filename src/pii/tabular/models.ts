// Privacy models checked on one equivalence class: k-anonymity (Sweeney 2002), l-diversity,
// distinct and entropy (Machanavajjhala et al., ICDE 2006), and t-closeness with the Earth
// Mover's Distance (Li, Li and Venkatasubramanian, ICDE 2007): the ordered distance for numeric
// sensitive values, the equal distance (half the L1 distance) for categorical ones.

import { MlsecError } from "../../core/index.js";

export type LDiversityKind = "distinct" | "entropy";

export interface PrivacyModel {
  readonly k: number;
  readonly l?: number;
  readonly lKind?: LDiversityKind;
  readonly t?: number;
}

/** The sensitive column, each row's value coded as a rank. */
export interface SensitiveColumn {
  readonly name: string;
  readonly codes: Int32Array;
  /** Distinct values in code order (numeric order when `numeric`). */
  readonly values: readonly string[];
  readonly numeric: boolean;
  /** Share of each code in the whole table. */
  readonly global: Float64Array;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function buildSensitive(name: string, cells: readonly string[]): SensitiveColumn {
  const numeric = cells.length > 0 && cells.every((c) => NUMBER.test(c));
  const distinct = [...new Set(cells)];
  if (numeric) distinct.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1));
  else distinct.sort();
  const code = new Map(distinct.map((v, i) => [v, i]));
  const codes = Int32Array.from(cells, (c) => code.get(c)!);
  const global = new Float64Array(distinct.length);
  for (const c of codes) global[c] += 1 / cells.length;
  return { name, codes, values: distinct, numeric, global };
}

/** Checks classes against a privacy model, reusing scratch buffers across calls. */
export class ClassChecker {
  private readonly counts: Int32Array;
  private readonly touched: Int32Array;
  /** Global cumulative distribution and its prefix sums (ordered EMD in O(present · log m)). */
  private readonly cumulative: Float64Array;
  private readonly cumulativePrefix: Float64Array;

  constructor(
    readonly model: PrivacyModel,
    readonly sensitive?: SensitiveColumn,
  ) {
    if ((model.l !== undefined || model.t !== undefined) && sensitive === undefined) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        "l-diversity and t-closeness need a sensitive column",
      );
    }
    const m = sensitive?.values.length ?? 0;
    this.counts = new Int32Array(m);
    this.touched = new Int32Array(m);
    this.cumulative = new Float64Array(m);
    this.cumulativePrefix = new Float64Array(m + 1);
    let acc = 0;
    for (let i = 0; i < m; i++) {
      acc += sensitive!.global[i];
      this.cumulative[i] = acc;
      this.cumulativePrefix[i + 1] = this.cumulativePrefix[i] + acc;
    }
  }

  /** Whether the rows `rows[from, to)` form a class that satisfies the model. */
  satisfies(rows: Int32Array, from = 0, to = rows.length): boolean {
    const size = to - from;
    if (size < this.model.k) return false;
    if (this.sensitive === undefined) return true;
    const stats = this.measure(rows, from, to);
    return (
      (this.model.l === undefined ||
        (this.model.lKind === "entropy"
          ? stats.entropy >= Math.log(this.model.l) - 1e-12
          : stats.distinct >= this.model.l)) &&
      (this.model.t === undefined || stats.emd <= this.model.t + 1e-12)
    );
  }

  /** Distinct sensitive values, their entropy (nats) and the EMD to the table's distribution. */
  measure(
    rows: Int32Array,
    from = 0,
    to = rows.length,
    withEmd = this.model.t !== undefined,
  ): { distinct: number; entropy: number; emd: number } {
    const s = this.sensitive!;
    const size = to - from;
    let distinct = 0;
    for (let i = from; i < to; i++) {
      const c = s.codes[rows[i]];
      if (this.counts[c]++ === 0) this.touched[distinct++] = c;
    }
    let entropy = 0;
    for (let j = 0; j < distinct; j++) {
      const p = this.counts[this.touched[j]] / size;
      entropy -= p * Math.log(p);
    }
    const emd = !withEmd
      ? 0
      : s.numeric
        ? this.orderedEmd(distinct, size)
        : this.equalEmd(distinct, size);
    for (let j = 0; j < distinct; j++) this.counts[this.touched[j]] = 0;
    return { distinct, entropy, emd };
  }

  private equalEmd(distinct: number, size: number): number {
    const global = this.sensitive!.global;
    let l1 = 0;
    let presentGlobal = 0;
    for (let j = 0; j < distinct; j++) {
      const c = this.touched[j];
      l1 += Math.abs(this.counts[c] / size - global[c]);
      presentGlobal += global[c];
    }
    return (l1 + Math.max(0, 1 - presentGlobal)) / 2;
  }

  /**
   * Ordered distance: sum over ranks of |class cumulative − table cumulative| / (m − 1). The
   * class cumulative is constant between its present ranks; on each such run the table's
   * (non-decreasing) cumulative is split at the crossing point by binary search.
   */
  private orderedEmd(distinct: number, size: number): number {
    const m = this.cumulative.length;
    if (m <= 1) return 0;
    const present = Array.from(this.touched.subarray(0, distinct)).sort((a, b) => a - b);
    let total = 0;
    let classCum = 0;
    let runStart = 0;
    for (let j = 0; j <= present.length; j++) {
      const runEnd = j < present.length ? present[j] : m;
      total += this.absSum(classCum, runStart, runEnd);
      if (j < present.length) {
        classCum += this.counts[present[j]] / size;
        runStart = runEnd;
      }
    }
    return total / (m - 1);
  }

  /** Sum of |c − cumulative[i]| for i in [a, b). */
  private absSum(c: number, a: number, b: number): number {
    if (a >= b) return 0;
    let lo = a;
    let hi = b;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    const p = this.cumulativePrefix;
    return c * (lo - a) - (p[lo] - p[a]) + (p[b] - p[lo]) - c * (b - lo);
  }
}
