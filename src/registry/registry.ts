// The registry facade: models and datasets, immutable content-addressed versions with lineage,
// aliases, soft deletion, RBAC, API tokens and a hash-chained audit log, over the shared store
// (SQLite/PostgreSQL). Each operation lives in its own module; all go through RegistryCore's
// one permission check, and every mutation commits with its audit entry.
import type { KeyObject } from "node:crypto";
import type { Kysely } from "kysely";
import { MlsecError } from "../core/index.js";
import { migrate, type Store } from "../store/index.js";
import * as access from "./access.js";
import { setAlias } from "./aliases.js";
import {
  type AuditCheckpoint,
  type AuditEntry,
  type AuditVerification,
  entryFromRow,
  verifyAuditRows,
} from "./audit.js";
import {
  type ExpiredReport,
  expired,
  type ListOptions,
  list,
  type Shown,
  show,
} from "./catalog.js";
import { type SignedCheckpoint, signCheckpoint } from "./checkpoint.js";
import { RegistryCore, type RegistryOptions } from "./core.js";
import { softDelete } from "./deletion.js";
import { resolveVersion } from "./lookup.js";
import { REGISTRY_MIGRATIONS, type RegistryDatabase } from "./migrations.js";
import type { Alias, Model, PublishInput, PublishResult, RescanChange, Version } from "./model.js";
import { type PublishPolicy, policyFor } from "./policy.js";
import { type CreateInput, createArtifact, publish } from "./publish.js";
import { pull, withVerifiedCopy } from "./pull.js";
import { REGISTRY_SCOPE, type Role } from "./rbac.js";
import { rescan } from "./rescan.js";
import { signatureBundle } from "./signature.js";
import {
  authenticateToken,
  createToken,
  listTokens,
  revokeToken,
  type TokenInfo,
} from "./tokens.js";

export type {
  Alias,
  CreateInput,
  ExpiredReport,
  ListOptions,
  Model,
  PublishInput,
  PublishResult,
  RegistryOptions,
  RescanChange,
  Shown,
  TokenInfo,
  Version,
};

export class Registry {
  private readonly core: RegistryCore;

  private constructor(core: RegistryCore) {
    this.core = core;
  }

  static async open(store: Store, options: RegistryOptions): Promise<Registry> {
    await migrate(store, "registry", REGISTRY_MIGRATIONS);
    return new Registry(new RegistryCore(store, options));
  }

  get store(): Store {
    return this.core.store;
  }

  get blobs() {
    return this.core.blobs;
  }

  init(actor: string, policy?: PublishPolicy): Promise<{ bootstrapped: boolean }> {
    return access.init(this.core, actor, policy);
  }

  setPolicy(actor: string, policy: PublishPolicy, model?: string): Promise<void> {
    return access.setPolicy(this.core, actor, policy, model);
  }

  /** The policy for `model`: its own if set, else the registry's, else the default. */
  policyFor(model: string): Promise<PublishPolicy> {
    return policyFor(this.core.db, model);
  }

  grant(actor: string, principal: string, role: Role, model?: string): Promise<void> {
    return access.grant(this.core, actor, principal, role, model);
  }

  revoke(actor: string, principal: string, model?: string): Promise<boolean> {
    return access.revoke(this.core, actor, principal, model);
  }

  /** Registers a model or a dataset (a dataset declares its purpose and retention period). */
  create(actor: string, input: CreateInput): Promise<void> {
    return createArtifact(this.core, actor, input);
  }

  publish(actor: string, input: PublishInput): Promise<PublishResult> {
    return publish(this.core, actor, input);
  }

  list(actor: string, options: ListOptions = {}): Promise<Model[]> {
    return list(this.core, actor, options);
  }

  show(actor: string, name: string, options: { includeDeleted?: boolean } = {}): Promise<Shown> {
    return show(this.core, actor, name, options);
  }

  /** Resolves a ref the actor may read (`name@N|alias|latest`) without copying the blob. */
  async resolve(actor: string, name: string, selector: string): Promise<Version> {
    await this.core.check(actor, "pull", `${name}@${selector}`, name);
    return resolveVersion(this.core.db, `${name}@${selector}`);
  }

  /** Dataset versions past their retention period, with the model versions trained on them. */
  expired(actor: string): Promise<ExpiredReport[]> {
    return expired(this.core, actor);
  }

  setAlias(
    actor: string,
    model: string,
    alias: string,
    version: number,
    reason: string,
  ): Promise<{ previous: number | null }> {
    return setAlias(this.core, actor, model, alias, version, reason);
  }

  delete(
    actor: string,
    model: string,
    version: number | undefined,
    reason: string,
  ): Promise<{ versions: number[]; aliasesRemoved: string[] }> {
    return softDelete(this.core, actor, model, version, reason);
  }

  pull(actor: string, ref: string, target: string): Promise<Version> {
    return pull(this.core, actor, ref, target);
  }

  /** Runs `body` on a verified plaintext copy of a version (already authorized by `resolve`). */
  withVerifiedCopy<T>(version: Version, body: (path: string) => Promise<T>): Promise<T> {
    return withVerifiedCopy(this.core, version, body);
  }

  /** The signing bundle kept with a version (already authorized by `resolve`), or null. */
  signatureBundle(version: Version): Promise<string | null> {
    return signatureBundle(this.core.db, version);
  }

  rescan(actor: string, options: { demote?: boolean } = {}): Promise<RescanChange[]> {
    return rescan(this.core, actor, options);
  }

  createToken(
    actor: string,
    options: { principal?: string; label?: string; ttlDays?: number } = {},
  ): Promise<{ token: string; info: TokenInfo }> {
    return createToken(this.core, actor, options);
  }

  listTokens(actor: string): Promise<TokenInfo[]> {
    return listTokens(this.core, actor);
  }

  revokeToken(actor: string, id: string): Promise<void> {
    return revokeToken(this.core, actor, id);
  }

  authenticate(token: string): Promise<string | undefined> {
    return authenticateToken(this.core, token);
  }

  async auditEntries(actor: string): Promise<AuditEntry[]> {
    await this.core.check(actor, "audit.list", REGISTRY_SCOPE);
    const rows = await this.core.db
      .selectFrom("registry_audit")
      .selectAll()
      .orderBy("seq")
      .execute();
    return rows.map(entryFromRow);
  }

  /** Recomputes the audit chain; names the first edited, deleted or reordered entry. */
  async verifyAuditLog(actor: string, expect?: AuditCheckpoint): Promise<AuditVerification> {
    await this.core.check(actor, "audit.verify", REGISTRY_SCOPE);
    return verifyAuditLog(this.core.store, expect);
  }

  /**
   * Signs the current head of a verified chain. The checkpoint is audited after it is taken, so
   * it names the chain as it was just before its own entry.
   */
  async checkpoint(actor: string, privateKey: KeyObject): Promise<SignedCheckpoint> {
    await this.core.check(actor, "audit.checkpoint", REGISTRY_SCOPE);
    const v = await verifyAuditLog(this.core.store);
    if (!v.valid) {
      throw new MlsecError(
        "E_REGISTRY_AUDIT_BROKEN",
        `the audit log is broken at entry ${v.firstBreak.position}: ${v.firstBreak.reason}`,
        { hint: "Run `mlsec registry audit verify` and restore the log before signing it." },
      );
    }
    const signed = signCheckpoint(
      { entries: v.entries, head: v.head },
      this.core.stamp(),
      privateKey,
    );
    await this.core.auditAlone({
      actor,
      action: "audit.checkpoint",
      target: REGISTRY_SCOPE,
      outcome: "ok",
      details: { entries: signed.entries, head: signed.head, keyHint: signed.keyHint },
    });
    return signed;
  }
}

/** Verifies the chain without an actor (library use, tests and operators with database access). */
export async function verifyAuditLog(
  store: Store,
  expect?: AuditCheckpoint,
): Promise<AuditVerification> {
  const rows = await (store.db as Kysely<RegistryDatabase>)
    .selectFrom("registry_audit")
    .selectAll()
    .orderBy("seq")
    .execute();
  return verifyAuditRows(rows, expect);
}
