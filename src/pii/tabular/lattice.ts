// Optimal full-domain generalization over small hierarchies, as ARX's lattice search (Kohlmayer
// et al., "Flash: efficient, stable and optimal k-anonymity", PASSAT 2012) finds it: every
// combination of one generalization level per quasi-identifier is a lattice node; classes that
// miss the privacy model are suppressed (up to a budget); the node with the least information
// loss (NCP, suppressed cells fully charged) wins. The lattice is searched exhaustively, which is
// optimal by construction and affordable for the small hierarchies this mode is meant for.

import { MlsecError } from "../../core/index.js";
import {
  type Domain,
  dayToIso,
  type Generalized,
  generalizeByPrefix,
  treePenalty,
} from "./domain.js";
import type { ClassChecker } from "./models.js";

/** One generalization level of one column: a group id per row and what each group publishes. */
export interface Level {
  readonly ids: Int32Array;
  readonly cells: readonly Generalized[];
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6);
}

/** 1, 2 or 5 times a power of ten, at least x. */
function niceWidth(x: number): number {
  const e = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * e).find((w) => w >= x) ?? 10 * e;
}

function levelFrom(
  rowCount: number,
  cellOf: (row: number) => { key: string; make: () => Generalized },
): Level {
  const ids = new Int32Array(rowCount);
  const index = new Map<string, number>();
  const cells: Generalized[] = [];
  for (let r = 0; r < rowCount; r++) {
    const { key, make } = cellOf(r);
    let id = index.get(key);
    if (id === undefined) {
      id = cells.length;
      index.set(key, id);
      cells.push(make());
    }
    ids[r] = id;
  }
  return { ids, cells };
}

/** The generalization levels of a column, from exact values to fully hidden. */
export function domainLevels(domain: Domain, rowCount: number): Level[] {
  const ord = domain.ordinal;
  const span = domain.max - domain.min;
  const star = (): Level => ({ ids: new Int32Array(rowCount), cells: [{ text: "*", penalty: 1 }] });
  const exactText = (r: number) =>
    domain.kind === "numeric"
      ? formatNumber(ord[r])
      : domain.kind === "date"
        ? dayToIso(ord[r])
        : domain.values[ord[r]];
  const levels: Level[] = [
    levelFrom(rowCount, (r) => ({
      key: exactText(r),
      make: () => ({ text: exactText(r), penalty: 0 }),
    })),
  ];
  if (span === 0) return levels;
  switch (domain.kind) {
    case "numeric": {
      for (let width = niceWidth(span / 32); width < span; width *= 2) {
        const base = Math.floor(domain.min / width) * width;
        levels.push(
          levelFrom(rowCount, (r) => {
            const lo = base + Math.floor((ord[r] - base) / width) * width;
            return {
              key: String(lo),
              make: () => ({
                text: `[${formatNumber(lo)}, ${formatNumber(lo + width)})`,
                penalty: Math.min(1, width / span),
              }),
            };
          }),
        );
      }
      break;
    }
    case "date": {
      const periods: [number, (iso: string) => string][] = [
        [30, (iso) => iso.slice(0, 7)],
        [365, (iso) => iso.slice(0, 4)],
        [3652, (iso) => `${iso.slice(0, 3)}0s`],
      ];
      for (const [days, label] of periods) {
        if (days >= span) break;
        levels.push(
          levelFrom(rowCount, (r) => {
            const text = label(dayToIso(ord[r]));
            return { key: text, make: () => ({ text, penalty: Math.min(1, days / span) }) };
          }),
        );
      }
      break;
    }
    case "prefix": {
      const width = Math.max(...domain.values.map((v) => v.length));
      for (let masked = 1; masked < width; masked++) {
        levels.push(
          levelFrom(rowCount, (r) => {
            const v = domain.values[ord[r]];
            const prefix = v.slice(0, Math.max(0, v.length - masked));
            return { key: prefix, make: () => generalizeByPrefix(domain, prefix, width) };
          }),
        );
      }
      break;
    }
    case "tree": {
      const depth = domain.tree!.get(domain.values[0])!.length;
      for (let d = 0; d < depth; d++) {
        levels.push(
          levelFrom(rowCount, (r) => {
            const node = domain.tree!.get(domain.values[ord[r]])![d];
            return { key: node, make: () => ({ text: node, penalty: treePenalty(domain, node) }) };
          }),
        );
      }
      // A tree ending in "*" already hides everything; no extra level.
      if (levels[levels.length - 1].cells.length === 1) return levels;
      break;
    }
    case "categorical":
      break;
  }
  levels.push(star());
  return levels;
}

export interface LatticeResult {
  /** The chosen level per quasi-identifier. */
  readonly node: readonly number[];
  readonly classes: Int32Array[];
  readonly suppressed: Int32Array;
  readonly cell: (row: number, q: number) => Generalized;
  readonly nodesEvaluated: number;
  readonly ncp: number;
}

/** Lattice nodes × rows above which the exhaustive search is refused (use Mondrian). */
export const MAX_LATTICE_WORK = 200_000_000;

export function latticeSearch(
  domains: readonly Domain[],
  rowCount: number,
  checker: ClassChecker,
  maxSuppressed: number,
): LatticeResult {
  const levels = domains.map((d) => domainLevels(d, rowCount));
  const nodes = levels.reduce((n, l) => n * l.length, 1);
  if (nodes * rowCount * domains.length > MAX_LATTICE_WORK) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `the generalization lattice has ${nodes} nodes; searching it over ${rowCount} rows is too much work`,
      { hint: "Use --algorithm mondrian, fewer quasi-identifiers or shallower hierarchies." },
    );
  }
  let best: Omit<LatticeResult, "nodesEvaluated" | "cell"> | undefined;
  const node = new Array<number>(domains.length).fill(0);
  for (let n = 0; n < nodes; n++) {
    let rest = n;
    for (let q = 0; q < domains.length; q++) {
      node[q] = rest % levels[q].length;
      rest = Math.floor(rest / levels[q].length);
    }
    const chosen = node.map((lv, q) => levels[q][lv]);
    const groups = new Map<string, number[]>();
    for (let r = 0; r < rowCount; r++) {
      let key = "";
      for (const l of chosen) key += `${l.ids[r]},`;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [r]);
      else g.push(r);
    }
    const classes: Int32Array[] = [];
    const suppressed: number[] = [];
    for (const g of groups.values()) {
      const rows = Int32Array.from(g);
      if (checker.satisfies(rows)) classes.push(rows);
      else suppressed.push(...g);
    }
    if (suppressed.length > maxSuppressed) continue;
    let penalty = suppressed.length * domains.length;
    for (const c of classes) {
      for (const r of c) for (const l of chosen) penalty += l.cells[l.ids[r]].penalty;
    }
    const ncp = rowCount === 0 ? 0 : penalty / (rowCount * domains.length);
    if (best === undefined || ncp < best.ncp - 1e-12) {
      best = { node: [...node], classes, suppressed: Int32Array.from(suppressed), ncp };
    }
  }
  if (best === undefined) {
    throw new MlsecError(
      "E_PII_ANONYMITY",
      `no generalization satisfies the privacy model within the suppression limit of ${maxSuppressed} record(s)`,
      { hint: "Allow more suppression (--max-suppression), lower k/l or raise t." },
    );
  }
  const chosen = best.node.map((lv, q) => levels[q][lv]);
  return {
    ...best,
    nodesEvaluated: nodes,
    cell: (row, q) => chosen[q].cells[chosen[q].ids[row]],
  };
}
