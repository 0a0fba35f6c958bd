// Minimal-norm step from a point p onto the hyperplane {z : <w, z> = <w, p> + r} inside the box
// [lo, hi]^d, for L∞ and L2 (Croce & Hein 2020, "Minimally distorted adversarial examples with a
// fast adaptive boundary attack", §3.1 and Prop. 3.1: the projection onto the intersection of a
// hyperplane and a box). With w_j r ≥ 0 oriented so the step must raise <w, ·> by |r|, every
// coordinate moves toward sign(w_j) by m_j(t) = min(t·s_j, room_j), where s_j = 1 (L∞: one
// common radius t) or |w_j| (L2: δ = clip(t·w), the KKT solution). The gain Σ |w_j| m_j(t) is
// piecewise linear and increasing in t, so sorting the breakpoints room_j / s_j finds the t that
// gives exactly |r|. If no t in the box reaches it, the step goes as far as the box allows.

export type HyperplaneNorm = "inf" | "2";

/**
 * Writes into `out` the smallest-norm delta with <w, delta> = r and lo ≤ p + delta ≤ hi
 * (or the box corner that gets closest when that is infeasible). Returns its norm.
 */
export function projectOntoHyperplaneInBox(
  p: ArrayLike<number>,
  w: ArrayLike<number>,
  r: number,
  bounds: readonly [number, number],
  norm: HyperplaneNorm,
  out: Float64Array,
): number {
  const d = p.length;
  out.fill(0, 0, d);
  if (r === 0 || !Number.isFinite(r)) return 0;
  const orientation = r > 0 ? 1 : -1;
  const need = Math.abs(r);
  const [lo, hi] = bounds;
  const breakpoints: number[] = [];
  const coords: number[] = [];
  let slope = 0;
  for (let j = 0; j < d; j++) {
    const a = orientation * w[j];
    if (a === 0) continue;
    const room = Math.max(0, a > 0 ? hi - p[j] : p[j] - lo);
    const s = norm === "inf" ? 1 : Math.abs(a);
    // A subnormal weight reaches its room only at an overflowing t (and moves <w, δ> by less
    // than the smallest double): it takes no part, instead of coming out as ±Infinity.
    if (!Number.isFinite(room / s)) continue;
    coords.push(j);
    breakpoints.push(room / s);
    slope += Math.abs(a) * s;
  }
  const order = Array.from(coords.keys()).sort((u, v) => breakpoints[u] - breakpoints[v]);
  // gain(t) = fixed + t · slope, where fixed sums the coordinates already at their room.
  let fixed = 0;
  let t = Number.POSITIVE_INFINITY;
  for (const k of order) {
    const j = coords[k];
    const a = Math.abs(w[j]);
    const s = norm === "inf" ? 1 : a;
    if (fixed + breakpoints[k] * slope >= need) {
      t = slope > 0 ? (need - fixed) / slope : breakpoints[k];
      break;
    }
    fixed += a * breakpoints[k] * s;
    slope -= a * s;
  }
  let size = 0;
  for (let k = 0; k < coords.length; k++) {
    const j = coords[k];
    const a = orientation * w[j];
    const s = norm === "inf" ? 1 : Math.abs(a);
    const magnitude = Math.min(t * s, breakpoints[k] * s);
    out[j] = a > 0 ? magnitude : -magnitude;
    size = norm === "inf" ? Math.max(size, magnitude) : size + magnitude * magnitude;
  }
  return norm === "inf" ? size : Math.sqrt(size);
}
