// Learning-rate schedules as plain data, evaluated per optimiser step: constant, step decay,
// cosine annealing (Loshchilov & Hutter 2017, "SGDR", eq. 5, without restarts) and one-cycle
// (Smith & Topin 2019, "Super-Convergence", §3, with cosine phases as in torch OneCycleLR),
// each optionally after a linear warm-up (Goyal et al. 2017, "Accurate, Large Minibatch SGD", §2.2).

import { MlsecError } from "../../core/index.js";

export type LrSchedule =
  | { readonly type: "constant"; readonly warmupEpochs?: number }
  | {
      readonly type: "step";
      /** Multiply the rate by `gamma` every `stepEpochs` epochs. */
      readonly stepEpochs: number;
      readonly gamma?: number;
      readonly warmupEpochs?: number;
    }
  | {
      readonly type: "cosine";
      /** Final rate as a fraction of the base rate (default 0). */
      readonly minFactor?: number;
      readonly warmupEpochs?: number;
    }
  | {
      readonly type: "one-cycle";
      /** Fraction of all steps spent rising to the peak (default 0.3). */
      readonly pctStart?: number;
      /** Start rate = peak / divFactor (default 25). */
      readonly divFactor?: number;
      /** End rate = start rate / finalDivFactor (default 1e4). */
      readonly finalDivFactor?: number;
    };

export const SCHEDULE_TYPES = ["constant", "step", "cosine", "one-cycle"] as const;

export interface ScheduleClock {
  /** Steps done so far (0 for the first step). */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
}

const cosineBetween = (from: number, to: number, fraction: number) =>
  to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, fraction))))) / 2;

export function validateSchedule(schedule: LrSchedule): void {
  const bad = (message: string) => new MlsecError("E_TRAINING", `schedule: ${message}`);
  if ("warmupEpochs" in schedule && schedule.warmupEpochs !== undefined) {
    if (!(schedule.warmupEpochs >= 0)) throw bad("warmupEpochs must be ≥ 0");
  }
  switch (schedule.type) {
    case "constant":
      return;
    case "step":
      if (!(schedule.stepEpochs > 0)) throw bad("stepEpochs must be > 0");
      if (schedule.gamma !== undefined && !(schedule.gamma > 0 && schedule.gamma <= 1)) {
        throw bad("gamma must be in (0, 1]");
      }
      return;
    case "cosine":
      if (schedule.minFactor !== undefined && !(schedule.minFactor >= 0 && schedule.minFactor <= 1))
        throw bad("minFactor must be in [0, 1]");
      return;
    case "one-cycle": {
      const { pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = schedule;
      if (!(pctStart > 0 && pctStart < 1)) throw bad("pctStart must be in (0, 1)");
      if (!(divFactor >= 1) || !(finalDivFactor >= 1)) throw bad("div factors must be ≥ 1");
      return;
    }
    default:
      throw bad(`unknown type "${(schedule as { type: string }).type}"`);
  }
}

/** The learning rate for the step `clock.step`, given the base (peak) rate. */
export function learningRate(schedule: LrSchedule, baseLr: number, clock: ScheduleClock): number {
  const { step, stepsPerEpoch, totalSteps } = clock;
  if (schedule.type === "one-cycle") {
    const { pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = schedule;
    const start = baseLr / divFactor;
    const end = start / finalDivFactor;
    const peakStep = Math.max(1, pctStart * totalSteps);
    if (step < peakStep) return cosineBetween(start, baseLr, step / peakStep);
    return cosineBetween(baseLr, end, (step - peakStep) / Math.max(1, totalSteps - peakStep));
  }
  const warmupSteps = (schedule.warmupEpochs ?? 0) * stepsPerEpoch;
  if (step < warmupSteps) return (baseLr * (step + 1)) / (warmupSteps + 1);
  switch (schedule.type) {
    case "constant":
      return baseLr;
    case "step": {
      const epoch = Math.floor(step / stepsPerEpoch);
      return baseLr * (schedule.gamma ?? 0.1) ** Math.floor(epoch / schedule.stepEpochs);
    }
    case "cosine": {
      const span = Math.max(1, totalSteps - warmupSteps);
      const min = baseLr * (schedule.minFactor ?? 0);
      return cosineBetween(baseLr, min, (step - warmupSteps) / span);
    }
  }
}
