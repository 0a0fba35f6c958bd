// Poisoning defences analyse each label's training samples on their own.

/** Sample indices per label, for labels 0..classes−1. */
export function indicesByClass(labels: Int32Array, classes: number): number[][] {
  const out: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) out[labels[i]]?.push(i);
  return out;
}

/** Rows `indices` of features [n, dim]. */
export function gatherRows(
  features: Float32Array,
  dim: number,
  indices: readonly number[],
): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => {
    out.set(features.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  return out;
}
