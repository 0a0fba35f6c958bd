import type { Command } from "commander";
import type { Incident, IncidentRepository } from "../../incidents/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { parseChoice, parseInteger } from "../options.js";
import { emit, table } from "../output.js";
import { action, MlsecError } from "../runner.js";
import { registerIncidentSharing } from "./incident-share.js";

const TLPS = ["clear", "green", "amber", "amber+strict", "red"] as const;
const STATUSES = ["open", "investigating", "contained", "resolved", "closed"] as const;
const SEVERITY = ["low", "medium", "high", "critical"] as const;

interface FieldOptions {
  title?: string;
  description?: string;
  status?: (typeof STATUSES)[number];
  severity?: (typeof SEVERITY)[number];
  tlp?: (typeof TLPS)[number];
  occurredAt?: string;
  detectedAt?: string;
  detectionSource?: string;
  impact?: string;
  reporter?: string;
  technique: string[];
  indicator: string[];
  model: string[];
  mitigation: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

function storeOption(cmd: Command): Command {
  return cmd.option(
    "--store <url>",
    "store: SQLite file path or postgres:// URL (default $MLSEC_STORE or ./.mlsec/mlsec.db)",
  );
}

function fieldOptions(cmd: Command, creating: boolean): Command {
  const c = creating
    ? cmd.requiredOption("--title <text>", "one-line title")
    : cmd.option("--title <text>", "one-line title");
  return c
    .option("--description <text>", "what happened")
    .option(
      "--status <status>",
      `status: ${STATUSES.join(", ")}`,
      parseChoice("--status", STATUSES),
    )
    .option(
      "--severity <level>",
      `severity: ${SEVERITY.join(", ")}`,
      parseChoice("--severity", SEVERITY),
    )
    .option("--tlp <level>", `TLP 2.0 marking: ${TLPS.join(", ")}`, parseChoice("--tlp", TLPS))
    .option("--occurred-at <time>", "when it started (ISO 8601 UTC, e.g. 2026-01-31T12:00:00Z)")
    .option("--detected-at <time>", "when it was detected (ISO 8601 UTC)")
    .option("--detection-source <text>", "what detected it (e.g. mlsec scan, gateway)")
    .option("--impact <text>", "the impact on the organisation")
    .option("--reporter <name>", "the reporting organisation")
    .option("--technique <id>", "ATLAS technique ID (repeatable), e.g. AML.T0010", collect, [])
    .option(
      "--indicator <kind:value>",
      "indicator (repeatable): file-sha256:HEX, ipv4:ADDR, domain:NAME, url:URL, client-fingerprint:ID",
      collect,
      [],
    )
    .option("--model <name[@version]>", "affected model (repeatable)", collect, [])
    .option(
      "--mitigation <text>",
      "ATLAS mitigation ID (AML.Mxxxx) or free text (repeatable)",
      collect,
      [],
    );
}

function parseIndicator(spec: string) {
  const colon = spec.indexOf(":");
  if (colon <= 0) {
    throw new MlsecError("E_USAGE", `--indicator must be KIND:VALUE, got "${spec}"`);
  }
  return { kind: spec.slice(0, colon), value: spec.slice(colon + 1) };
}

function parseModel(spec: string) {
  const at = spec.lastIndexOf("@");
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec };
}

function scalarFields(o: FieldOptions) {
  const fields = {
    title: o.title,
    description: o.description,
    status: o.status,
    severity: o.severity,
    tlp: o.tlp,
    occurredAt: o.occurredAt,
    detectedAt: o.detectedAt,
    detectionSource: o.detectionSource,
    impact: o.impact,
    reporter: o.reporter,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

async function withRepository<T>(
  storeUrl: string | undefined,
  body: (repo: IncidentRepository) => Promise<T>,
): Promise<T> {
  const { openStore, resolveStoreConfig } = await import("../../store/index.js");
  const { IncidentRepository } = await import("../../incidents/index.js");
  const store = await openStore(resolveStoreConfig(storeUrl));
  try {
    return await body(await IncidentRepository.open(store));
  } finally {
    await store.close();
  }
}

export function renderIncident(i: Incident): string {
  const lines = [
    `${i.id}`,
    `  title:       ${i.title}`,
    `  status:      ${i.status}${i.closedAt ? ` (closed ${i.closedAt})` : ""}`,
    `  severity:    ${i.severity}`,
    `  tlp:         ${i.tlp.toUpperCase()}`,
    `  created:     ${i.created}`,
    `  modified:    ${i.modified}`,
  ];
  const opt = (label: string, v: string | undefined) => {
    if (v !== undefined) lines.push(`  ${label.padEnd(12)} ${v}`);
  };
  opt("occurred:", i.occurredAt);
  opt("detected:", i.detectedAt);
  opt("detected by:", i.detectionSource);
  opt("reporter:", i.reporter);
  opt("description:", i.description);
  opt("impact:", i.impact);
  const list = (label: string, items: readonly string[]) => {
    if (items.length === 0) return;
    lines.push(`  ${label}`);
    for (const item of items) lines.push(`    - ${item}`);
  };
  list(
    "models:",
    i.models.map((m) => (m.version ? `${m.name}@${m.version}` : m.name)),
  );
  list("techniques:", i.techniques.map(techniqueLabel));
  list(
    "indicators:",
    i.indicators.map((x) => `${x.kind}:${x.value}${x.description ? ` (${x.description})` : ""}`),
  );
  list("mitigations:", i.mitigations);
  return lines.join("\n");
}

let techniqueNames: ReadonlyMap<string, string> | undefined;
function techniqueLabel(id: string): string {
  const name = techniqueNames?.get(id);
  return name ? `${id} ${name}` : id;
}

async function loadNames(): Promise<void> {
  techniqueNames ??= (await import("../../incidents/index.js")).ATLAS_TECHNIQUES;
}

function emitOne(ctx: CommandContext, command: string, incident: Incident): number {
  emit(ctx, command, { incident }, (r) => renderIncident(r.incident));
  return EXIT_OK;
}

export function registerIncident(program: Command): void {
  const incident = program
    .command("incident")
    .description("record ML security incidents (ATLAS techniques, indicators, TLP) in the store");

  fieldOptions(
    storeOption(incident.command("create").description("record a new incident")),
    true,
  ).action(
    action(async (ctx, o: FieldOptions & { store?: string }) => {
      await loadNames();
      const created = await withRepository(o.store, (repo) =>
        repo.create({
          ...scalarFields(o),
          title: o.title as string,
          techniques: o.technique,
          indicators: o.indicator.map(parseIndicator),
          models: o.model.map(parseModel),
          mitigations: o.mitigation,
        } as Parameters<IncidentRepository["create"]>[0]),
      );
      return emitOne(ctx, "incident create", created);
    }),
  );

  storeOption(incident.command("list").description("list incidents, newest first"))
    .option("--status <status>", `only this status`, parseChoice("--status", STATUSES))
    .option(
      "--max-tlp <level>",
      "only incidents at or below this TLP",
      parseChoice("--max-tlp", TLPS),
    )
    .option("--limit <n>", "at most n incidents", parseInteger("--limit", 1, 100_000))
    .action(
      action(
        async (
          ctx,
          o: {
            store?: string;
            status?: (typeof STATUSES)[number];
            maxTlp?: (typeof TLPS)[number];
            limit?: number;
          },
        ) => {
          const incidents = await withRepository(o.store, (repo) =>
            repo.list({ status: o.status, maxTlp: o.maxTlp, limit: o.limit }),
          );
          emit(ctx, "incident list", { incidents }, (r) =>
            r.incidents.length === 0
              ? "no incidents"
              : table([
                  ["ID", "CREATED", "STATUS", "SEVERITY", "TLP", "TITLE"],
                  ...r.incidents.map((i) => [
                    i.id,
                    i.created,
                    i.status,
                    i.severity,
                    i.tlp.toUpperCase(),
                    i.title,
                  ]),
                ]),
          );
          return EXIT_OK;
        },
      ),
    );

  storeOption(
    incident.command("show").description("show one incident").argument("<id>", "incident ID"),
  ).action(
    action(async (ctx, id: string, o: { store?: string }) => {
      await loadNames();
      const found = await withRepository(o.store, (repo) => repo.get(id));
      return emitOne(ctx, "incident show", found);
    }),
  );

  fieldOptions(
    storeOption(
      incident
        .command("update")
        .description("change fields; --technique/--indicator/--model/--mitigation append")
        .argument("<id>", "incident ID"),
    ),
    false,
  ).action(
    action(async (ctx, id: string, o: FieldOptions & { store?: string }) => {
      await loadNames();
      const updated = await withRepository(o.store, (repo) =>
        repo.update(id, {
          ...scalarFields(o),
          addTechniques: o.technique,
          addIndicators: o.indicator.map(parseIndicator),
          addModels: o.model.map(parseModel),
          addMitigations: o.mitigation,
        } as Parameters<IncidentRepository["update"]>[1]),
      );
      return emitOne(ctx, "incident update", updated);
    }),
  );

  storeOption(
    incident.command("close").description("close an incident").argument("<id>", "incident ID"),
  )
    .option("--resolution <text>", "how it was resolved (appended to the impact)")
    .action(
      action(async (ctx, id: string, o: { store?: string; resolution?: string }) => {
        await loadNames();
        const closed = await withRepository(o.store, (repo) => repo.close(id, o.resolution));
        return emitOne(ctx, "incident close", closed);
      }),
    );

  registerIncidentSharing(incident);
}
