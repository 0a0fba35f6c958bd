import { once } from "node:events";
import type { Command } from "commander";
import { createRng, isMlsecError, MlsecError, toMlsecError } from "../core/index.js";
import { type CommandContext, EXIT_ERROR, EXIT_OK, type OutputFormat } from "./context.js";
import { SCHEMA_VERSION } from "./output.js";
import { createProgressBar } from "./progress-bar.js";

export interface GlobalOptions {
  format: OutputFormat;
  seed: number;
  quiet: boolean;
}

/** A command's body: returns its exit code (0 ok, 1 finding). Errors are thrown. */
export type CommandAction<A extends unknown[]> = (
  ctx: CommandContext,
  ...args: A
) => Promise<number>;

export function contextFrom(globals: GlobalOptions): CommandContext {
  return {
    format: globals.format,
    seed: globals.seed,
    quiet: globals.quiet,
    out: (text) => process.stdout.write(text),
    write: async (pieces) => {
      for (const piece of pieces) {
        if (!process.stdout.write(piece)) await once(process.stdout, "drain");
      }
    },
    log: (text) => {
      if (!globals.quiet) process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    progress: () => createProgressBar(!globals.quiet),
  };
}

/** Prints an error as `error[CODE]: message` plus hint on stderr (and as JSON with --format json). */
export function reportError(error: unknown, format: OutputFormat): number {
  const e = toMlsecError(error);
  process.stderr.write(`error[${e.code}]: ${e.message}\n  hint: ${e.hint}\n`);
  if (e.code === "E_INTERNAL" && !isMlsecError(error) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  if (format === "json") {
    process.stdout.write(
      `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, error: e.toJSON() }, null, 2)}\n`,
    );
  }
  return EXIT_ERROR;
}

/**
 * Adapts a command body to commander: builds the context from the global options, runs the
 * body, and sets process.exitCode from its result or from the error it throws.
 */
export function action<A extends unknown[]>(body: CommandAction<A>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const ctx = contextFrom(globals);
    // Commander passes positional args, then the options object, then the command.
    const bodyArgs = args.slice(0, -1) as A;
    try {
      process.exitCode = await body(ctx, ...bodyArgs);
    } catch (error) {
      process.exitCode = reportError(error, globals.format);
    }
  };
}

/** The seed option's value as an RNG, so every command draws randomness the same way. */
export function rngFor(ctx: CommandContext) {
  return createRng(ctx.seed);
}

export { EXIT_OK, MlsecError };
