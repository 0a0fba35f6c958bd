// Overlap resolution: of overlapping findings the highest score wins, then the longer span, then
// the lower rank (the recognizer listed first), then the earlier finding. A kept finding
// excludes every finding overlapping it; an empty finding overlaps what holds it strictly inside.
// The findings are first cut into clusters, each a run (by start) of findings that start at or
// before the furthest end so far: no overlap crosses a cluster and no start is shared across one,
// so each cluster is resolved alone, and most clusters are a single finding kept as it is.

import type { RawFinding } from "./types.js";

/** Clusters up to this size are resolved by comparing with each kept finding. */
const SMALL_CLUSTER = 16;
/** Sort keys pack start * INDEX_LIMIT + index (exact below 2^53). */
const INDEX_LIMIT = 2 ** 21;
const START_LIMIT = 2 ** 31;

/**
 * Indices of the findings kept, by start, the shorter first at one start (empty findings first),
 * ties in priority order. `scores` and `ranks` (default 0) are per finding.
 */
export function keptIndices(
  findings: readonly RawFinding[],
  scores: ArrayLike<number>,
  ranks?: ArrayLike<number>,
): number[] {
  const order = byStart(findings);
  const kept: number[] = [];
  for (let c = 0; c < order.length; ) {
    let maxEnd = findings[order[c]].end;
    let d = c + 1;
    while (d < order.length && findings[order[d]].start <= maxEnd) {
      maxEnd = Math.max(maxEnd, findings[order[d]].end);
      d++;
    }
    if (d - c === 1) kept.push(order[c]);
    else resolveCluster(findings, order.slice(c, d), scores, ranks, kept);
    c = d;
  }
  return kept;
}

/** Finding indices by start, then index: a native sort of packed numbers where they fit. */
function byStart(findings: readonly RawFinding[]): number[] {
  const n = findings.length;
  let maxStart = 0;
  for (const f of findings) maxStart = Math.max(maxStart, f.start);
  const order: number[] = new Array(n);
  if (n < INDEX_LIMIT && maxStart < START_LIMIT) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = findings[i].start * INDEX_LIMIT + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i] % INDEX_LIMIT;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => findings[a].start - findings[b].start || a - b);
}

/** Resolves one cluster and appends what it keeps to `out`, by start then length. */
function resolveCluster(
  findings: readonly RawFinding[],
  members: number[],
  scores: ArrayLike<number>,
  ranks: ArrayLike<number> | undefined,
  out: number[],
): void {
  const length = (i: number) => findings[i].end - findings[i].start;
  members.sort(
    (a, b) =>
      scores[b] - scores[a] ||
      length(b) - length(a) ||
      (ranks === undefined ? 0 : ranks[a] - ranks[b]) ||
      a - b,
  );
  const kept =
    members.length <= SMALL_CLUSTER
      ? greedyByComparison(findings, members)
      : greedyByPositionSets(findings, members);
  kept.sort((a, b) => findings[a].start - findings[b].start || length(a) - length(b));
  for (const i of kept) out.push(i);
}

/** Whether findings i and j overlap (two empty findings never do). */
function meets(findings: readonly RawFinding[], i: number, j: number): boolean {
  const f = findings[i];
  const g = findings[j];
  if (g.start === g.end) return f.start < g.start && g.start < f.end;
  if (f.start === f.end) return g.start < f.start && f.start < g.end;
  return g.start < f.end && f.start < g.end;
}

/** The greedy pass over a few findings (in priority order): each tested against those kept. */
function greedyByComparison(findings: readonly RawFinding[], members: readonly number[]): number[] {
  const kept: number[] = [];
  for (const i of members) {
    if (!kept.some((j) => meets(findings, i, j))) kept.push(i);
  }
  return kept;
}

/**
 * The greedy pass over many findings (in priority order): kept positions are bits of sets over
 * the cluster's range, so each test costs the finding's length, not the number kept.
 */
function greedyByPositionSets(
  findings: readonly RawFinding[],
  members: readonly number[],
): number[] {
  let origin = Number.POSITIVE_INFINITY;
  let limit = 0;
  for (const i of members) {
    origin = Math.min(origin, findings[i].start);
    limit = Math.max(limit, findings[i].end);
  }
  const size = limit - origin + 1;
  const covered = new PositionSet(origin, size); // positions inside kept findings
  const starts = new PositionSet(origin, size); // where kept findings start
  const empties = new PositionSet(origin, size); // where kept empty findings are
  const kept: number[] = [];
  for (const i of members) {
    const f = findings[i];
    if (f.start < f.end) {
      // Overlaps a kept finding, or holds a kept empty one strictly inside.
      if (covered.hasAny(f.start, f.end) || empties.hasAny(f.start + 1, f.end)) continue;
      covered.add(f.start, f.end);
      starts.add(f.start);
    } else {
      // Strictly inside a kept finding: the positions on both sides belong to it.
      const p = f.start;
      if (p > origin && covered.has(p - 1) && covered.has(p) && !starts.has(p)) continue;
      empties.add(p);
    }
    kept.push(i);
  }
  return kept;
}

/** A set of text positions, one bit each, over [origin, origin + size). */
class PositionSet {
  private readonly bits: Uint32Array;

  constructor(
    private readonly origin: number,
    size: number,
  ) {
    this.bits = new Uint32Array((size >>> 5) + 1);
  }

  has(position: number): boolean {
    const i = position - this.origin;
    return (this.bits[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Whether any position in [start, end) is in the set (a word of 32 at a time). */
  hasAny(start: number, end: number): boolean {
    let i = start - this.origin;
    const stop = end - this.origin;
    while (i < stop) {
      if ((i & 31) === 0 && stop - i >= 32) {
        if (this.bits[i >>> 5] !== 0) return true;
        i += 32;
      } else {
        if ((this.bits[i >>> 5] & (1 << (i & 31))) !== 0) return true;
        i++;
      }
    }
    return false;
  }

  add(start: number, end = start + 1): void {
    for (let i = start - this.origin, stop = end - this.origin; i < stop; i++) {
      this.bits[i >>> 5] |= 1 << (i & 31);
    }
  }
}

/**
 * Greedy overlap resolution of whole findings, as the analyzer does it: `priority` ranks
 * findings of equal score and length (lower first).
 */
export function resolveOverlaps<T extends RawFinding>(
  findings: readonly T[],
  priority: (f: T) => number = () => 0,
): T[] {
  const scores = findings.map((f) => f.score);
  const ranks = findings.map(priority);
  return keptIndices(findings, scores, ranks).map((i) => findings[i]);
}
