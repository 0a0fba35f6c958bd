// A DP query over a table: pick the column, bound each privacy unit's contribution, run the
// aggregate. Pure: the caller spends the budget (ledger) before releasing the answer.

import { MlsecError, type Rng } from "../../core/index.js";
import type { RandomSource } from "../mechanisms/random-source.js";
import { dpCount, dpMean, dpSum } from "./aggregates.js";
import { boundContributions } from "./bounding.js";
import { dpHistogram, type HistogramBin, numericBins } from "./histogram.js";
import { dpQuantile } from "./quantile.js";

export const QUERY_KINDS = ["count", "sum", "mean", "histogram", "quantile"] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

type Cell = string | number | null;

export interface QuerySpec {
  readonly kind: QueryKind;
  readonly column?: string;
  readonly epsilon: number;
  /** Public bounds for sum, mean, quantile and numeric histograms. */
  readonly bounds?: readonly [number, number];
  /** Column naming the privacy unit (user); without it every row is its own unit. */
  readonly privacyUnit?: string;
  readonly maxContributions?: number;
  readonly quantile?: number;
  readonly bins?: number;
  /** Public categories of a categorical histogram. */
  readonly categories?: readonly string[];
}

export type QueryAnswer =
  | { readonly kind: "count" | "sum" | "mean" | "quantile"; readonly value: number }
  | { readonly kind: "histogram"; readonly bins: readonly HistogramBin[] };

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new MlsecError("E_INVALID_ARGUMENT", `this query needs ${what}`);
  return value;
}

export function runQuery(
  table: {
    readonly columns: readonly string[];
    readonly rows: readonly Readonly<Record<string, Cell>>[];
  },
  spec: QuerySpec,
  rng: Rng,
  rs: RandomSource,
): QueryAnswer {
  const { kind, epsilon } = spec;
  if (!(epsilon > 0 && Number.isFinite(epsilon))) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `epsilon must be a finite number > 0, got ${epsilon}`,
    );
  }
  for (const c of [spec.column, spec.privacyUnit]) {
    if (c !== undefined && !table.columns.includes(c)) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `no column "${c}" (columns: ${table.columns.join(", ")})`,
      );
    }
  }
  const k = spec.maxContributions ?? 1;
  const unit = spec.privacyUnit;
  const rows =
    unit === undefined
      ? table.rows
      : boundContributions(table.rows, (r) => String(r[unit] ?? ""), k, rng);
  const column = kind === "count" ? spec.column : need(spec.column, "--column");
  // Rows whose cell is empty do not take part.
  const cells =
    column === undefined
      ? rows.map(() => 1 as Cell)
      : rows.map((r) => r[column]).filter((c) => c !== null);
  if (kind === "count")
    return { kind, value: dpCount(cells.length, { epsilon, maxContributions: k }, rs) };
  if (kind === "histogram" && spec.categories !== undefined) {
    const counts = new Map<string, number>();
    for (const c of cells) counts.set(String(c), (counts.get(String(c)) ?? 0) + 1);
    return {
      kind,
      bins: dpHistogram(counts, spec.categories, { epsilon, maxContributions: k }, rs),
    };
  }
  const [lower, upper] = need(spec.bounds, "--bounds L,U");
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower < upper)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `bounds must be finite with L < U, got ${lower},${upper}`,
    );
  }
  const values = cells.map((c) => {
    if (typeof c !== "number") {
      throw new MlsecError(
        "E_DATA_FORMAT",
        `column "${column}" holds a non-number: ${JSON.stringify(c)}`,
      );
    }
    return c;
  });
  const params = { epsilon, maxContributions: k, lower, upper };
  switch (kind) {
    case "sum":
      return { kind, value: dpSum(values, params, rs) };
    case "mean":
      return { kind, value: dpMean(values, params, rs) };
    case "quantile":
      return { kind, value: dpQuantile(values, { ...params, quantile: spec.quantile ?? 0.5 }, rs) };
    case "histogram": {
      const { labels, binOf } = numericBins(lower, upper, spec.bins ?? 10);
      const counts = new Map<string, number>();
      for (const v of values) counts.set(binOf(v), (counts.get(binOf(v)) ?? 0) + 1);
      return { kind, bins: dpHistogram(counts, labels, { epsilon, maxContributions: k }, rs) };
    }
  }
}
