import type { CommandContext } from "./context.js";

/** Version of the JSON documents printed with --format json. Bump only on purpose. */
export const SCHEMA_VERSION = 1;

/**
 * Prints a command's result: as JSON (with `schemaVersion` and the command name) or as text.
 */
export function emit<T extends object>(
  ctx: CommandContext,
  command: string,
  result: T,
  renderText: (result: T) => string,
): void {
  if (ctx.format === "json") {
    ctx.out(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, command, ...result }, null, 2)}\n`);
  } else {
    const text = renderText(result);
    ctx.out(text.endsWith("\n") ? text : `${text}\n`);
  }
}

/** Left-aligned columns for text tables. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
