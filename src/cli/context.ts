import type { ProgressListener } from "../core/index.js";

export type OutputFormat = "text" | "json";

/** What every command gets from the global options. */
export interface CommandContext {
  readonly format: OutputFormat;
  readonly seed: number;
  readonly quiet: boolean;
  /** Writes to stdout (the command's result). */
  readonly out: (text: string) => void;
  /** Writes a long result to stdout piece by piece, waiting whenever stdout's buffer is full. */
  readonly write: (pieces: Iterable<string>) => Promise<void>;
  /** Writes to stderr (diagnostics); silent with --quiet. */
  readonly log: (text: string) => void;
  /** A progress listener that draws a bar on an interactive stderr, and does nothing otherwise. */
  readonly progress: () => ProgressListener & { stop(): void };
}

/** Exit codes: 0 ok, 1 a check found something, 2 bad input or failure. */
export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_ERROR = 2;
