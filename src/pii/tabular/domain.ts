// Quasi-identifier domains for tabular anonymization: how a column's values are ordered (for
// Mondrian's median splits), shown once generalized (ranges, date periods, masked prefixes, tree
// ancestors, small sets) and charged in Normalized Certainty Penalty (Xu et al., "Utility-based
// anonymization using local recoding", KDD 2006: the share of the domain a cell now covers).

import { MlsecError } from "../../core/index.js";

export type DomainKind = "numeric" | "date" | "prefix" | "tree" | "categorical";

/** A user-given generalization tree: each leaf value with its ancestors, nearest first. */
export type TreeHierarchy = ReadonlyMap<string, readonly string[]>;

export interface DomainSpec {
  readonly kind?: DomainKind;
  /** For kind "tree": leaf → [parent, grandparent, …] (the last is usually "*"). */
  readonly tree?: TreeHierarchy;
}

/** One quasi-identifier column, its values encoded as ordinals. */
export interface Domain {
  readonly name: string;
  readonly kind: DomainKind;
  /** Per row: the ordinal of its value (number, epoch day, or rank in `values`). */
  readonly ordinal: Float64Array;
  /** Distinct values in ordinal order (rank kinds), or sorted distinct numbers as text. */
  readonly values: readonly string[];
  /** Smallest and largest ordinal of the whole column. */
  readonly min: number;
  readonly max: number;
  readonly tree?: TreeHierarchy;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function epochDay(value: string): number | undefined {
  const m = ISO_DATE.exec(value);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return t / DAY_MS;
}

export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function inferKind(cells: readonly string[]): DomainKind {
  if (cells.every((c) => NUMBER.test(c))) return "numeric";
  if (cells.every((c) => epochDay(c) !== undefined)) return "date";
  return "categorical";
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes one column. Empty cells are refused: a missing quasi-identifier cannot be ranged. */
export function buildDomain(name: string, cells: readonly string[], spec: DomainSpec = {}): Domain {
  const empty = cells.indexOf("");
  if (empty >= 0) {
    throw new MlsecError(
      "E_DATA_FORMAT",
      `quasi-identifier "${name}" is empty in data row ${empty + 1}`,
      { hint: "Fill or drop rows with missing quasi-identifiers before anonymizing." },
    );
  }
  const kind = spec.kind ?? (spec.tree === undefined ? inferKind(cells) : "tree");
  const ordinal = new Float64Array(cells.length);
  let values: string[];
  if (kind === "numeric" || kind === "date") {
    cells.forEach((c, i) => {
      const v = kind === "numeric" && NUMBER.test(c) ? Number(c) : epochDay(c);
      if (v === undefined || !Number.isFinite(v)) {
        throw new MlsecError(
          "E_DATA_FORMAT",
          `quasi-identifier "${name}" row ${i + 1}: ${JSON.stringify(c)} is not ${kind === "numeric" ? "a number" : "an ISO date (YYYY-MM-DD)"}`,
        );
      }
      ordinal[i] = v;
    });
    values = [];
  } else {
    const distinct = [...new Set(cells)];
    if (kind === "tree") {
      const tree = spec.tree;
      if (tree === undefined) {
        throw new MlsecError("E_INVALID_ARGUMENT", `"${name}" is a tree domain without a tree`);
      }
      const missing = distinct.find((v) => !tree.has(v));
      if (missing !== undefined) {
        throw new MlsecError(
          "E_PII_CONFIG",
          `the hierarchy of "${name}" has no leaf ${JSON.stringify(missing)}`,
          { hint: "List every value of the column as a leaf of its hierarchy file." },
        );
      }
      // Siblings next to each other: order leaves by their path from the root.
      const path = (v: string) => [...(tree.get(v) ?? [])].reverse().concat(v).join("\u0000");
      distinct.sort((a, b) => compareText(path(a), path(b)));
    } else {
      distinct.sort(compareText);
    }
    values = distinct;
    const rank = new Map(distinct.map((v, i) => [v, i]));
    cells.forEach((c, i) => {
      ordinal[i] = rank.get(c)!;
    });
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of ordinal) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { name, kind, ordinal, values, min, max, ...(spec.tree ? { tree: spec.tree } : {}) };
}

/** A generalized cell: what is published and the NCP it costs (0 exact … 1 fully hidden). */
export interface Generalized {
  readonly text: string;
  readonly penalty: number;
}

const SET_LIMIT = 4;

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Generalizes the values of `domain` whose ordinals lie in [lo, hi] to one published cell. */
export function generalizeRange(domain: Domain, lo: number, hi: number): Generalized {
  const span = domain.max - domain.min;
  switch (domain.kind) {
    case "numeric":
      return {
        text: lo === hi ? formatNumber(lo) : `[${formatNumber(lo)}, ${formatNumber(hi)}]`,
        penalty: span === 0 ? 0 : (hi - lo) / span,
      };
    case "date": {
      const [a, b] = [dayToIso(lo), dayToIso(hi)];
      const text =
        a === b
          ? a
          : a.slice(0, 7) === b.slice(0, 7)
            ? a.slice(0, 7)
            : a.slice(0, 4) === b.slice(0, 4)
              ? a.slice(0, 4)
              : `[${a}, ${b}]`;
      return { text, penalty: span === 0 ? 0 : (hi - lo) / span };
    }
    case "prefix": {
      // Values are sorted, so the longest prefix shared by ranks lo…hi is that of the two ends.
      const keep = commonPrefix(domain.values[lo], domain.values[hi]);
      return generalizeByPrefix(domain, domain.values[lo].slice(0, keep), prefixWidth(domain));
    }
    case "tree":
      return generalizeTree(domain, lo, hi);
    case "categorical": {
      if (lo === hi) return { text: domain.values[lo], penalty: 0 };
      const count = hi - lo + 1;
      // A set that is the whole domain says nothing more than "*".
      const asSet = count <= SET_LIMIT && count < domain.values.length;
      const text = asSet ? `{${domain.values.slice(lo, hi + 1).join("|")}}` : "*";
      const covered = asSet ? count : domain.values.length;
      return { text, penalty: (covered - 1) / Math.max(1, domain.values.length - 1) };
    }
  }
}

const widths = new WeakMap<Domain, number>();

/** The longest value of a prefix domain: masked cells are padded to it. */
export function prefixWidth(domain: Domain): number {
  let w = widths.get(domain);
  if (w === undefined) {
    w = 0;
    for (const v of domain.values) w = Math.max(w, v.length);
    widths.set(domain, w);
  }
  return w;
}

/** First rank in the sorted `values` not below `key` (binary search). */
function lowerBound(values: readonly string[], key: string): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A prefix kept and the rest masked with '*' up to `width` characters. */
export function generalizeByPrefix(domain: Domain, prefix: string, width: number): Generalized {
  const text = prefix.padEnd(width, "*");
  if (prefix.length === width) return { text, penalty: 0 };
  // The values starting with the prefix are one run of the sorted domain.
  const covered = lowerBound(domain.values, `${prefix}\uffff`) - lowerBound(domain.values, prefix);
  return { text, penalty: (covered - 1) / Math.max(1, domain.values.length - 1) };
}

/**
 * The lowest common ancestor of the leaves with ranks lo…hi. Leaves are sorted by their path
 * from the root, so the ancestor shared by the two ends is shared by all between them.
 */
function generalizeTree(domain: Domain, lo: number, hi: number): Generalized {
  const tree = domain.tree!;
  if (lo === hi) return { text: domain.values[lo], penalty: 0 };
  const last = new Set(tree.get(domain.values[hi]) ?? []);
  const ancestor = (tree.get(domain.values[lo]) ?? []).find((a) => last.has(a)) ?? "*";
  return { text: ancestor, penalty: treePenalty(domain, ancestor) };
}

/** NCP of a tree node: the share of the column's leaves below it (0 for a leaf itself). */
export function treePenalty(domain: Domain, node: string): number {
  let leaves = leavesBelow.get(domain);
  if (leaves === undefined) {
    leaves = new Map();
    for (const v of domain.values) {
      for (const a of new Set([v, ...(domain.tree?.get(v) ?? [])])) {
        leaves.set(a, (leaves.get(a) ?? 0) + 1);
      }
    }
    leavesBelow.set(domain, leaves);
  }
  const below = leaves.get(node) ?? 0;
  return below <= 1 ? 0 : (below - 1) / Math.max(1, domain.values.length - 1);
}

const leavesBelow = new WeakMap<Domain, Map<string, number>>();

/**
 * Parses a hierarchy file in ARX's layout: one row per leaf, the leaf first, then its ancestors
 * from the nearest to the root (e.g. `flu,respiratory,disease,*`).
 */
export function parseTreeHierarchy(records: readonly (readonly string[])[]): TreeHierarchy {
  const tree = new Map<string, string[]>();
  records.forEach((r, i) => {
    const cells = r.map((c) => c.trim());
    if (cells.length < 2 || cells[0] === "") {
      throw new MlsecError(
        "E_PII_CONFIG",
        `hierarchy row ${i + 1} needs a leaf and at least one ancestor`,
      );
    }
    if (tree.has(cells[0])) {
      throw new MlsecError("E_PII_CONFIG", `hierarchy row ${i + 1}: leaf "${cells[0]}" repeated`);
    }
    tree.set(cells[0], cells.slice(1));
  });
  const depths = new Set([...tree.values()].map((a) => a.length));
  if (depths.size > 1) {
    throw new MlsecError("E_PII_CONFIG", "every hierarchy row must have the same number of levels");
  }
  return tree;
}
