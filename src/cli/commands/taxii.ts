import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { StixObject } from "../../incidents/index.js";
import { EXIT_OK } from "../context.js";
import { parseChoice, parseInteger } from "../options.js";
import { emit } from "../output.js";
import { action, MlsecError } from "../runner.js";
import { buildShareBundle, type ExportCliOptions } from "./incident-share.js";

const TLPS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export const TOKEN_ENV = "MLSEC_TAXII_TOKEN";

interface RemoteOptions {
  server: string;
  collection: string;
  token?: string;
  user?: string;
  store?: string;
}

function remote(cmd: Command): Command {
  return cmd
    .requiredOption(
      "--server <url>",
      "TAXII 2.1 API root URL, e.g. https://taxii.example.org/api1/",
    )
    .requiredOption("--collection <id>", "collection ID")
    .option("--token <token>", `access token (prefer the ${TOKEN_ENV} environment variable)`)
    .option("--user <name>", "send HTTP basic auth as this user (default: bearer token)")
    .option("--store <url>", "store: SQLite file path or postgres:// URL");
}

async function client(o: RemoteOptions) {
  const token = o.token ?? process.env[TOKEN_ENV];
  if (!token) {
    throw new MlsecError("E_USAGE", `no access token: pass --token or set ${TOKEN_ENV}`);
  }
  const { TaxiiClient } = await import("../../incidents/index.js");
  return new TaxiiClient({ apiRoot: o.server, token, ...(o.user ? { user: o.user } : {}) });
}

function registerShare(program: Command): void {
  const share = program
    .command("share")
    .description("share incidents with partner organisations over TAXII 2.1");

  remote(share.command("push").description("publish incidents (STIX 2.1) to a TAXII collection"))
    .argument("[ids...]", "incident IDs (default: all)")
    .option(
      "--max-tlp <level>",
      "drop objects above this TLP",
      parseChoice("--max-tlp", TLPS),
      "amber",
    )
    .option("--no-redact", "keep personal data in free-text fields")
    .option("--organisation <name>", "producer identity for incidents without a reporter")
    .action(
      action(async (ctx, ids: string[], o: RemoteOptions & ExportCliOptions) => {
        const c = await client(o);
        const r = await buildShareBundle(ids, o);
        const status = await c.addObjects(o.collection, r.bundle.objects);
        const result = {
          server: o.server,
          collection: o.collection,
          statusId: status.id,
          status: status.status,
          incidents: r.incidents,
          objects: r.bundle.objects.length,
          succeeded: status.success_count,
          failed: status.failure_count,
          failures: status.failures ?? [],
          droppedAboveTlp: r.dropped.length,
          redactedFields: r.redactedFields,
        };
        emit(ctx, "share push", result, (x) =>
          [
            `pushed ${x.objects} STIX objects from ${x.incidents} incident(s) to ${x.collection}: ` +
              `${x.succeeded} stored, ${x.failed} failed (status ${x.statusId}, ${x.status})`,
            `${x.droppedAboveTlp} object(s) withheld above TLP:${o.maxTlp.toUpperCase()}, ` +
              `${x.redactedFields} field(s) redacted`,
            ...x.failures.map((f) => `  failed ${f.id}: ${f.message ?? ""}`),
          ].join("\n"),
        );
        return EXIT_OK;
      }),
    );

  remote(share.command("pull").description("fetch new incidents from a TAXII collection"))
    .option("--full", "ignore the remembered position and fetch everything")
    .option("--reject-unknown", "reject objects of unknown types instead of keeping them")
    .action(
      action(async (ctx, o: RemoteOptions & { full?: boolean; rejectUnknown?: boolean }) => {
        const c = await client(o);
        const { openStore, resolveStoreConfig } = await import("../../store/index.js");
        const { IncidentRepository, importBundle } = await import("../../incidents/index.js");
        const store = await openStore(resolveStoreConfig(o.store));
        try {
          const repo = await IncidentRepository.open(store);
          const since = o.full ? undefined : await repo.pullCursor(o.server, o.collection);
          const pulled = await c.pullAll(o.collection, since ? { addedAfter: since } : {});
          const imported = importBundle(
            {
              type: "bundle",
              id: "bundle--00000000-0000-4000-8000-000000000000",
              objects: pulled.objects as StixObject[],
            },
            { keepUnknown: !o.rejectUnknown },
          );
          const outcome = { inserted: 0, updated: 0, unchanged: 0 };
          for (const i of imported.incidents) outcome[await repo.upsert(i)]++;
          if (pulled.lastDateAdded)
            await repo.savePullCursor(o.server, o.collection, pulled.lastDateAdded);
          const result = {
            server: o.server,
            collection: o.collection,
            addedAfter: since ?? null,
            objects: pulled.objects.length,
            pages: pulled.pages,
            ...outcome,
            rejected: imported.rejected,
            nextAddedAfter: pulled.lastDateAdded ?? since ?? null,
          };
          emit(ctx, "share pull", result, (x) =>
            [
              `pulled ${x.objects} STIX objects in ${x.pages} page(s) from ${x.collection}` +
                (x.addedAfter ? ` (added after ${x.addedAfter})` : ""),
              `${x.inserted} new, ${x.updated} updated, ${x.unchanged} unchanged incident(s); ` +
                `${x.rejected.length} object(s) rejected`,
            ].join("\n"),
          );
          return EXIT_OK;
        } finally {
          await store.close();
        }
      }),
    );
}

export function registerTaxii(program: Command): void {
  registerShare(program);
  const taxii = program.command("taxii").description("TAXII 2.1 server for sharing incidents");
  taxii
    .command("serve")
    .description("run a TAXII 2.1 server (collections and partner tokens from a JSON/YAML file)")
    .requiredOption("--config <file>", "server configuration (JSON or YAML)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port (0 picks a free one)", parseInteger("--port", 0, 65535), 9500)
    .option("--store <url>", "store: SQLite file path or postgres:// URL")
    .action(
      action(async (ctx, o: { config: string; host: string; port: number; store?: string }) => {
        let text: string;
        try {
          text = readFileSync(o.config, "utf8");
        } catch (cause) {
          throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${o.config}`, { cause });
        }
        const { parse } = await import("yaml");
        let raw: unknown;
        try {
          raw = parse(text, { maxAliasCount: 100 });
        } catch (cause) {
          throw new MlsecError("E_INVALID_ARGUMENT", `${o.config} is not JSON or YAML`, { cause });
        }
        const { parseTaxiiConfig, createTaxiiServer } = await import("../../incidents/index.js");
        const { openStore, resolveStoreConfig } = await import("../../store/index.js");
        const config = parseTaxiiConfig(raw);
        const store = await openStore(resolveStoreConfig(o.store));
        const server = await createTaxiiServer({ store, config });
        const url = await server.listen(o.port, o.host);
        emit(
          ctx,
          "taxii serve",
          {
            url,
            discovery: `${url}/taxii2/`,
            apiRoots: config.apiRoots.map((r) => `${url}/${r.name}/`),
          },
          (x) => `TAXII 2.1 server listening on ${x.url} (discovery ${x.discovery})`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await server.close();
        await store.close();
        return EXIT_OK;
      }),
    );
}
