// The model registry: models, immutable content-addressed versions with lineage, aliases,
// soft deletion, RBAC and a hash-chained audit log, over the shared store (SQLite/PostgreSQL).
// Every operation names its actor and passes through `authorize`, the one permission check;
// every mutation commits together with its audit entry, and denials are audited too.
import type { Kysely } from "kysely";
import { buildManifest } from "../artifacts/index.js";
import { isMlsecError, MlsecError } from "../core/index.js";
import { scanPaths } from "../scan/index.js";
import { migrate, type Store } from "../store/index.js";
import {
  type AuditCheckpoint,
  type AuditEntry,
  type AuditInput,
  type AuditVerification,
  appendAudit,
  entryFromRow,
  lockAudit,
  verifyAuditRows,
} from "./audit.js";
import type { BlobStore } from "./blobs.js";
import type { JsonValue } from "./canonical-json.js";
import { REGISTRY_MIGRATIONS, type RegistryDatabase, type VersionsTable } from "./migrations.js";
import {
  ALIAS,
  type Alias,
  checkName,
  formatOf,
  type Model,
  NAME,
  PRINCIPAL,
  type PublishInput,
  type PublishResult,
  type RescanChange,
  type Version,
  versionFromRow,
} from "./model.js";
import { DEFAULT_POLICY, evaluatePolicy, type PublishPolicy, scanRecord } from "./policy.js";
import { type Operation, PERMISSIONS, REGISTRY_SCOPE, type Role, rank, roleOf } from "./rbac.js";

export type { Alias, Model, PublishInput, PublishResult, RescanChange, Version };

export interface RegistryOptions {
  readonly blobs: BlobStore;
  readonly now?: () => Date;
}

type Db = Kysely<RegistryDatabase>;

export class Registry {
  private readonly db: Db;
  private readonly now: () => Date;
  readonly blobs: BlobStore;

  private constructor(
    readonly store: Store,
    options: RegistryOptions,
  ) {
    this.db = store.db as Db;
    this.blobs = options.blobs;
    this.now = options.now ?? (() => new Date());
  }

  static async open(store: Store, options: RegistryOptions): Promise<Registry> {
    await migrate(store, "registry", REGISTRY_MIGRATIONS);
    return new Registry(store, options);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private audit(trx: Db, input: AuditInput): Promise<AuditEntry> {
    return appendAudit(trx, this.store.dialect, input, this.stamp());
  }

  /**
   * The one permission check. Inside a mutation it runs in the mutation's transaction (a grant
   * revoked meanwhile cannot slip through); a denial is recorded in its own transaction.
   */
  private async authorize(
    db: Db,
    actor: string,
    op: Operation,
    target: string,
    model?: string,
  ): Promise<Role> {
    checkName("user", actor, PRINCIPAL);
    const role = await roleOf(db, actor, model);
    const need = PERMISSIONS[op];
    if (rank(role) >= rank(need)) return role as Role;
    throw new MlsecError(
      "E_REGISTRY_DENIED",
      `${actor} may not ${op} ${target}: needs ${need}, has ${role ?? "no role"}`,
      { details: { actor, operation: op, target, needs: need, has: role ?? null } },
    );
  }

  /** Runs a mutation with its permission check and audit entry in one transaction. */
  private async mutate<T>(
    actor: string,
    op: Operation,
    target: string,
    model: string | undefined,
    body: (trx: Db) => Promise<{ result: T; details: { [key: string]: JsonValue } }>,
  ): Promise<T> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        await lockAudit(trx, this.store.dialect);
        await this.authorize(trx, actor, op, target, model);
        const { result, details } = await body(trx);
        await this.audit(trx, { actor, action: op, target, outcome: "ok", details });
        return result;
      });
    } catch (error) {
      await this.recordDenial(error, actor, op, target);
      throw error;
    }
  }

  private async recordDenial(error: unknown, actor: string, op: string, target: string) {
    if (!isMlsecError(error) || error.code !== "E_REGISTRY_DENIED") return;
    await this.db.transaction().execute((trx) =>
      this.audit(trx, {
        actor,
        action: op,
        target,
        outcome: "denied",
        details: { reason: error.message },
      }),
    );
  }

  /** A read-only operation's permission check (denials audited). */
  private async check(actor: string, op: Operation, target: string, model?: string) {
    try {
      await this.authorize(this.db, actor, op, target, model);
    } catch (error) {
      await this.recordDenial(error, actor, op, target);
      throw error;
    }
  }

  /**
   * Sets the registry up for `actor`: on an empty registry it makes `actor` admin (bootstrap);
   * afterwards it needs admin. Optionally sets the registry-wide publish policy.
   */
  async init(actor: string, policy?: PublishPolicy): Promise<{ bootstrapped: boolean }> {
    checkName("user", actor, PRINCIPAL);
    const bootstrapped = await this.db.transaction().execute(async (trx) => {
      await lockAudit(trx, this.store.dialect);
      const any = await trx.selectFrom("registry_grants").select("principal").limit(1).execute();
      if (any.length > 0) return false;
      await trx
        .insertInto("registry_grants")
        .values({
          principal: actor,
          scope: REGISTRY_SCOPE,
          role: "admin",
          granted_by: actor,
          granted_at: this.stamp(),
        })
        .execute();
      await this.audit(trx, {
        actor,
        action: "init",
        target: REGISTRY_SCOPE,
        outcome: "ok",
        details: { admin: actor },
      });
      return true;
    });
    if (policy) await this.setPolicy(actor, policy);
    return { bootstrapped };
  }

  async setPolicy(actor: string, policy: PublishPolicy, model?: string): Promise<void> {
    const scope = model === undefined ? REGISTRY_SCOPE : checkName("model name", model, NAME);
    await this.mutate(actor, "policy.set", scope, model, async (trx) => {
      const body = JSON.stringify(policy);
      await trx.deleteFrom("registry_policies").where("scope", "=", scope).execute();
      await trx.insertInto("registry_policies").values({ scope, body }).execute();
      return {
        result: undefined,
        details: {
          requireCleanScan: policy.requireCleanScan,
          requireSignature: policy.requireSignature,
          trustedKeys: policy.trustedKeys.length,
        },
      };
    });
  }

  /** The policy for `model`: its own if set, else the registry's, else the default. */
  async policyFor(model: string): Promise<PublishPolicy> {
    const rows = await this.db
      .selectFrom("registry_policies")
      .select(["scope", "body"])
      .where("scope", "in", [REGISTRY_SCOPE, model])
      .execute();
    const row = rows.find((r) => r.scope === model) ?? rows.find((r) => r.scope === REGISTRY_SCOPE);
    return row ? (JSON.parse(row.body) as PublishPolicy) : DEFAULT_POLICY;
  }

  async grant(actor: string, principal: string, role: Role, model?: string): Promise<void> {
    checkName("user", principal, PRINCIPAL);
    const scope = model === undefined ? REGISTRY_SCOPE : checkName("model name", model, NAME);
    await this.mutate(actor, "grant", scope, model, async (trx) => {
      await trx
        .deleteFrom("registry_grants")
        .where("principal", "=", principal)
        .where("scope", "=", scope)
        .execute();
      await trx
        .insertInto("registry_grants")
        .values({ principal, scope, role, granted_by: actor, granted_at: this.stamp() })
        .execute();
      return { result: undefined, details: { principal, role, scope } };
    });
  }

  async revoke(actor: string, principal: string, model?: string): Promise<boolean> {
    checkName("user", principal, PRINCIPAL);
    const scope = model === undefined ? REGISTRY_SCOPE : checkName("model name", model, NAME);
    return this.mutate(actor, "revoke", scope, model, async (trx) => {
      const r = await trx
        .deleteFrom("registry_grants")
        .where("principal", "=", principal)
        .where("scope", "=", scope)
        .executeTakeFirst();
      const removed = Number(r.numDeletedRows) > 0;
      return { result: removed, details: { principal, scope, removed } };
    });
  }

  /**
   * Hashes, scans and (when given) verifies the signature of a model, then stores it as the next
   * version. A version that fails the publish policy is rejected with every reason (audited).
   */
  async publish(actor: string, input: PublishInput): Promise<PublishResult> {
    const model = checkName("model name", input.model, NAME);
    // Fail fast (and audited) before the costly hashing and scanning; rechecked in the commit.
    const existing = await this.findModel(this.db, model);
    await this.check(actor, existing ? "publish" : "model.create", model, model);
    for (const [k, v] of Object.entries(input.metrics ?? {})) {
      if (!Number.isFinite(v)) throw new MlsecError("E_INVALID_ARGUMENT", `metric ${k} is ${v}`);
    }
    const manifest = await buildManifest(input.path, { signaturePath: input.signaturePath });
    const digest = `sha256:${manifest.rootDigest}`;
    const policy = await this.policyFor(model);
    const evaluation = await evaluatePolicy(policy, input.path, input.signaturePath);
    if (evaluation.reasons.length > 0) {
      await this.db.transaction().execute((trx) =>
        this.audit(trx, {
          actor,
          action: "publish",
          target: model,
          outcome: "rejected",
          details: { digest, reasons: [...evaluation.reasons], verdict: evaluation.scan.verdict },
        }),
      );
      return { status: "rejected", model, digest, reasons: evaluation.reasons };
    }
    const created = await this.blobs.put(digest, input.path, manifest.serialization.ignore_paths);
    try {
      return await this.mutate(actor, existing ? "publish" : "model.create", model, model, (trx) =>
        this.insertVersion(trx, actor, input, digest, manifest.bytes, evaluation),
      );
    } catch (error) {
      // No partial state: a blob this call wrote and no version refers to goes away again.
      if (created && !(await this.digestReferenced(digest))) await this.blobs.remove(digest);
      throw error;
    }
  }

  private async insertVersion(
    trx: Db,
    actor: string,
    input: PublishInput,
    digest: string,
    bytes: number,
    evaluation: Awaited<ReturnType<typeof evaluatePolicy>>,
  ): Promise<{ result: PublishResult; details: { [key: string]: JsonValue } }> {
    const model = input.model;
    const now = this.stamp();
    let createdModel = false;
    const found = await this.findModel(trx, model);
    if (found?.deletedAt) {
      throw new MlsecError(
        "E_REGISTRY_CONFLICT",
        `model ${model} was deleted; its name stays taken`,
      );
    }
    if (!found) {
      const tags = [...new Set(input.tags ?? [])].sort();
      await trx
        .insertInto("registry_models")
        .values({
          name: model,
          owner: actor,
          description: input.description ?? "",
          tags: JSON.stringify(tags),
          created_at: now,
          deleted_at: null,
        })
        .execute();
      createdModel = true;
    }
    const same = await trx
      .selectFrom("registry_versions")
      .select("version")
      .where("model", "=", model)
      .where("digest", "=", digest)
      .executeTakeFirst();
    if (same) {
      throw new MlsecError(
        "E_REGISTRY_CONFLICT",
        `${model}@${same.version} already holds ${digest}`,
        { details: { model, version: same.version, digest } },
      );
    }
    if (input.parent !== undefined) await this.resolveVersion(trx, input.parent);
    const last = await trx
      .selectFrom("registry_versions")
      .select((eb) => eb.fn.max("version").as("max"))
      .where("model", "=", model)
      .executeTakeFirst();
    const version = Number(last?.max ?? 0) + 1;
    const format = input.format ?? formatOf(evaluation.scan);
    const row: VersionsTable = {
      model,
      version,
      digest,
      format,
      bytes,
      metrics: JSON.stringify(input.metrics ?? {}),
      data_digest: input.dataDigest ?? null,
      code_revision: input.codeRevision ?? null,
      parent: input.parent ?? null,
      scan: JSON.stringify(evaluation.scan),
      signature: evaluation.signature ? JSON.stringify(evaluation.signature) : null,
      created_by: actor,
      created_at: now,
      deleted_at: null,
      last_scan: null,
    };
    await trx.insertInto("registry_versions").values(row).execute();
    return {
      result: { status: "published", version: versionFromRow(row), createdModel },
      details: {
        version,
        digest,
        createdModel,
        verdict: evaluation.scan.verdict,
        signer: evaluation.signature?.signer ?? null,
        parent: input.parent ?? null,
        dataDigest: input.dataDigest ?? null,
        codeRevision: input.codeRevision ?? null,
      },
    };
  }

  private async digestReferenced(digest: string): Promise<boolean> {
    const r = await this.db
      .selectFrom("registry_versions")
      .select("model")
      .where("digest", "=", digest)
      .limit(1)
      .execute();
    return r.length > 0;
  }

  private async findModel(db: Db, name: string): Promise<Model | undefined> {
    const row = await db
      .selectFrom("registry_models")
      .selectAll()
      .where("name", "=", name)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      name: row.name,
      owner: row.owner,
      description: row.description,
      tags: JSON.parse(row.tags) as string[],
      createdAt: row.created_at,
      deletedAt: row.deleted_at,
    };
  }

  /** Resolves `model@N` or `model@alias` to a live version. */
  private async resolveVersion(db: Db, ref: string): Promise<Version> {
    const at = ref.lastIndexOf("@");
    if (at <= 0) {
      throw new MlsecError("E_INVALID_ARGUMENT", `"${ref}" is not model@version or model@alias`);
    }
    const model = checkName("model name", ref.slice(0, at), NAME);
    const selector = ref.slice(at + 1);
    let version: number;
    if (/^[1-9]\d{0,8}$/.test(selector)) {
      version = Number(selector);
    } else if (selector === "latest") {
      const last = await db
        .selectFrom("registry_versions")
        .select((eb) => eb.fn.max("version").as("max"))
        .where("model", "=", model)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (last?.max == null)
        throw new MlsecError("E_REGISTRY_NOT_FOUND", `no versions of ${model}`);
      version = Number(last.max);
    } else {
      const alias = await db
        .selectFrom("registry_aliases")
        .select("version")
        .where("model", "=", model)
        .where("alias", "=", checkName("alias", selector, ALIAS))
        .executeTakeFirst();
      if (!alias) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no alias ${ref}`);
      version = Number(alias.version);
    }
    const row = await db
      .selectFrom("registry_versions")
      .selectAll()
      .where("model", "=", model)
      .where("version", "=", version)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!row) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no version ${model}@${version}`);
    return versionFromRow(row);
  }

  /** Models the actor may read (all of them for a registry-wide reader). */
  async list(actor: string, options: { includeDeleted?: boolean } = {}): Promise<Model[]> {
    checkName("user", actor, PRINCIPAL);
    const registryRole = await roleOf(this.db, actor);
    let query = this.db.selectFrom("registry_models").select("name").orderBy("name");
    if (!options.includeDeleted) query = query.where("deleted_at", "is", null);
    const names = (await query.execute()).map((r) => r.name);
    const visible: Model[] = [];
    for (const name of names) {
      if (rank(registryRole) < rank("reader") && rank(await roleOf(this.db, actor, name)) < 1) {
        continue;
      }
      const m = await this.findModel(this.db, name);
      if (m) visible.push(m);
    }
    return visible;
  }

  async show(
    actor: string,
    name: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<{ model: Model; versions: Version[]; aliases: Alias[] }> {
    checkName("model name", name, NAME);
    await this.check(actor, "show", name, name);
    const model = await this.findModel(this.db, name);
    if (!model || (model.deletedAt && !options.includeDeleted)) {
      throw new MlsecError("E_REGISTRY_NOT_FOUND", `no model ${name}`);
    }
    let q = this.db
      .selectFrom("registry_versions")
      .selectAll()
      .where("model", "=", name)
      .orderBy("version");
    if (!options.includeDeleted) q = q.where("deleted_at", "is", null);
    const versions = (await q.execute()).map(versionFromRow);
    const aliases = (
      await this.db
        .selectFrom("registry_aliases")
        .selectAll()
        .where("model", "=", name)
        .orderBy("alias")
        .execute()
    ).map((a) => ({
      alias: a.alias,
      version: Number(a.version),
      reason: a.reason,
      updatedBy: a.updated_by,
      updatedAt: a.updated_at,
    }));
    return { model, versions, aliases };
  }

  /** Points `alias` at a live version, recording why (and where it pointed before). */
  async setAlias(
    actor: string,
    model: string,
    alias: string,
    version: number,
    reason: string,
  ): Promise<{ previous: number | null }> {
    checkName("model name", model, NAME);
    checkName("alias", alias, ALIAS);
    if (reason.trim() === "") {
      throw new MlsecError("E_INVALID_ARGUMENT", "moving an alias needs a reason");
    }
    if (alias === "latest") {
      throw new MlsecError("E_INVALID_ARGUMENT", `"latest" always means the newest version`);
    }
    return this.mutate(actor, "alias.set", `${model}@${alias}`, model, async (trx) => {
      await this.resolveVersion(trx, `${model}@${version}`);
      const old = await trx
        .selectFrom("registry_aliases")
        .select("version")
        .where("model", "=", model)
        .where("alias", "=", alias)
        .executeTakeFirst();
      await trx
        .deleteFrom("registry_aliases")
        .where("model", "=", model)
        .where("alias", "=", alias)
        .execute();
      await trx
        .insertInto("registry_aliases")
        .values({ model, alias, version, reason, updated_by: actor, updated_at: this.stamp() })
        .execute();
      const previous = old ? Number(old.version) : null;
      return { result: { previous }, details: { alias, version, previous, reason } };
    });
  }

  /**
   * Soft-deletes a version (or, without `version`, the model and all its versions): rows stay
   * for the audit trail and lineage, the blob stays on disk, aliases to it are dropped.
   */
  async delete(
    actor: string,
    model: string,
    version: number | undefined,
    reason: string,
  ): Promise<{ versions: number[]; aliasesRemoved: string[] }> {
    checkName("model name", model, NAME);
    const target = version === undefined ? model : `${model}@${version}`;
    const op: Operation = version === undefined ? "model.delete" : "version.delete";
    return this.mutate(actor, op, target, model, async (trx) => {
      const m = await this.findModel(trx, model);
      if (!m || m.deletedAt) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no model ${model}`);
      const now = this.stamp();
      let q = trx
        .selectFrom("registry_versions")
        .select("version")
        .where("model", "=", model)
        .where("deleted_at", "is", null);
      if (version !== undefined) q = q.where("version", "=", version);
      const versions = (await q.execute()).map((r) => Number(r.version));
      if (version !== undefined && versions.length === 0) {
        throw new MlsecError("E_REGISTRY_NOT_FOUND", `no version ${target}`);
      }
      if (versions.length > 0) {
        await trx
          .updateTable("registry_versions")
          .set({ deleted_at: now })
          .where("model", "=", model)
          .where("version", "in", versions)
          .execute();
      }
      let aliasQuery = trx
        .selectFrom("registry_aliases")
        .select("alias")
        .where("model", "=", model);
      if (version !== undefined) aliasQuery = aliasQuery.where("version", "=", version);
      const aliasesRemoved = (await aliasQuery.execute()).map((a) => a.alias);
      if (aliasesRemoved.length > 0) {
        await trx
          .deleteFrom("registry_aliases")
          .where("model", "=", model)
          .where("alias", "in", aliasesRemoved)
          .execute();
      }
      if (version === undefined) {
        await trx
          .updateTable("registry_models")
          .set({ deleted_at: now })
          .where("name", "=", model)
          .execute();
      }
      return {
        result: { versions, aliasesRemoved },
        details: { versions, aliasesRemoved, reason },
      };
    });
  }

  /**
   * Copies a version (`model@N` or `model@alias`) to `target`, rehashed against its digest on
   * the way out, so a blob altered on disk is refused rather than delivered.
   */
  async pull(actor: string, ref: string, target: string): Promise<Version> {
    const at = ref.lastIndexOf("@");
    const model = checkName("model name", at < 0 ? ref : ref.slice(0, at), NAME);
    await this.check(actor, "pull", ref, model);
    const version = await this.resolveVersion(this.db, at < 0 ? `${ref}@latest` : ref);
    await this.blobs.get(version.digest, target);
    return version;
  }

  /**
   * Re-scans every live version's stored blob with today's scan rules and records the result
   * (on the version and as an audit entry with the findings). With `demote`, aliases pointing at
   * a version that is not `safe` are removed in the same transaction. Returns the versions whose
   * verdict changed or that lost aliases.
   */
  async rescan(actor: string, options: { demote?: boolean } = {}): Promise<RescanChange[]> {
    await this.check(actor, "rescan", REGISTRY_SCOPE);
    const rows = await this.db
      .selectFrom("registry_versions")
      .selectAll()
      .where("deleted_at", "is", null)
      .orderBy("model")
      .orderBy("version")
      .execute();
    const changes: RescanChange[] = [];
    for (const row of rows) {
      const v = versionFromRow(row);
      const scan = scanRecord(scanPaths([this.blobs.pathOf(v.digest)]));
      const before = (v.lastScan?.scan ?? v.scan).verdict;
      const change = await this.mutate(
        actor,
        "rescan",
        `${v.model}@${v.version}`,
        undefined,
        async (trx) => {
          const at = this.stamp();
          await trx
            .updateTable("registry_versions")
            .set({ last_scan: JSON.stringify({ at, scan }) })
            .where("model", "=", v.model)
            .where("version", "=", v.version)
            .execute();
          let aliasesRemoved: string[] = [];
          if (options.demote && scan.verdict !== "safe") {
            aliasesRemoved = (
              await trx
                .selectFrom("registry_aliases")
                .select("alias")
                .where("model", "=", v.model)
                .where("version", "=", v.version)
                .execute()
            ).map((a) => a.alias);
            if (aliasesRemoved.length > 0) {
              await trx
                .deleteFrom("registry_aliases")
                .where("model", "=", v.model)
                .where("alias", "in", aliasesRemoved)
                .execute();
            }
          }
          const findings = scan.findings.map((f) => `${f.ruleId}: ${f.message}`);
          return {
            result: {
              model: v.model,
              version: v.version,
              before,
              after: scan.verdict,
              aliasesRemoved,
            },
            details: { before, after: scan.verdict, findings, aliasesRemoved },
          };
        },
      );
      if (change.before !== change.after || change.aliasesRemoved.length > 0) changes.push(change);
    }
    return changes;
  }

  async auditEntries(actor: string): Promise<AuditEntry[]> {
    await this.check(actor, "audit.list", REGISTRY_SCOPE);
    const rows = await this.db.selectFrom("registry_audit").selectAll().orderBy("seq").execute();
    return rows.map(entryFromRow);
  }

  /** Recomputes the audit chain; names the first edited, deleted or reordered entry. */
  async verifyAuditLog(actor: string, expect?: AuditCheckpoint): Promise<AuditVerification> {
    await this.check(actor, "audit.verify", REGISTRY_SCOPE);
    return verifyAuditLog(this.store, expect);
  }
}

/** Verifies the chain without an actor (library use, tests and operators with database access). */
export async function verifyAuditLog(
  store: Store,
  expect?: AuditCheckpoint,
): Promise<AuditVerification> {
  const rows = await (store.db as Db)
    .selectFrom("registry_audit")
    .selectAll()
    .orderBy("seq")
    .execute();
  return verifyAuditRows(rows, expect);
}
