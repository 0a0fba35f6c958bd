// `mlsec privacy epsilon|noise`: differential-privacy accounting for DP-SGD-style training
// (issue 6): the epsilon spent by the Poisson-subsampled Gaussian mechanism, and its inverse.
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit } from "../output.js";
import { action, MlsecError } from "../runner.js";

const ACCOUNTANTS = ["rdp", "pld"] as const;
const CONVERSIONS = ["improved", "classic"] as const;

interface AccountingFlags {
  delta: number;
  samplingRate: number;
  steps: number;
  accountant: (typeof ACCOUNTANTS)[number];
  conversion?: (typeof CONVERSIONS)[number];
  interval?: number;
}

function checkFlags(flags: AccountingFlags): void {
  if (flags.accountant === "pld" && flags.conversion !== undefined) {
    throw new MlsecError("E_USAGE", "--conversion applies to the rdp accountant only");
  }
  if (flags.accountant === "rdp" && flags.interval !== undefined) {
    throw new MlsecError("E_USAGE", "--interval applies to the pld accountant only");
  }
}

/** The accountant's settings, as echoed in the output. */
function settings(flags: AccountingFlags) {
  return flags.accountant === "rdp"
    ? { conversion: flags.conversion ?? "improved" }
    : { interval: flags.interval ?? 1e-4 };
}

const fmt = (x: number, digits = 7) =>
  Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : "inf";

function describeAccountant(flags: AccountingFlags, order?: number): string {
  if (flags.accountant === "pld") {
    return `pld accountant, interval ${flags.interval ?? 1e-4}`;
  }
  const conv = `${flags.conversion ?? "improved"} conversion`;
  return order === undefined
    ? `rdp accountant, ${conv}`
    : `rdp accountant, ${conv}, order ${order}`;
}

async function epsilonCommand(
  ctx: CommandContext,
  flags: AccountingFlags & { noiseMultiplier: number },
): Promise<number> {
  checkFlags(flags);
  const { createAccountant, dpSgdEvent } = await import("../../privacy/index.js");
  const accountant = createAccountant(flags.accountant, flags);
  accountant.compose(dpSgdEvent(flags.samplingRate, flags.noiseMultiplier, flags.steps));
  const r = accountant.getEpsilon(flags.delta);
  const result = {
    epsilon: r.epsilon,
    delta: r.delta,
    accountant: r.accountant,
    ...(r.optimalOrder === undefined ? {} : { optimalOrder: r.optimalOrder }),
    ...settings(flags),
    samplingRate: flags.samplingRate,
    noiseMultiplier: flags.noiseMultiplier,
    steps: flags.steps,
  };
  emit(
    ctx,
    "privacy epsilon",
    result,
    (x) =>
      `epsilon ${fmt(x.epsilon)} at delta ${x.delta} (${describeAccountant(flags, x.optimalOrder)})\n` +
      `  ${x.steps} steps, sampling rate ${x.samplingRate}, noise multiplier ${x.noiseMultiplier}`,
  );
  return EXIT_OK;
}

async function noiseCommand(
  ctx: CommandContext,
  flags: AccountingFlags & { targetEpsilon: number },
): Promise<number> {
  checkFlags(flags);
  const { noiseMultiplierFor } = await import("../../privacy/index.js");
  const r = noiseMultiplierFor({ ...flags });
  const result = {
    noiseMultiplier: r.noiseMultiplier,
    epsilon: r.epsilon,
    targetEpsilon: flags.targetEpsilon,
    delta: r.delta,
    accountant: r.accountant,
    ...settings(flags),
    samplingRate: flags.samplingRate,
    steps: flags.steps,
  };
  emit(
    ctx,
    "privacy noise",
    result,
    (x) =>
      `noise multiplier ${fmt(x.noiseMultiplier)} gives epsilon ${fmt(x.epsilon, 10)} <= ${x.targetEpsilon} at delta ${x.delta}\n` +
      `  ${x.steps} steps, sampling rate ${x.samplingRate} (${describeAccountant(flags)})`,
  );
  return EXIT_OK;
}

function accountingOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      "--sampling-rate <q>",
      "Poisson sampling rate per step (batch size / dataset size)",
      parseNumber("--sampling-rate", 0, 1),
    )
    .requiredOption(
      "--steps <n>",
      "number of training steps",
      parseInteger("--steps", 1, 1_000_000_000),
    )
    .requiredOption("--delta <d>", "target delta, e.g. 1e-5", parseNumber("--delta", 1e-300, 0.5))
    .option(
      "--accountant <kind>",
      "rdp (Renyi DP) or pld (privacy loss distributions, tighter, slower)",
      parseChoice("--accountant", ACCOUNTANTS),
      "rdp",
    )
    .option(
      "--conversion <kind>",
      "RDP to (eps, delta): improved (Balle et al. 2020) or classic (Mironov 2017); default improved",
      parseChoice("--conversion", CONVERSIONS),
    )
    .option(
      "--interval <width>",
      "PLD discretization interval (default 1e-4)",
      parseNumber("--interval", 1e-6, 1),
    );
}

export function registerPrivacy(program: Command): void {
  const privacy = program
    .command("privacy")
    .description("differential privacy: accounting for DP-SGD and noise calibration");
  accountingOptions(
    privacy
      .command("epsilon")
      .description("epsilon spent by steps of the Poisson-subsampled Gaussian mechanism (DP-SGD)")
      .requiredOption(
        "--noise-multiplier <sigma>",
        "noise standard deviation / clipping norm",
        parseNumber("--noise-multiplier", 0, 1e6),
      ),
  ).action(action(epsilonCommand));
  accountingOptions(
    privacy
      .command("noise")
      .description("the smallest noise multiplier that keeps epsilon at or below a target")
      .requiredOption(
        "--target-epsilon <eps>",
        "epsilon budget to meet",
        parseNumber("--target-epsilon", 1e-6, 1e6),
      ),
  ).action(action(noiseCommand));
}
