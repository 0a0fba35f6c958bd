import { Command, CommanderError, Option } from "commander";
import { MlsecError } from "../core/index.js";
import { COMMANDS } from "./commands/index.js";
import { parseChoice, parseInteger } from "./options.js";

export const VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command("mlsec")
    .description(
      "Machine-learning security toolkit: attack, harden, scan, sign, explain and audit ML models.",
    )
    .version(VERSION)
    .addOption(
      new Option("--format <format>", "output format: text or json")
        .default("text")
        .argParser(parseChoice("--format", ["text", "json"] as const)),
    )
    .addOption(
      new Option("--seed <n>", "seed for every random choice (repeatable runs)")
        .default(0)
        .argParser(parseInteger("--seed", 0, 2 ** 32 - 1)),
    )
    .option("--quiet", "no progress bars or diagnostics on stderr", false)
    .showHelpAfterError(false)
    .exitOverride();
  for (const register of COMMANDS) register(program);
  applyToAll(program, (cmd) => cmd.exitOverride().configureOutput({ writeErr: () => {} }));
  return program;
}

function applyToAll(cmd: Command, f: (c: Command) => void): void {
  f(cmd);
  for (const sub of cmd.commands) applyToAll(sub, f);
}

/** Turns commander's own failures (unknown option, missing argument) into E_USAGE. */
export function commanderFailure(error: unknown): MlsecError | "exit-ok" {
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    ) {
      return "exit-ok";
    }
    const message = error.message.replace(/^error: /, "");
    return new MlsecError("E_USAGE", message);
  }
  if (error instanceof MlsecError) return error;
  return new MlsecError("E_INTERNAL", String(error), { cause: error });
}
