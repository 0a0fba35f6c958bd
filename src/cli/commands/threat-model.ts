import type { Command } from "commander";
import { writeFileAtomic } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { emit } from "../output.js";
import { action } from "../runner.js";

interface ThreatModelFlags {
  markdown?: string;
  html?: string;
}

export function registerThreatModel(program: Command): void {
  program
    .command("threat-model")
    .description(
      "threats to an ML system from its YAML description: MITRE ATLAS, OWASP ML/LLM Top 10, likelihood × impact, mitigations and the mlsec commands that check them",
    )
    .argument("<system.yaml>", "system description (see examples/threat-models/)")
    .option("--markdown <file>", "also write the threat model as Markdown ('-': print it instead)")
    .option(
      "--html <file>",
      "also write a self-contained HTML page with the data-flow diagram (SVG)",
    )
    .action(action((ctx, path: string, flags: ThreatModelFlags) => threatModel(ctx, path, flags)));
}

async function threatModel(ctx: CommandContext, path: string, flags: ThreatModelFlags) {
  const { loadSystem, buildThreatModel, threatModelMarkdown, threatModelText } = await import(
    "../../threat/index.js"
  );
  const system = await loadSystem(path);
  const model = buildThreatModel(system);
  if (flags.html !== undefined) {
    const { threatModelHtml } = await import("../../report/index.js");
    await writeFileAtomic(flags.html, new TextEncoder().encode(threatModelHtml(model, system)));
  }
  if (flags.markdown !== undefined) {
    const md = `${threatModelMarkdown(model)}\n`;
    if (flags.markdown === "-") {
      ctx.out(md);
      return EXIT_OK;
    }
    await writeFileAtomic(flags.markdown, new TextEncoder().encode(md));
  }
  emit(ctx, "threat-model", model, threatModelText);
  return EXIT_OK;
}
