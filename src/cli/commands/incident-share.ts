// `mlsec incident export|import`: STIX 2.1 bundles in and out of the store.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { writeFileAtomic } from "../../core/index.js";
import type { Redactor } from "../../incidents/index.js";
import { EXIT_OK } from "../context.js";
import { parseChoice } from "../options.js";
import { emit } from "../output.js";
import { action, MlsecError } from "../runner.js";

const TLPS = ["clear", "green", "amber", "amber+strict", "red"] as const;
type TlpOption = (typeof TLPS)[number];
const AS = ["stix", "avid"] as const;
type ExportFlags = { as: (typeof AS)[number]; maxTlp?: TlpOption };

/** Free-text redaction with the PII module: each detected span becomes `<TYPE>`. */
export async function piiRedactor(): Promise<Redactor> {
  const { analyze } = await import("../../pii/index.js");
  return (text) => {
    const findings = analyze(text, { offsets: "utf16" });
    let out = text;
    for (const f of [...findings].sort((a, b) => b.start - a.start)) {
      out = `${out.slice(0, f.start)}<${f.type}>${out.slice(f.end)}`;
    }
    return out;
  };
}

export interface ExportCliOptions {
  store?: string;
  out?: string;
  maxTlp: TlpOption;
  redact: boolean;
  organisation?: string;
}

/**
 * AVID reports (JSON Lines, one per incident) for the public AI Vulnerability Database: incidents
 * above `maxTlp` are left out whole and free text is redacted like a STIX share.
 */
async function buildAvidReports(ids: readonly string[], o: ExportCliOptions) {
  const { openStore, resolveStoreConfig } = await import("../../store/index.js");
  const { IncidentRepository, incidentToAvid, tlpRank } = await import("../../incidents/index.js");
  const store = await openStore(resolveStoreConfig(o.store));
  try {
    const repo = await IncidentRepository.open(store);
    const incidents =
      ids.length > 0 ? await Promise.all(ids.map((id) => repo.get(id))) : await repo.list();
    const redact = o.redact ? await piiRedactor() : (text: string) => text;
    const kept = incidents.filter((i) => tlpRank(i.tlp) <= tlpRank(o.maxTlp));
    const reports = kept.map((i) =>
      incidentToAvid(
        {
          ...i,
          title: redact(i.title),
          ...(i.description ? { description: redact(i.description) } : {}),
          ...(i.impact ? { impact: redact(i.impact) } : {}),
        },
        o.organisation ? { deployer: o.organisation } : {},
      ),
    );
    return {
      reports,
      withheld: incidents.filter((i) => !kept.includes(i)).map((i) => i.id),
    };
  } finally {
    await store.close();
  }
}

/** Loads incidents from the store and builds the shareable bundle (TLP-filtered, redacted). */
export async function buildShareBundle(ids: readonly string[], o: ExportCliOptions) {
  const { openStore, resolveStoreConfig } = await import("../../store/index.js");
  const { IncidentRepository, exportBundle, prepareForSharing } = await import(
    "../../incidents/index.js"
  );
  const store = await openStore(resolveStoreConfig(o.store));
  try {
    const repo = await IncidentRepository.open(store);
    const incidents =
      ids.length > 0 ? await Promise.all(ids.map((id) => repo.get(id))) : await repo.list();
    const bundle = exportBundle(incidents, { organisation: o.organisation });
    const shared = prepareForSharing(bundle, {
      maxTlp: o.maxTlp,
      ...(o.redact ? { redact: await piiRedactor() } : {}),
    });
    return { incidents: incidents.length, ...shared };
  } finally {
    await store.close();
  }
}

export function registerIncidentSharing(incident: Command): void {
  incident
    .command("export")
    .description(
      "write incidents as a STIX 2.1 bundle or as AVID reports (TLP-filtered, personal data redacted)",
    )
    .argument("[ids...]", "incident IDs (default: all)")
    .option("--store <url>", "store: SQLite file path or postgres:// URL")
    .option("--out <file>", "write the bundle or reports here (default: stdout)")
    .option(
      "--as <format>",
      "stix (2.1 bundle) or avid (JSON Lines)",
      parseChoice("--as", AS),
      "stix",
    )
    .option(
      "--max-tlp <level>",
      "leave out what is marked above this TLP (default amber; clear for avid)",
      parseChoice("--max-tlp", TLPS),
    )
    .option("--no-redact", "keep personal data in free-text fields")
    .option("--organisation <name>", "producer identity for incidents without a reporter")
    .action(
      action(async (ctx, ids: string[], cli: Omit<ExportCliOptions, "maxTlp"> & ExportFlags) => {
        const o = { ...cli, maxTlp: cli.maxTlp ?? (cli.as === "avid" ? "clear" : "amber") };
        if (o.as === "avid") {
          const r = await buildAvidReports(ids, o);
          const jsonl = r.reports.map((x) => `${JSON.stringify(x)}\n`).join("");
          if (!o.out) {
            ctx.out(jsonl);
            return EXIT_OK;
          }
          await writeFileAtomic(o.out, new TextEncoder().encode(jsonl));
          emit(
            ctx,
            "incident export",
            { file: o.out, format: "avid", reports: r.reports.length, withheld: r.withheld },
            (x) =>
              `wrote ${x.file}: ${x.reports} AVID report(s), ` +
              `${x.withheld.length} incident(s) withheld above TLP:${o.maxTlp.toUpperCase()}`,
          );
          return EXIT_OK;
        }
        const r = await buildShareBundle(ids, o);
        const json = `${JSON.stringify(r.bundle, null, 2)}\n`;
        if (!o.out) {
          ctx.out(json);
          return EXIT_OK;
        }
        await writeFileAtomic(o.out, new TextEncoder().encode(json));
        emit(
          ctx,
          "incident export",
          {
            file: o.out,
            bundleId: r.bundle.id,
            incidents: r.incidents,
            objects: r.bundle.objects.length,
            dropped: r.dropped,
            redactedFields: r.redactedFields,
          },
          (x) =>
            `wrote ${x.file}: ${x.objects} STIX objects from ${x.incidents} incident(s), ` +
            `${x.dropped.length} dropped above TLP:${o.maxTlp.toUpperCase()}, ` +
            `${x.redactedFields} field(s) redacted`,
        );
        return EXIT_OK;
      }),
    );

  incident
    .command("import")
    .description("read incidents from a STIX 2.1 bundle into the store")
    .argument("<file>", "bundle JSON file")
    .option("--store <url>", "store: SQLite file path or postgres:// URL")
    .option("--reject-unknown", "reject objects of unknown types instead of keeping them")
    .action(
      action(async (ctx, file: string, o: { store?: string; rejectUnknown?: boolean }) => {
        const { parseBundle, importBundle, IncidentRepository } = await import(
          "../../incidents/index.js"
        );
        const { openStore, resolveStoreConfig } = await import("../../store/index.js");
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch (cause) {
          throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${file}`, { cause });
        }
        const result = importBundle(parseBundle(bytes), { keepUnknown: !o.rejectUnknown });
        const store = await openStore(resolveStoreConfig(o.store));
        const outcome = { inserted: 0, updated: 0, unchanged: 0 };
        try {
          const repo = await IncidentRepository.open(store);
          for (const i of result.incidents) outcome[await repo.upsert(i)]++;
        } finally {
          await store.close();
        }
        emit(
          ctx,
          "incident import",
          {
            file,
            ...outcome,
            rejected: result.rejected,
            unknown: result.unknown,
            notes: result.notes,
          },
          (x) =>
            [
              `${file}: ${x.inserted} new, ${x.updated} updated, ${x.unchanged} unchanged incident(s); ` +
                `${x.rejected.length} object(s) rejected, ${x.unknown.length} of unknown type`,
              ...x.rejected.map((r) => `  rejected ${r.id ?? `#${r.index}`}: ${r.reason}`),
              ...x.notes.map((n) => `  note: ${n}`),
            ].join("\n"),
        );
        return EXIT_OK;
      }),
    );

  incident
    .command("import-scan")
    .description(
      "record each malicious model file in `mlsec --format json scan` (or `audit`) output as an incident",
    )
    .argument("<file>", "JSON written by `mlsec --format json scan PATH` or `… audit MODEL`")
    .option("--store <url>", "store: SQLite file path or postgres:// URL")
    .option("--include-suspicious", "also record files with a suspicious verdict")
    .option("--tlp <level>", "TLP of the new incidents (default amber)", parseChoice("--tlp", TLPS))
    .action(
      action(
        async (
          ctx,
          file: string,
          o: { store?: string; includeSuspicious?: boolean; tlp?: TlpOption },
        ) => {
          const { parseScanJson, incidentsFromScan, IncidentRepository } = await import(
            "../../incidents/index.js"
          );
          const { openStore, resolveStoreConfig } = await import("../../store/index.js");
          let bytes: Buffer;
          try {
            bytes = readFileSync(file);
          } catch (cause) {
            throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${file}`, { cause });
          }
          const found = await incidentsFromScan(parseScanJson(bytes), {
            includeSuspicious: o.includeSuspicious ?? false,
            ...(o.tlp ? { tlp: o.tlp } : {}),
          });
          const store = await openStore(resolveStoreConfig(o.store));
          const created: { id: string; title: string }[] = [];
          const known: string[] = [];
          try {
            const repo = await IncidentRepository.open(store);
            for (const f of found) {
              if (await repo.find(f.id)) known.push(f.id);
              else {
                const i = await repo.create(f.input, f.id);
                created.push({ id: i.id, title: i.title });
              }
            }
          } finally {
            await store.close();
          }
          emit(ctx, "incident import-scan", { file, created, alreadyRecorded: known }, (x) =>
            [
              `${file}: ${x.created.length} new incident(s), ${x.alreadyRecorded.length} already recorded`,
              ...x.created.map((c) => `  ${c.id}  ${c.title}`),
            ].join("\n"),
          );
          return EXIT_OK;
        },
      ),
    );
}
