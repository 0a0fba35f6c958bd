// Mondrian multidimensional partitioning (LeFevre, DeWitt and Ramakrishnan, "Mondrian
// Multidimensional K-Anonymity", ICDE 2006): split a partition at the median of its widest
// (normalized) quasi-identifier while both halves still satisfy the privacy model; strict
// partitioning, medians by quickselect, so each level of the recursion costs O(n).

import type { Domain } from "./domain.js";
import type { ClassChecker } from "./models.js";

/** Lower median of `values` (reordered in place): Hoare's quickselect. */
function median(values: Float64Array): number {
  let lo = 0;
  let hi = values.length - 1;
  const k = (values.length - 1) >> 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k];
}

/** Splits `rows` on `domain` at `cut`: rows with ordinal ≤ cut (or < cut) first. */
function splitAt(rows: Int32Array, ord: Float64Array, cut: number, inclusive: boolean) {
  const left: number[] = [];
  const right: number[] = [];
  for (const r of rows) {
    if (inclusive ? ord[r] <= cut : ord[r] < cut) left.push(r);
    else right.push(r);
  }
  return [Int32Array.from(left), Int32Array.from(right)] as const;
}

export interface MondrianOptions {
  /** Called with the number of final classes found so far (for progress bars). */
  readonly onClass?: (classes: number) => void;
}

/** Partitions all rows into classes that each satisfy the checker's model. */
export function mondrian(
  domains: readonly Domain[],
  rowCount: number,
  checker: ClassChecker,
  options: MondrianOptions = {},
): Int32Array[] {
  const all = new Int32Array(rowCount);
  for (let i = 0; i < rowCount; i++) all[i] = i;
  const classes: Int32Array[] = [];
  const stack: Int32Array[] = [all];
  while (stack.length > 0) {
    const rows = stack.pop()!;
    const halves = bestSplit(domains, rows, checker);
    if (halves === undefined) {
      classes.push(rows);
      options.onClass?.(classes.length);
    } else {
      stack.push(halves[1], halves[0]);
    }
  }
  return classes;
}

function bestSplit(
  domains: readonly Domain[],
  rows: Int32Array,
  checker: ClassChecker,
): readonly [Int32Array, Int32Array] | undefined {
  if (rows.length < 2 * checker.model.k) return undefined;
  const widths = domains.map((d, index) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      const v = d.ordinal[r];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = d.max - d.min;
    return { index, width: span === 0 ? 0 : (max - min) / span, max };
  });
  widths.sort((a, b) => b.width - a.width || a.index - b.index);
  for (const { index, width, max } of widths) {
    if (width === 0) break;
    const ord = domains[index].ordinal;
    const values = Float64Array.from(rows, (r) => ord[r]);
    const cut = median(values);
    // The median equals the maximum when many rows tie on it: split below it instead.
    const [left, right] = splitAt(rows, ord, cut, cut < max);
    if (left.length === 0 || right.length === 0) continue;
    if (checker.satisfies(left) && checker.satisfies(right)) return [left, right];
  }
  return undefined;
}
