#!/usr/bin/env node
import { CommanderError, type InvalidArgumentError } from "commander";
import { isMlsecError } from "../core/index.js";
import { buildProgram, commanderFailure } from "./program.js";
import { reportError } from "./runner.js";

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  const format =
    argv.includes("json") && argv.some((a) => a === "--format" || a === "--format=json")
      ? "json"
      : "text";
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    // Option parsers throw MlsecError (E_USAGE); commander wraps them in InvalidArgumentError.
    const cause =
      error instanceof CommanderError && isMlsecError((error as InvalidArgumentError).cause)
        ? (error as InvalidArgumentError).cause
        : error;
    const failure = isMlsecError(cause) ? cause : commanderFailure(cause);
    if (failure === "exit-ok") {
      process.exitCode = 0;
      return;
    }
    process.exitCode = reportError(failure, format);
  }
}

// A reader that stops early (`mlsec … | head`) closes stdout: the rest of the output has nowhere
// to go, which is no failure of the command.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

await main(process.argv);
