// BadNets-style backdoor poisoning, to test poisoning defences: Gu, Dolan-Gavitt & Garg,
// "BadNets: Identifying Vulnerabilities in the Machine Learning Model Supply Chain" (2017),
// §3: a small pixel pattern stamped on a share of the training images, whose labels are set to
// the attacker's target class.

import { MlsecError, type Rng, type Tensor } from "../../core/index.js";

export type TriggerPattern = "square" | "checkerboard";

export interface BackdoorOptions {
  readonly targetClass: number;
  /**
   * Poisoned share of the whole dataset, in (0, 1]; the samples are drawn from those not already
   * of the target class (and of the source class, when given), so a rate above their share
   * poisons all of them (a triggered test set).
   */
  readonly rate: number;
  /** Poison only samples of this class (a source-to-target backdoor, as Tran et al. evaluate). */
  readonly sourceClass?: number;
  /** Side of the square trigger patch, in pixels (default 3). */
  readonly patchSize?: number;
  /** "square" (all pixels at `value`) or "checkerboard" (alternating value and the low bound). */
  readonly pattern?: TriggerPattern;
  /** Trigger pixel value (default: the upper input bound). */
  readonly value?: number;
  /** Margin from the bottom-right corner, in pixels (default 1). */
  readonly margin?: number;
  readonly bounds: readonly [number, number];
  readonly rng: Rng;
}

export interface PoisonedDataset {
  readonly x: Tensor;
  readonly y: Int32Array;
  /** 1 for every poisoned sample. */
  readonly poisoned: Uint8Array;
}

/** Stamps the trigger on sample `i` of images [N, C, H, W] or [N, H, W], in place. */
function stamp(
  data: Float32Array,
  shape: readonly number[],
  i: number,
  o: Required<Pick<BackdoorOptions, "patchSize" | "pattern" | "margin">> & {
    value: number;
    low: number;
  },
): void {
  const [channels, height, width] = shape.length === 4 ? shape.slice(1) : [1, shape[1], shape[2]];
  const plane = height * width;
  const top = height - o.margin - o.patchSize;
  const left = width - o.margin - o.patchSize;
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < o.patchSize; r++) {
      for (let q = 0; q < o.patchSize; q++) {
        const on = o.pattern === "square" || (r + q) % 2 === 0;
        data[(i * channels + c) * plane + (top + r) * width + left + q] = on ? o.value : o.low;
      }
    }
  }
}

export function poisonBackdoor(
  x: Tensor,
  y: Int32Array,
  options: BackdoorOptions,
): PoisonedDataset {
  const n = y.length;
  if (x.shape[0] !== n) {
    throw new MlsecError("E_SHAPE_MISMATCH", `x has ${x.shape[0]} samples but y has ${n} labels`);
  }
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `a trigger patch needs images [N, C, H, W] or [N, H, W], got [${x.shape}]`,
    );
  }
  if (!(options.rate > 0 && options.rate <= 1)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `poison rate must lie in (0, 1], got ${options.rate}`,
    );
  }
  const patchSize = options.patchSize ?? 3;
  const margin = options.margin ?? 1;
  const [height, width] = x.shape.slice(-2);
  if (
    !Number.isInteger(patchSize) ||
    patchSize < 1 ||
    !Number.isInteger(margin) ||
    margin < 0 ||
    patchSize + margin > Math.min(height, width)
  ) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `a ${patchSize}x${patchSize} patch ${margin} pixels from the corner does not fit ${height}x${width} images`,
    );
  }
  const [lo, hi] = options.bounds;
  const value = options.value ?? hi;
  if (!Number.isFinite(value) || value < lo || value > hi) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `trigger value ${value} lies outside the bounds [${lo}, ${hi}]`,
    );
  }
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) {
    if (y[i] !== options.targetClass && (options.sourceClass ?? y[i]) === y[i]) eligible.push(i);
  }
  const count = Math.min(eligible.length, Math.round(options.rate * n));
  if (count === 0) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `a rate of ${options.rate} poisons no sample of ${eligible.length} eligible`,
    );
  }
  options.rng.shuffle(eligible);
  const data = x.data.slice();
  const labels = y.slice();
  const poisoned = new Uint8Array(n);
  const trigger = {
    patchSize,
    margin,
    pattern: options.pattern ?? "square",
    value,
    low: Number.isFinite(lo) ? lo : 0,
  };
  for (const i of eligible.slice(0, count)) {
    stamp(data, x.shape, i, trigger);
    labels[i] = options.targetClass;
    poisoned[i] = 1;
  }
  return { x: { shape: [...x.shape], data }, y: labels, poisoned };
}
