import type { Command } from "commander";
import { writeFileAtomic } from "../../core/index.js";
import type { LintResult } from "../../lint/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../context.js";
import { emit } from "../output.js";
import { action } from "../runner.js";

interface LintFlags {
  sarif?: string;
}

export function registerLint(program: Command): void {
  const version = program.version() ?? "0.0.0";
  program
    .command("lint")
    .description(
      "check Python and JavaScript/TypeScript ML code for unsafe model loading, trust_remote_code, eval of model output, unpinned or plain-HTTP downloads, disabled TLS checks and secrets; exit 1 on findings",
    )
    .argument("<paths...>", "files or directories (searched recursively for .py, .js, .ts, ...)")
    .option("--sarif <file>", "also write SARIF 2.1.0 to this file ('-': print SARIF instead)")
    .action(action((ctx, paths: string[], flags: LintFlags) => lint(ctx, paths, flags, version)));
}

async function lint(ctx: CommandContext, paths: string[], flags: LintFlags, version: string) {
  const { lintPaths, lintToSarif } = await import("../../lint/index.js");
  const result = await lintPaths(paths);
  if (flags.sarif !== undefined) {
    const sarif = `${JSON.stringify(lintToSarif(result, version), null, 2)}\n`;
    if (flags.sarif === "-") ctx.out(sarif);
    else await writeFileAtomic(flags.sarif, new TextEncoder().encode(sarif));
  }
  if (flags.sarif !== "-") emit(ctx, "lint", result, renderText);
  return result.findings.length > 0 ? EXIT_FINDING : EXIT_OK;
}

function renderText(r: LintResult): string {
  const lines = r.findings.map(
    (f) => `${f.path}:${f.line}:${f.column}  ${f.severity.padEnd(6)} ${f.ruleId}  ${f.message}`,
  );
  const s = r.summary;
  lines.push(
    `${r.files} file(s), ${r.findings.length} finding(s): ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low; ${r.suppressed.length} suppressed`,
  );
  return lines.join("\n");
}
