// A DP query over a table: pick the column, bound each privacy unit's contribution, run the
// aggregate, optionally per group of a public list (GROUP BY over a public partition: after
// bounding, one unit's k rows touch at most k groups, and the noise of every group is scaled to
// k, so the whole answer is epsilon-DP; Wilson et al. 2020, §3). Pure: the caller spends the
// budget (ledger) before releasing the answer.

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
  /** Column to group by; `groups` lists the public groups reported (others are dropped). */
  readonly groupBy?: string;
  readonly groups?: readonly string[];
}

export interface GroupValue {
  readonly group: string;
  readonly value: number;
}

/** Bound on the public groups of one query. */
export const MAX_GROUPS = 10_000;

type ScalarKind = "count" | "sum" | "mean" | "quantile";

export type QueryAnswer =
  | { readonly kind: ScalarKind; readonly value: number }
  | { readonly kind: ScalarKind; readonly groups: readonly GroupValue[] }
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
  for (const c of [spec.column, spec.privacyUnit, spec.groupBy]) {
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
  if (kind !== "count" && spec.column === undefined) {
    throw new MlsecError("E_INVALID_ARGUMENT", "this query needs --column");
  }
  const groupBy = spec.groupBy;
  if (groupBy === undefined) return aggregate(rows, spec, k, rs);
  if (kind === "histogram") {
    throw new MlsecError("E_INVALID_ARGUMENT", "a histogram takes no --group-by");
  }
  const groups = need(spec.groups, "--groups (the public list of groups)");
  if (groups.length === 0 || groups.length > MAX_GROUPS || new Set(groups).size !== groups.length) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `--groups must list 1..${MAX_GROUPS} distinct groups, got ${groups.length}`,
    );
  }
  const byGroup = new Map<string, Row[]>(groups.map((g) => [g, []]));
  for (const r of rows) byGroup.get(String(r[groupBy] ?? ""))?.push(r);
  return {
    kind,
    groups: groups.map((group) => {
      const answer = aggregate(byGroup.get(group) ?? [], spec, k, rs);
      return { group, value: "value" in answer ? answer.value : Number.NaN };
    }),
  };
}

type Row = Readonly<Record<string, Cell>>;

/** One aggregate over (bounded) rows. */
function aggregate(
  rows: readonly Row[],
  spec: QuerySpec,
  k: number,
  rs: RandomSource,
): QueryAnswer {
  const { kind, epsilon } = spec;
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
