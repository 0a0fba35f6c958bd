// `mlsec registry init|grant|revoke|policy|create|push|pull|list|show|alias|delete|expired|rescan|
// token|serve|audit`: the model and dataset registry (issue 9). Every subcommand acts as `--as
// USER` (or $MLSEC_USER), checked by RBAC; `serve` answers HTTP clients by their bearer tokens.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import type {
  AuditVerification,
  Model,
  PublishPolicy,
  PublishResult,
  Registry,
  RegistryClient,
  Version,
} from "../../registry/index.js";
import { EXIT_FINDING, EXIT_OK } from "../context.js";
import { parseChoice, parseInteger } from "../options.js";
import { emit, table } from "../output.js";
import { action, MlsecError } from "../runner.js";

const USER_ENV = "MLSEC_USER";
const BLOBS_ENV = "MLSEC_REGISTRY_BLOBS";
const KEY_ENV = "MLSEC_REGISTRY_KEY_FILE";
const ROLE_CHOICES = ["reader", "publisher", "maintainer", "admin"] as const;
const KIND_CHOICES = ["model", "dataset"] as const;

interface Common {
  store?: string;
  blobs?: string;
  blobKeyFile?: string;
  as?: string;
}

const TOKEN_ENV = "MLSEC_REGISTRY_TOKEN";

/** A client for `url` with $MLSEC_REGISTRY_TOKEN or the token `registry login` saved. */
async function remote(url: string): Promise<RegistryClient> {
  const { RegistryClient, credentialsPath, loadToken } = await import("../../registry/index.js");
  const token = process.env[TOKEN_ENV] ?? (await loadToken(credentialsPath(), url));
  if (token === undefined) {
    throw new MlsecError("E_USAGE", `no token for ${url}`, {
      hint: `Run \`mlsec registry login --url ${url}\` or set ${TOKEN_ENV}.`,
    });
  }
  return new RegistryClient(url, token);
}

/** Signs the model (OpenSSF model signing) into `dir`/model.sig; returns the bundle's path. */
async function signForPush(path: string, keyFile: string, dir: string): Promise<string> {
  const { loadPrivateKey, signModel } = await import("../../artifacts/index.js");
  const { bundle } = await signModel(path, {
    privateKey: loadPrivateKey(readBytes(keyFile, "signing key")),
  });
  const out = join(dir, "model.sig");
  writeFileSync(out, JSON.stringify(bundle));
  return out;
}

function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read the ${what} ${path}`, { cause });
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

function common(cmd: Command): Command {
  return cmd
    .option(
      "--store <url>",
      "store: SQLite file path or postgres:// URL (default $MLSEC_STORE or ./.mlsec/mlsec.db)",
    )
    .option(
      "--blobs <dir>",
      `blob directory (default $${BLOBS_ENV}, else blobs/ beside a SQLite store, else ./.mlsec/blobs)`,
    )
    .option(
      "--blob-key-file <file>",
      `key for blobs encrypted at rest, from \`mlsec keygen --type aes256\` (default $${KEY_ENV})`,
    )
    .option("--as <user>", `the acting user (default $${USER_ENV})`);
}

function actorOf(o: Common): string {
  const actor = o.as ?? process.env[USER_ENV];
  if (!actor) {
    throw new MlsecError("E_USAGE", "no acting user", {
      hint: `Pass --as USER or set ${USER_ENV}; every registry operation is checked and audited.`,
    });
  }
  return actor;
}

async function withRegistry<T>(o: Common, body: (reg: Registry) => Promise<T>): Promise<T> {
  const { openStore, resolveStoreConfig } = await import("../../store/index.js");
  const { Registry, localBlobStore } = await import("../../registry/index.js");
  const { parseKeyFile } = await import("../../artifacts/index.js");
  const keyFile = o.blobKeyFile ?? process.env[KEY_ENV];
  const blobKey =
    keyFile === undefined
      ? undefined
      : { kind: "key" as const, key: parseKeyFile(readBytes(keyFile, "blob key file")) };
  const config = resolveStoreConfig(o.store);
  const blobs =
    o.blobs ??
    process.env[BLOBS_ENV] ??
    (config.kind === "sqlite" && config.path !== ":memory:"
      ? join(dirname(config.path), "blobs")
      : resolve(".mlsec", "blobs"));
  const store = await openStore(config);
  try {
    return await body(
      await Registry.open(store, { blobs: localBlobStore(resolve(blobs)), blobKey }),
    );
  } finally {
    await store.close();
  }
}

interface PolicyFlags {
  requireScan: boolean;
  requireSignature?: boolean;
  requireEncryption?: boolean;
  trustedKey: string[];
}

function policyOptions(cmd: Command): Command {
  return cmd
    .option("--no-require-scan", "accept versions whose scan verdict is not safe")
    .option("--require-signature", "require a model-signing bundle from a trusted key")
    .option("--trusted-key <pem>", "trusted public key file (repeatable)", collect, [])
    .option("--require-encryption", "store blobs encrypted at rest under the --blob-key-file key");
}

async function policyFrom(o: PolicyFlags): Promise<PublishPolicy> {
  const { readTrustedKeys } = await import("../../registry/index.js");
  return {
    requireCleanScan: o.requireScan,
    requireSignature: o.requireSignature === true,
    trustedKeys: readTrustedKeys(o.trustedKey),
    requireEncryption: o.requireEncryption === true,
  };
}

function describePolicy(p: {
  requireCleanScan: boolean;
  requireSignature: boolean;
  trustedKeys: number;
  requireEncryption?: boolean;
}): string {
  return `clean scan ${p.requireCleanScan ? "required" : "not required"}, signature ${p.requireSignature ? `required (${p.trustedKeys} trusted keys)` : "not required"}, encryption at rest ${p.requireEncryption ? "required" : "not required"}`;
}

function parseMetric(spec: string, previous: Record<string, number>): Record<string, number> {
  const eq = spec.indexOf("=");
  const value = Number(spec.slice(eq + 1));
  if (eq <= 0 || spec.slice(eq + 1).trim() === "" || !Number.isFinite(value)) {
    throw new MlsecError("E_USAGE", `--metric must be NAME=NUMBER, got "${spec}"`);
  }
  return { ...previous, [spec.slice(0, eq)]: value };
}

function renderVersion(v: Version): string {
  const lines = [
    `  v${v.version}  ${v.digest}  ${v.format}  ${v.bytes} bytes  by ${v.createdBy} at ${v.createdAt}${v.deletedAt ? `  DELETED ${v.deletedAt}` : ""}`,
    `      scan: ${v.scan.verdict} (${v.scan.files} files)  signature: ${v.signature ? v.signature.signer : "none"}`,
  ];
  if (v.lastScan) lines.push(`      rescan: ${v.lastScan.scan.verdict} at ${v.lastScan.at}`);
  if (v.encryption)
    lines.push(`      encrypted at rest (${v.encryption.keyKind} ${v.encryption.keyId ?? ""})`);
  if (v.expiresAt) lines.push(`      retention ends ${v.expiresAt}`);
  const lineage = [
    ...v.lineage.datasets.map((d) => `dataset ${d.dataset}@${d.version} (${d.digest})`),
    v.lineage.parent && `parent ${v.lineage.parent}`,
    v.lineage.dataDigest && `data ${v.lineage.dataDigest}`,
    v.lineage.codeRevision && `code ${v.lineage.codeRevision}`,
  ].filter(Boolean);
  if (lineage.length > 0) lines.push(`      lineage: ${lineage.join(", ")}`);
  const metrics = Object.entries(v.metrics);
  if (metrics.length > 0)
    lines.push(`      metrics: ${metrics.map(([k, x]) => `${k}=${x}`).join(" ")}`);
  return lines.join("\n");
}

function renderVerification(v: AuditVerification): string {
  return v.valid
    ? `audit log verifies: ${v.entries} entries, head ${v.head}`
    : `audit log BROKEN at entry ${v.firstBreak.position} (seq ${v.firstBreak.seq}): ${v.firstBreak.reason}`;
}

export function registerRegistry(program: Command): void {
  const registry = program
    .command("registry")
    .description("model registry: versions, lineage, aliases, RBAC, hash-chained audit log");

  policyOptions(
    common(registry.command("init").description("create the registry; the first user is admin")),
  ).action(
    action(async (ctx, o: Common & PolicyFlags) => {
      const actor = actorOf(o);
      const changePolicy =
        o.requireSignature === true ||
        o.requireEncryption === true ||
        o.trustedKey.length > 0 ||
        !o.requireScan;
      const policy = changePolicy ? await policyFrom(o) : undefined;
      const r = await withRegistry(o, async (reg) => ({
        ...(await reg.init(actor, policy)),
        store: reg.store.location,
        policy: await reg.policyFor("*"),
      }));
      emit(
        ctx,
        "registry init",
        { actor, ...r, policy: { ...r.policy, trustedKeys: r.policy.trustedKeys.length } },
        (x) =>
          [
            x.bootstrapped
              ? `registry ready in ${x.store}; ${actor} is admin`
              : `registry already initialised in ${x.store}`,
            `policy: ${describePolicy(x.policy)}`,
          ].join("\n"),
      );
      return EXIT_OK;
    }),
  );

  policyOptions(common(registry.command("policy").description("set the publish policy (admin)")))
    .option("--model <name>", "set it for one model instead of the whole registry")
    .action(
      action(async (ctx, o: Common & PolicyFlags & { model?: string }) => {
        const actor = actorOf(o);
        const policy = await policyFrom(o);
        await withRegistry(o, (reg) => reg.setPolicy(actor, policy, o.model));
        const shown = { scope: o.model ?? "*", ...policy, trustedKeys: policy.trustedKeys.length };
        emit(ctx, "registry policy", shown, (x) => `policy for ${x.scope}: ${describePolicy(x)}`);
        return EXIT_OK;
      }),
    );

  common(registry.command("grant <user> <role>").description("grant a role (admin)"))
    .option("--model <name>", "grant on one model instead of the whole registry")
    .action(
      action(async (ctx, user: string, role: string, o: Common & { model?: string }) => {
        const actor = actorOf(o);
        const r = parseChoice("role", ROLE_CHOICES)(role);
        await withRegistry(o, (reg) => reg.grant(actor, user, r, o.model));
        emit(
          ctx,
          "registry grant",
          { user, role: r, scope: o.model ?? "*" },
          (x) => `granted ${x.role} on ${x.scope} to ${x.user}`,
        );
        return EXIT_OK;
      }),
    );

  common(registry.command("revoke <user>").description("revoke a user's grant (admin)"))
    .option("--model <name>", "the model the grant is on (default: the registry-wide grant)")
    .action(
      action(async (ctx, user: string, o: Common & { model?: string }) => {
        const actor = actorOf(o);
        const removed = await withRegistry(o, (reg) => reg.revoke(actor, user, o.model));
        emit(ctx, "registry revoke", { user, scope: o.model ?? "*", removed }, (x) =>
          x.removed
            ? `revoked ${x.user}'s grant on ${x.scope}`
            : `${x.user} had no grant on ${x.scope}`,
        );
        return EXIT_OK;
      }),
    );

  common(
    registry
      .command("publish <model> <path>")
      .alias("push")
      .description(
        "hash, scan and check a model (or dataset) file or directory, then store it as a new version",
      ),
  )
    .option("--signature <file>", "model-signing bundle to verify against the trusted keys")
    .option("--sign-key <pem>", "sign the model here with this private key before pushing")
    .option(
      "--dataset <name@version>",
      "lineage: a registered dataset version the model was trained on (repeatable; aliases resolve to the exact version)",
      collect,
      [],
    )
    .option("--metric <name=value>", "a metric (repeatable)", parseMetric, {})
    .option("--data-digest <digest>", "lineage: digest of the training data")
    .option("--code-revision <rev>", "lineage: training code revision (e.g. a git commit)")
    .option("--parent <model@version>", "lineage: the version this one derives from")
    .option("--format <name>", "override the format the scanner detects")
    .option("--description <text>", "model description (when this creates the model)")
    .option("--tag <tag>", "model tag (repeatable; when this creates the model)", collect, [])
    .option("--url <url>", "push to a registry server (`registry login` first) instead of --store")
    .action(
      action(
        async (
          ctx,
          model: string,
          path: string,
          o: Common & {
            url?: string;
            signature?: string;
            signKey?: string;
            metric: Record<string, number>;
            dataDigest?: string;
            codeRevision?: string;
            parent?: string;
            format?: string;
            description?: string;
            tag: string[];
            dataset: string[];
          },
        ) => {
          if (o.signKey !== undefined && o.signature !== undefined) {
            throw new MlsecError("E_USAGE", "give --signature or --sign-key, not both");
          }
          const scratch = mkdtempSync(join(tmpdir(), "mlsec-push-"));
          let r: PublishResult;
          try {
            const signaturePath =
              o.signKey === undefined
                ? o.signature
                : await signForPush(resolve(path), o.signKey, scratch);
            const input = {
              datasets: o.dataset,
              signaturePath,
              metrics: o.metric,
              dataDigest: o.dataDigest,
              codeRevision: o.codeRevision,
              parent: o.parent,
              description: o.description,
              tags: o.tag,
            };
            r =
              o.url === undefined
                ? await withRegistry(o, (reg) =>
                    reg.publish(actorOf(o), { model, path, format: o.format, ...input }),
                  )
                : await (await remote(o.url)).push(model, resolve(path), input);
          } finally {
            rmSync(scratch, { recursive: true, force: true });
          }
          emit(ctx, "registry publish", r, (x) =>
            x.status === "published"
              ? `published ${x.version.model}@${x.version.version}${x.createdModel ? " (new model)" : ""}\n${renderVersion(x.version)}`
              : [`REJECTED ${x.model} (${x.digest}):`, ...x.reasons.map((m) => `  - ${m}`)].join(
                  "\n",
                ),
          );
          return r.status === "published" ? EXIT_OK : EXIT_FINDING;
        },
      ),
    );

  common(
    registry
      .command("create <name>")
      .description(
        "register a model, or with --dataset a dataset (purpose and retention required)",
      ),
  )
    .option("--dataset", "register a dataset instead of a model", false)
    .option("--purpose <text>", "datasets: what the data may be used for")
    .option(
      "--retention-days <n>",
      "datasets: days a version may be kept; older versions are flagged as expired",
      parseInteger("--retention-days", 1, 36_500),
    )
    .option("--description <text>", "description")
    .option("--tag <tag>", "tag (repeatable)", collect, [])
    .action(
      action(
        async (
          ctx,
          name: string,
          o: Common & {
            dataset: boolean;
            purpose?: string;
            retentionDays?: number;
            description?: string;
            tag: string[];
          },
        ) => {
          const actor = actorOf(o);
          const kind = o.dataset ? ("dataset" as const) : ("model" as const);
          await withRegistry(o, (reg) =>
            reg.create(actor, {
              name,
              kind,
              purpose: o.purpose,
              retentionDays: o.retentionDays,
              description: o.description,
              tags: o.tag,
            }),
          );
          emit(
            ctx,
            "registry create",
            { name, kind, purpose: o.purpose ?? null, retentionDays: o.retentionDays ?? null },
            (x) =>
              x.kind === "dataset"
                ? `created dataset ${x.name}: purpose "${x.purpose}", retention ${x.retentionDays} days`
                : `created model ${x.name}`,
          );
          return EXIT_OK;
        },
      ),
    );

  common(registry.command("list").description("list the models and datasets you may read"))
    .option("--all", "include deleted models", false)
    .option("--kind <kind>", "only models or only datasets", parseChoice("--kind", KIND_CHOICES))
    .action(
      action(async (ctx, o: Common & { all: boolean; kind?: "model" | "dataset" }) => {
        const actor = actorOf(o);
        const models = await withRegistry(o, (reg) =>
          reg.list(actor, { includeDeleted: o.all, kind: o.kind }),
        );
        emit(ctx, "registry list", { models }, (x) =>
          x.models.length === 0
            ? "no models"
            : table([
                ["NAME", "KIND", "OWNER", "TAGS", "CREATED", "DESCRIPTION"],
                ...x.models.map((m: Model) => [
                  m.deletedAt ? `${m.name} (deleted)` : m.name,
                  m.kind,
                  m.owner,
                  m.tags.join(","),
                  m.createdAt,
                  m.description,
                ]),
              ]),
        );
        return EXIT_OK;
      }),
    );

  common(registry.command("show <model>").description("a model, its versions and aliases"))
    .option("--all", "include deleted versions", false)
    .action(
      action(async (ctx, name: string, o: Common & { all: boolean }) => {
        const actor = actorOf(o);
        const r = await withRegistry(o, (reg) => reg.show(actor, name, { includeDeleted: o.all }));
        emit(ctx, "registry show", r, (x) =>
          [
            `${x.model.name}  ${x.model.kind}  owner ${x.model.owner}${x.model.tags.length ? `  tags ${x.model.tags.join(",")}` : ""}`,
            ...(x.model.description ? [`  ${x.model.description}`] : []),
            ...(x.model.kind === "dataset"
              ? [`  purpose: ${x.model.purpose}; retention ${x.model.retentionDays} days`]
              : []),
            "versions:",
            ...x.versions.map(renderVersion),
            "aliases:",
            ...(x.aliases.length === 0
              ? ["  (none)"]
              : x.aliases.map(
                  (a) =>
                    `  ${a.alias} -> v${a.version}  (${a.reason}; ${a.updatedBy} at ${a.updatedAt})`,
                )),
            ...x.expired.map((e) =>
              e.usedBy === null
                ? `EXPIRED: v${e.version} is past its retention period (ended ${e.expiresAt})`
                : `EXPIRED DATA: v${e.usedBy} was trained on ${e.dataset}@${e.version}, past retention since ${e.expiresAt}`,
            ),
          ].join("\n"),
        );
        return EXIT_OK;
      }),
    );

  common(
    registry
      .command("pull <ref> <out>")
      .description(
        "copy model@version (or @alias, @latest) to OUT, verified against its digest and signature",
      ),
  )
    .option(
      "--url <url>",
      "pull from a registry server (`registry login` first) instead of --store",
    )
    .option(
      "--trusted-key <pem>",
      "with --url: require a signature by this public key (repeatable); a local pull checks the policy's keys",
      collect,
      [],
    )
    .action(
      action(
        async (
          ctx,
          ref: string,
          out: string,
          o: Common & { url?: string; trustedKey: string[] },
        ) => {
          let v: Version;
          if (o.url === undefined) {
            const actor = actorOf(o);
            v = await withRegistry(o, (reg) => reg.pull(actor, ref, resolve(out)));
          } else {
            const at = ref.lastIndexOf("@");
            const [name, selector] =
              at < 0 ? [ref, "latest"] : [ref.slice(0, at), ref.slice(at + 1)];
            const { loadPublicKey } = await import("../../artifacts/index.js");
            const keys = o.trustedKey.map((k) => loadPublicKey(readBytes(k, "public key")));
            v = await (await remote(o.url)).pull(name, selector, resolve(out), keys);
          }
          emit(
            ctx,
            "registry pull",
            {
              version: v,
              path: resolve(out),
              expired: v.expiresAt !== null && v.expiresAt <= new Date().toISOString(),
            },
            (x) =>
              [
                `pulled ${x.version.model}@${x.version.version} (${x.version.digest}, verified) to ${x.path}`,
                ...(x.expired
                  ? [`EXPIRED: past its retention period since ${x.version.expiresAt}`]
                  : []),
              ].join("\n"),
          );
          return EXIT_OK;
        },
      ),
    );

  common(
    registry
      .command("alias <model> <alias> <version>")
      .description("point an alias (production, staging, ...) at a version"),
  )
    .requiredOption("--reason <text>", "why the alias moves (recorded in the audit log)")
    .action(
      action(
        async (
          ctx,
          model: string,
          alias: string,
          version: string,
          o: Common & { reason: string },
        ) => {
          const actor = actorOf(o);
          const v = parseInteger("version", 1)(version);
          const r = await withRegistry(o, (reg) => reg.setAlias(actor, model, alias, v, o.reason));
          emit(
            ctx,
            "registry alias",
            { model, alias, version: v, ...r, reason: o.reason },
            (x) =>
              `${x.model}@${x.alias} -> v${x.version}${x.previous === null ? "" : ` (was v${x.previous})`}: ${x.reason}`,
          );
          return EXIT_OK;
        },
      ),
    );

  common(
    registry
      .command("delete <model[@version]>")
      .description("soft-delete a version or a whole model (admin); the audit trail stays"),
  )
    .requiredOption("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, ref: string, o: Common & { reason: string }) => {
        const actor = actorOf(o);
        const at = ref.indexOf("@");
        const model = at < 0 ? ref : ref.slice(0, at);
        const version = at < 0 ? undefined : parseInteger("version", 1)(ref.slice(at + 1));
        const r = await withRegistry(o, (reg) => reg.delete(actor, model, version, o.reason));
        emit(
          ctx,
          "registry delete",
          { model, ...r, reason: o.reason },
          (x) =>
            `deleted ${version === undefined ? x.model : `${x.model}@${version}`}: versions [${x.versions.join(", ")}]${x.aliasesRemoved.length ? `, aliases removed: ${x.aliasesRemoved.join(", ")}` : ""}`,
        );
        return EXIT_OK;
      }),
    );

  common(
    registry
      .command("rescan")
      .description(
        "re-scan every stored version with today's rules (admin); exit 1 if any is unsafe",
      ),
  )
    .option("--demote", "remove aliases that point at versions that are no longer safe", false)
    .action(
      action(async (ctx, o: Common & { demote: boolean }) => {
        const actor = actorOf(o);
        const changes = await withRegistry(o, (reg) => reg.rescan(actor, { demote: o.demote }));
        emit(ctx, "registry rescan", { changes }, (x) =>
          x.changes.length === 0
            ? "rescan: no verdict changed, no alias demoted"
            : x.changes
                .map(
                  (c) =>
                    `${c.model}@${c.version}: ${c.before} -> ${c.after}${c.aliasesRemoved.length ? `, aliases removed: ${c.aliasesRemoved.join(", ")}` : ""}`,
                )
                .join("\n"),
        );
        return changes.some((c) => c.after !== "safe") ? EXIT_FINDING : EXIT_OK;
      }),
    );

  common(
    registry
      .command("expired")
      .description(
        "dataset versions past their retention period and the models trained on them; exit 1 if any",
      ),
  ).action(
    action(async (ctx, o: Common) => {
      const actor = actorOf(o);
      const expired = await withRegistry(o, (reg) => reg.expired(actor));
      emit(ctx, "registry expired", { expired }, (x) =>
        x.expired.length === 0
          ? "no dataset version is past its retention period"
          : table([
              ["DATASET", "VERSION", "EXPIRED", "PURPOSE", "USED BY"],
              ...x.expired.map((e) => [
                e.dataset,
                String(e.version),
                e.expiresAt,
                e.purpose,
                e.usedBy.join(",") || "-",
              ]),
            ]),
      );
      return expired.length > 0 ? EXIT_FINDING : EXIT_OK;
    }),
  );

  registry
    .command("login")
    .description(
      "save a token for a registry server (read from stdin or --token-env), checked first",
    )
    .requiredOption("--url <url>", "the registry server, e.g. http://127.0.0.1:8470")
    .option("--token-env <var>", "read the token from this environment variable")
    .action(
      action(async (ctx, o: { url: string; tokenEnv?: string }) => {
        const { RegistryClient, credentialsPath, saveToken } = await import(
          "../../registry/index.js"
        );
        const raw = o.tokenEnv === undefined ? readFileSync(0, "utf8") : process.env[o.tokenEnv];
        const secret = (raw ?? "").trim();
        if (secret === "") {
          throw new MlsecError("E_USAGE", "no token given", {
            hint: "Pipe it in (`mlsec registry login --url URL < token.txt`) or use --token-env VAR.",
          });
        }
        const client = new RegistryClient(o.url, secret);
        const principal = await client.whoami();
        const path = credentialsPath();
        await saveToken(path, client.url, secret);
        emit(
          ctx,
          "registry login",
          { url: client.url, principal, credentials: path },
          (x) => `logged in to ${x.url} as ${x.principal} (token saved in ${x.credentials})`,
        );
        return EXIT_OK;
      }),
    );

  const token = registry.command("token").description("API tokens for `registry serve`");
  common(token.command("create").description("issue a token (printed once, stored hashed)"))
    .option("--for <user>", "issue it for another user (admin)")
    .option("--label <text>", "what the token is for", "")
    .option("--ttl-days <n>", "expire after N days", parseInteger("--ttl-days", 1, 3650))
    .action(
      action(async (ctx, o: Common & { for?: string; label: string; ttlDays?: number }) => {
        const actor = actorOf(o);
        const r = await withRegistry(o, (reg) =>
          reg.createToken(actor, { principal: o.for, label: o.label, ttlDays: o.ttlDays }),
        );
        emit(ctx, "registry token create", r, (x) =>
          [
            x.token,
            `token ${x.info.id} for ${x.info.principal}${x.info.expiresAt ? `, expires ${x.info.expiresAt}` : ""}: shown once, only its HMAC is stored`,
          ].join("\n"),
        );
        return EXIT_OK;
      }),
    );
  common(
    token.command("list").description("tokens (yours; everyone's as admin), never secrets"),
  ).action(
    action(async (ctx, o: Common) => {
      const actor = actorOf(o);
      const tokens = await withRegistry(o, (reg) => reg.listTokens(actor));
      emit(ctx, "registry token list", { tokens }, (x) =>
        x.tokens.length === 0
          ? "no tokens"
          : table([
              ["ID", "USER", "LABEL", "CREATED", "EXPIRES", "REVOKED"],
              ...x.tokens.map((t) => [
                t.id,
                t.principal,
                t.label,
                t.createdAt,
                t.expiresAt ?? "-",
                t.revokedAt ?? "-",
              ]),
            ]),
      );
      return EXIT_OK;
    }),
  );
  common(
    token.command("revoke <id>").description("revoke a token (yours, or any as admin)"),
  ).action(
    action(async (ctx, id: string, o: Common) => {
      const actor = actorOf(o);
      await withRegistry(o, (reg) => reg.revokeToken(actor, id));
      emit(ctx, "registry token revoke", { id }, (x) => `revoked token ${x.id}`);
      return EXIT_OK;
    }),
  );

  common(
    registry
      .command("serve")
      .description("serve the registry over HTTP (JSON, bearer tokens, OpenAPI at /openapi.json)"),
  )
    .option("--port <n>", "port (0 picks a free one)", parseInteger("--port", 0, 65535), 8470)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--max-upload-bytes <n>",
      "largest accepted upload",
      parseInteger("--max-upload-bytes", 1),
      1 << 30,
    )
    .option(
      "--max-auth-failures <n>",
      "failed authentications per client address per minute before 429",
      parseInteger("--max-auth-failures", 1),
      10,
    )
    .action(
      action(
        async (
          ctx,
          o: Common & {
            port: number;
            host: string;
            maxUploadBytes: number;
            maxAuthFailures: number;
          },
        ) => {
          const { createRegistryServer } = await import("../../registry/index.js");
          await withRegistry(o, async (reg) => {
            const server = await createRegistryServer({
              registry: reg,
              maxUploadBytes: o.maxUploadBytes,
              maxAuthFailures: o.maxAuthFailures,
            });
            const url = await server.listen(o.port, o.host);
            emit(
              ctx,
              "registry serve",
              { url, openapi: `${url}/openapi.json` },
              (x) => `registry listening on ${x.url} (OpenAPI ${x.openapi})`,
            );
            await new Promise<void>((done) => {
              process.once("SIGINT", () => done());
              process.once("SIGTERM", () => done());
            });
            await server.close();
          });
          return EXIT_OK;
        },
      ),
    );

  const audit = registry.command("audit").description("the hash-chained audit log");
  common(
    audit
      .command("checkpoint")
      .description("sign the current head of the audit chain (keep the file outside the store)"),
  )
    .requiredOption("--key <pem>", "private signing key (from `mlsec keygen`)")
    .requiredOption("--out <file>", "where to write the signed checkpoint")
    .action(
      action(async (ctx, o: Common & { key: string; out: string }) => {
        const actor = actorOf(o);
        const { loadPrivateKey } = await import("../../artifacts/index.js");
        const { writeFileAtomic } = await import("../../core/index.js");
        const key = loadPrivateKey(readBytes(o.key, "signing key"));
        const cp = await withRegistry(o, (reg) => reg.checkpoint(actor, key));
        await writeFileAtomic(resolve(o.out), Buffer.from(`${JSON.stringify(cp, null, 2)}\n`));
        emit(
          ctx,
          "registry audit checkpoint",
          { ...cp, path: resolve(o.out) },
          (x) => `signed checkpoint: ${x.entries} entries, head ${x.head} -> ${x.path}`,
        );
        return EXIT_OK;
      }),
    );
  common(audit.command("verify").description("recompute the chain; exit 1 if it is broken"))
    .option("--checkpoint <file>", "a signed checkpoint from `audit checkpoint`")
    .option(
      "--trusted-key <pem>",
      "public key a --checkpoint must be signed by (repeatable)",
      collect,
      [],
    )
    .option("--expect-head <hash>", "checkpoint: the head hash recorded earlier")
    .option(
      "--expect-entries <n>",
      "checkpoint: the entry count recorded earlier",
      parseInteger("--expect-entries", 1),
    )
    .action(
      action(
        async (
          ctx,
          o: Common & {
            expectHead?: string;
            expectEntries?: number;
            checkpoint?: string;
            trustedKey: string[];
          },
        ) => {
          const actor = actorOf(o);
          if ((o.expectHead === undefined) !== (o.expectEntries === undefined)) {
            throw new MlsecError("E_USAGE", "--expect-head and --expect-entries go together");
          }
          if (o.checkpoint !== undefined && o.expectHead !== undefined) {
            throw new MlsecError(
              "E_USAGE",
              "give either --checkpoint or --expect-head/--expect-entries",
            );
          }
          let expect =
            o.expectHead === undefined
              ? undefined
              : { head: o.expectHead, entries: o.expectEntries as number };
          if (o.checkpoint !== undefined) {
            if (o.trustedKey.length === 0) {
              throw new MlsecError("E_USAGE", "--checkpoint needs --trusted-key PUB.pem");
            }
            const { loadPublicKey } = await import("../../artifacts/index.js");
            const { verifyCheckpoint } = await import("../../registry/index.js");
            const keys = o.trustedKey.map((k) => loadPublicKey(readBytes(k, "public key")));
            expect = verifyCheckpoint(readBytes(o.checkpoint, "checkpoint").toString("utf8"), keys);
          }
          const r = await withRegistry(o, (reg) => reg.verifyAuditLog(actor, expect));
          const checkpoint = expect ? { entries: expect.entries, head: expect.head } : null;
          emit(ctx, "registry audit verify", { ...r, checkpoint }, (x) =>
            x.valid && x.checkpoint
              ? `${renderVerification(x)}\ncontains the checkpoint: ${x.checkpoint.entries} entries, head ${x.checkpoint.head}`
              : renderVerification(x),
          );
          return r.valid ? EXIT_OK : EXIT_FINDING;
        },
      ),
    );
  common(audit.command("log").description("print the audit entries (admin)")).action(
    action(async (ctx, o: Common) => {
      const actor = actorOf(o);
      const entries = await withRegistry(o, (reg) => reg.auditEntries(actor));
      emit(ctx, "registry audit log", { entries }, (x) =>
        table([
          ["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "OUTCOME"],
          ...x.entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.target, e.outcome]),
        ]),
      );
      return EXIT_OK;
    }),
  );
}
