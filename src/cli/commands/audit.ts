import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { AuditResult, AuditSeverity } from "../../audit/index.js";
import { MlsecError, writeFileAtomic } from "../../core/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../context.js";
import { parseChoice } from "../options.js";
import { emit, SCHEMA_VERSION } from "../output.js";
import { action } from "../runner.js";

interface AuditFlags {
  demo: boolean;
  data?: string;
  train?: string;
  system?: string;
  signature?: string;
  publicKey?: string;
  profile: "quick" | "standard" | "thorough";
  out?: string;
  json?: string;
  sarif?: string;
  failOn?: AuditSeverity;
}

const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

export function registerAudit(program: Command): void {
  const version = program.version() ?? "0.0.0";
  program
    .command("audit")
    .description(
      "audit a model in one go: file scan, model info, clean accuracy, FGSM/PGD robustness sweep, threat model; writes an HTML report (and JSON, SARIF)",
    )
    .argument("[model]", "ONNX model to audit")
    .option(
      "--demo",
      "audit the bundled digits CNN with its test and training data and example system",
      false,
    )
    .option(
      "--data <test.npz>",
      "labelled test data (x, y; .npz or CSV) for accuracy and robustness",
    )
    .option("--train <train.npz>", "training data: adds a membership-inference audit")
    .option("--system <system.yaml>", "system description for the threat model")
    .option("--signature <model.sig>", "signature to check (default MODEL.sig)")
    .option("--public-key <pem>", "key the signature must verify with")
    .option(
      "--profile <name>",
      "quick (200 samples, PGD-10, Square-300 at ε 0.1), standard (1000, PGD-40, Square-1000) or thorough (all, PGD-100 with 2 restarts, Square-5000)",
      parseChoice("--profile", ["quick", "standard", "thorough"] as const),
      "quick",
    )
    .option("--out <report.html>", "write the self-contained HTML report here")
    .option("--json <report.json>", "write the JSON report here")
    .option("--sarif <report.sarif>", "write SARIF 2.1.0 here")
    .option(
      "--fail-on <severity>",
      "exit 1 when a finding reaches this severity",
      parseChoice("--fail-on", SEVERITIES),
    )
    .action(
      action((ctx, model: string | undefined, flags: AuditFlags) =>
        audit(ctx, model, flags, version),
      ),
    );
}

async function audit(
  ctx: CommandContext,
  modelArg: string | undefined,
  flags: AuditFlags,
  version: string,
) {
  let model = modelArg;
  let data = flags.data;
  let system = flags.system;
  if (flags.demo) {
    if (model !== undefined)
      throw new MlsecError("E_USAGE", "--demo audits the bundled model; give no MODEL");
    model = root("examples/models/digits-cnn.onnx");
    data ??= root("examples/data/digits-test.npz");
    flags.train ??= root("examples/data/digits-train.npz");
    system ??= root("examples/threat-models/digit-reader.yaml");
  }
  if (model === undefined) throw new MlsecError("E_USAGE", "give a MODEL to audit, or --demo");
  const { runAudit } = await import("../../audit/index.js");
  const bar = ctx.progress();
  let result: AuditResult;
  try {
    result = await runAudit({
      model,
      data,
      system,
      ...(flags.train ? { train: flags.train } : {}),
      ...(flags.signature ? { signature: flags.signature } : {}),
      ...(flags.publicKey ? { publicKey: flags.publicKey } : {}),
      profile: flags.profile,
      seed: ctx.seed,
      onProgress: bar,
      onSection: (s) => ctx.log(`audit: ${s}`),
    });
  } finally {
    bar.stop();
  }
  const { auditHtml, auditSarif } = await import("../../report/index.js");
  const enc = new TextEncoder();
  // Reports are rendered first and written only once all of them exist.
  const writes: [string, string][] = [];
  if (flags.out !== undefined) writes.push([flags.out, await auditHtml(result, version)]);
  if (flags.json !== undefined) {
    writes.push([
      flags.json,
      `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, command: "audit", ...result }, null, 2)}\n`,
    ]);
  }
  if (flags.sarif !== undefined)
    writes.push([flags.sarif, `${JSON.stringify(auditSarif(result, version), null, 2)}\n`]);
  for (const [path, text] of writes) await writeFileAtomic(path, enc.encode(text));
  emit(ctx, "audit", result, renderText);
  if (flags.failOn !== undefined) {
    const limit = SEVERITIES.indexOf(flags.failOn);
    if (result.findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit)) return EXIT_FINDING;
  }
  return EXIT_OK;
}

function renderText(r: AuditResult): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const s = r.sections;
  const lines = [`audit of ${r.model} (profile ${r.profile})`, `score ${r.score}/100`];
  if (s.scan) lines.push(`scan        ${s.scan.format}: ${s.scan.verdict}`);
  if (s.signature) {
    lines.push(
      `signature   ${s.signature.status}${s.signature.signer ? ` (${s.signature.signer})` : ""}${s.signature.error ? `: ${s.signature.error.message}` : ""}`,
    );
  }
  if (s.model) {
    lines.push(
      `model       ${s.model.parameterCount} parameters, ${s.model.nodeCount} nodes, gradients ${s.model.differentiable ? "yes" : "no"}`,
    );
  }
  if (s.accuracy)
    lines.push(`accuracy    ${pct(s.accuracy.accuracy)} on ${s.accuracy.samples} samples`);
  if (s.robustness) {
    if (s.robustness.skipped) lines.push(`robustness  skipped: ${s.robustness.skipped}`);
    for (const attack of ["fgsm", "pgd", "square"] as const) {
      const pts = s.robustness.points.filter((p) => p.attack === attack);
      if (pts.length > 0) {
        lines.push(
          `robustness  ${attack.toUpperCase().padEnd(6)} ${pts.map((p) => `ε=${p.eps}: ${pct(p.robustAccuracy)}`).join("  ")}  (${pts[0].samples ?? s.robustness.samples} samples)`,
        );
      }
    }
  }
  if (s.membership) {
    lines.push(
      `membership  AUC ${s.membership.auc.toFixed(3)}, TPR ${pct(s.membership.tprAtFpr["0.01"] ?? 0)} at 1% FPR (${s.membership.members} members, ${s.membership.nonMembers} non-members)`,
    );
  }
  if (s.explanations) {
    lines.push(`explained   ${s.explanations.method} over ${s.explanations.samples} samples`);
  }
  if (s.threats) {
    const t = s.threats.summary;
    lines.push(
      `threats     ${t.total}: ${t.critical} critical, ${t.high} high, ${t.medium} medium, ${t.low} low; ${t.mitigated} mitigated`,
    );
  }
  lines.push("findings");
  for (const f of r.findings)
    lines.push(`  ${f.severity.padEnd(8)} ${f.title}${f.command ? `  [${f.command}]` : ""}`);
  lines.push(
    `time        ${r.timings.map((t) => `${t.section} ${t.seconds.toFixed(1)}s`).join(", ")}`,
  );
  return lines.join("\n");
}
