// The registry's shared machinery: the database, the clock, the blob store, and the one
// permission check. Every operation names its actor and passes through `authorize`; every
// mutation commits together with its audit entry (`mutate`), and denials are audited too.
import type { Kysely } from "kysely";
import type { KeySource } from "../artifacts/index.js";
import { isMlsecError, MlsecError } from "../core/index.js";
import type { Store } from "../store/index.js";
import { type AuditEntry, type AuditInput, appendAudit, lockAudit } from "./audit.js";
import type { BlobStore } from "./blobs.js";
import type { JsonValue } from "./canonical-json.js";
import type { RegistryDatabase } from "./migrations.js";
import { checkName, PRINCIPAL } from "./model.js";
import { type Operation, PERMISSIONS, type Role, rank, roleOf } from "./rbac.js";

export type Db = Kysely<RegistryDatabase>;

export type Details = { [key: string]: JsonValue };

export interface RegistryOptions {
  readonly blobs: BlobStore;
  readonly now?: () => Date;
  /** The key blobs are encrypted with when a publish policy requires encryption at rest. */
  readonly blobKey?: KeySource;
}

export class RegistryCore {
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly blobKey: KeySource | undefined;
  private readonly now: () => Date;

  constructor(
    readonly store: Store,
    options: RegistryOptions,
  ) {
    this.db = store.db as Db;
    this.blobs = options.blobs;
    this.blobKey = options.blobKey;
    this.now = options.now ?? (() => new Date());
  }

  stamp(): string {
    return this.now().toISOString();
  }

  audit(trx: Db, input: AuditInput): Promise<AuditEntry> {
    return appendAudit(trx, this.store.dialect, input, this.stamp());
  }

  /** Records one audit entry in its own transaction (rejections, denials). */
  auditAlone(input: AuditInput): Promise<AuditEntry> {
    return this.db.transaction().execute((trx) => this.audit(trx, input));
  }

  /**
   * The one permission check. Inside a mutation it runs in the mutation's transaction (a grant
   * revoked meanwhile cannot slip through).
   */
  async authorize(
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
  async mutate<T>(
    actor: string,
    op: Operation,
    target: string,
    model: string | undefined,
    body: (trx: Db) => Promise<{ result: T; details: Details }>,
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

  /** A read-only operation's permission check (denials audited). */
  async check(actor: string, op: Operation, target: string, model?: string): Promise<Role> {
    try {
      return await this.authorize(this.db, actor, op, target, model);
    } catch (error) {
      await this.recordDenial(error, actor, op, target);
      throw error;
    }
  }

  private async recordDenial(error: unknown, actor: string, op: string, target: string) {
    if (!isMlsecError(error) || error.code !== "E_REGISTRY_DENIED") return;
    await this.auditAlone({
      actor,
      action: op,
      target,
      outcome: "denied",
      details: { reason: error.message },
    });
  }
}
