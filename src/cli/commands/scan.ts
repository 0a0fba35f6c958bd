import type { Command } from "commander";
import { writeFileAtomic } from "../../core/index.js";
import type { FileReport, ScanResult } from "../../scan/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../context.js";
import { parseInteger } from "../options.js";
import { emit } from "../output.js";
import { action } from "../runner.js";

interface ScanOptions {
  policy?: string;
  sarif?: string;
  maxDepth?: number;
  jobs?: number;
}

const LABEL: Readonly<Record<FileReport["verdict"], string>> = {
  malicious: "MALICIOUS",
  suspicious: "SUSPICIOUS",
  invalid: "INVALID",
  safe: "SAFE",
};

export function registerScan(program: Command): void {
  const version = program.version() ?? "0.0.0";
  program
    .command("scan")
    .description(
      "scan model files (pickle, PyTorch, NumPy, joblib, Keras, ONNX, safetensors, archives) for code that runs on load; never loads them",
    )
    .argument("<paths...>", "files or directories (scanned recursively)")
    .option("--policy <file>", "YAML/JSON policy extending the default allow/deny lists")
    .option("--sarif <file>", "also write SARIF 2.1.0 to this file ('-': print SARIF instead)")
    .option(
      "--jobs <n>",
      "files scanned in parallel on worker threads (default 1)",
      parseInteger("--jobs", 1, 64),
    )
    .option(
      "--max-depth <n>",
      "nested archive depth to open (default 4)",
      parseInteger("--max-depth", 1, 32),
    )
    .action(
      action((ctx, paths: string[], opts: ScanOptions) => runScan(ctx, paths, opts, version)),
    );
}

async function runScan(
  ctx: CommandContext,
  paths: string[],
  opts: ScanOptions,
  version: string,
): Promise<number> {
  const { loadPolicy, scanPathsParallel, toSarif } = await import("../../scan/index.js");
  const policy = opts.policy === undefined ? undefined : loadPolicy(opts.policy);
  const bar = ctx.progress();
  let result: ScanResult;
  try {
    result = await scanPathsParallel(paths, {
      jobs: opts.jobs ?? 1,
      policy,
      limits: opts.maxDepth === undefined ? {} : { maxDepth: opts.maxDepth },
      onProgress: bar,
    });
  } finally {
    bar.stop();
  }
  if (opts.sarif !== undefined) {
    const sarif = `${JSON.stringify(toSarif(result, version), null, 2)}\n`;
    if (opts.sarif === "-") ctx.out(sarif);
    else await writeFileAtomic(opts.sarif, new TextEncoder().encode(sarif));
  }
  if (opts.sarif !== "-") emit(ctx, "scan", result, renderText);
  const failing = result.files.some(
    (f) =>
      f.verdict === "malicious" ||
      f.verdict === "suspicious" ||
      (f.verdict === "invalid" && !f.skipped),
  );
  return failing ? EXIT_FINDING : EXIT_OK;
}

function renderText(result: ScanResult): string {
  const lines: string[] = [];
  for (const file of result.files) {
    const label = file.skipped ? "SKIPPED" : LABEL[file.verdict];
    lines.push(`${label.padEnd(10)} ${file.path} (${file.format}, ${file.size} bytes)`);
    for (const f of file.findings) {
      const at: string[] = [];
      if (f.location.members !== undefined) at.push(f.location.members.join(" > "));
      if (f.location.offset !== undefined) at.push(`byte ${f.location.offset}`);
      if (f.location.opIndex !== undefined) at.push(`op #${f.location.opIndex}`);
      const where = at.length > 0 ? ` [${at.join(", ")}]` : "";
      lines.push(`  ${f.severity.padEnd(8)} ${f.ruleId}: ${f.message}${where}`);
    }
  }
  const s = result.summary;
  lines.push(
    `${s.files} file(s): ${s.verdicts.malicious} malicious, ${s.verdicts.suspicious} suspicious, ` +
      `${s.verdicts.invalid} invalid (${s.skipped} skipped: not a model format), ${s.verdicts.safe} safe`,
  );
  return lines.join("\n");
}
