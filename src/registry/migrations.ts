// Tables of the registry module (see src/store/migrate.ts for how migrations run). Timestamps
// are ISO 8601 UTC strings and JSON columns are text, so both SQLite and PostgreSQL hold them.
import type { Kysely, Migration } from "kysely";

export interface ModelsTable {
  name: string;
  owner: string;
  description: string;
  /** JSON array of strings. */
  tags: string;
  created_at: string;
  deleted_at: string | null;
  /** `model` or `dataset`: both are versioned the same way. */
  kind: string;
  /** Datasets: the declared purpose of the data. */
  purpose: string | null;
  /** Datasets: how many days a version may be kept after it is published. */
  retention_days: number | null;
}

export interface VersionsTable {
  model: string;
  version: number;
  /** `sha256:<hex>`: the root digest of the model's manifest; names the blob. */
  digest: string;
  format: string;
  bytes: number;
  /** JSON object of metric name -> number. */
  metrics: string;
  data_digest: string | null;
  code_revision: string | null;
  /** Lineage parent, `model@version`. */
  parent: string | null;
  /** JSON: the scan summary and verdict recorded at publish. */
  scan: string;
  /** JSON: the signature check at publish (signer, key), or null when unsigned. */
  signature: string | null;
  created_by: string;
  created_at: string;
  deleted_at: string | null;
  /** JSON: the latest `rescan` result ({at, scan}); null until rescanned. */
  last_scan: string | null;
  /** Datasets: when the retention period of this version ends. */
  expires_at: string | null;
  /** JSON: how the blob is encrypted at rest ({keyKind, keyId}); null when stored in clear. */
  encryption: string | null;
  /** The model-signing bundle that verified at publish, checked again at every pull. */
  signature_bundle: string | null;
}

/** A model version's lineage edge to the exact dataset version it was trained on. */
export interface LineageTable {
  model: string;
  version: number;
  dataset: string;
  dataset_version: number;
  dataset_digest: string;
}

/** API tokens: only an HMAC of the secret is kept (the secret is shown once). */
export interface TokensTable {
  id: string;
  principal: string;
  /** hex HMAC-SHA256 of the secret. */
  secret_hmac: string;
  label: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface AliasesTable {
  model: string;
  alias: string;
  version: number;
  reason: string;
  updated_by: string;
  updated_at: string;
}

export interface GrantsTable {
  principal: string;
  /** `*` for the whole registry, else a model name. */
  scope: string;
  role: string;
  granted_by: string;
  granted_at: string;
}

export interface PoliciesTable {
  /** `*` for the whole registry, else a model name (a model policy replaces the registry's). */
  scope: string;
  /** JSON PublishPolicy. */
  body: string;
}

export interface AuditTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  /** Canonical JSON of the entry's details. */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface RegistryDatabase {
  registry_models: ModelsTable;
  registry_versions: VersionsTable;
  registry_aliases: AliasesTable;
  registry_grants: GrantsTable;
  registry_policies: PoliciesTable;
  registry_audit: AuditTable;
  registry_lineage: LineageTable;
  registry_tokens: TokensTable;
}

export const REGISTRY_MIGRATIONS: Record<string, Migration> = {
  "0001_create_registry": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("registry_models")
        .addColumn("name", "varchar(128)", (c) => c.primaryKey())
        .addColumn("owner", "varchar(128)", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("tags", "text", (c) => c.notNull())
        .addColumn("created_at", "varchar(30)", (c) => c.notNull())
        .addColumn("deleted_at", "varchar(30)")
        .execute();
      await db.schema
        .createTable("registry_versions")
        .addColumn("model", "varchar(128)", (c) => c.notNull().references("registry_models.name"))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("digest", "varchar(80)", (c) => c.notNull())
        .addColumn("format", "varchar(40)", (c) => c.notNull())
        .addColumn("bytes", "bigint", (c) => c.notNull())
        .addColumn("metrics", "text", (c) => c.notNull())
        .addColumn("data_digest", "varchar(200)")
        .addColumn("code_revision", "varchar(200)")
        .addColumn("parent", "varchar(200)")
        .addColumn("scan", "text", (c) => c.notNull())
        .addColumn("signature", "text")
        .addColumn("created_by", "varchar(128)", (c) => c.notNull())
        .addColumn("created_at", "varchar(30)", (c) => c.notNull())
        .addColumn("deleted_at", "varchar(30)")
        .addPrimaryKeyConstraint("registry_versions_pk", ["model", "version"])
        .execute();
      await db.schema
        .createIndex("registry_versions_digest")
        .on("registry_versions")
        .columns(["model", "digest"])
        .unique()
        .execute();
      await db.schema
        .createTable("registry_aliases")
        .addColumn("model", "varchar(128)", (c) => c.notNull())
        .addColumn("alias", "varchar(64)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("updated_by", "varchar(128)", (c) => c.notNull())
        .addColumn("updated_at", "varchar(30)", (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_aliases_pk", ["model", "alias"])
        .execute();
      await db.schema
        .createTable("registry_grants")
        .addColumn("principal", "varchar(128)", (c) => c.notNull())
        .addColumn("scope", "varchar(128)", (c) => c.notNull())
        .addColumn("role", "varchar(20)", (c) => c.notNull())
        .addColumn("granted_by", "varchar(128)", (c) => c.notNull())
        .addColumn("granted_at", "varchar(30)", (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_grants_pk", ["principal", "scope"])
        .execute();
      await db.schema
        .createTable("registry_policies")
        .addColumn("scope", "varchar(128)", (c) => c.primaryKey())
        .addColumn("body", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("registry_audit")
        .addColumn("seq", "integer", (c) => c.primaryKey())
        .addColumn("at", "varchar(30)", (c) => c.notNull())
        .addColumn("actor", "varchar(128)", (c) => c.notNull())
        .addColumn("action", "varchar(40)", (c) => c.notNull())
        .addColumn("target", "varchar(300)", (c) => c.notNull())
        .addColumn("outcome", "varchar(20)", (c) => c.notNull())
        .addColumn("details", "text", (c) => c.notNull())
        .addColumn("prev_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("hash", "varchar(64)", (c) => c.notNull())
        .execute();
    },
  },
  "0002_version_rescan": {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async up(db: Kysely<any>) {
      await db.schema.alterTable("registry_versions").addColumn("last_scan", "text").execute();
    },
  },
  "0003_datasets_tokens_encryption": {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable("registry_models")
        .addColumn("kind", "varchar(10)", (c) => c.notNull().defaultTo("model"))
        .execute();
      await db.schema.alterTable("registry_models").addColumn("purpose", "text").execute();
      await db.schema
        .alterTable("registry_models")
        .addColumn("retention_days", "integer")
        .execute();
      await db.schema
        .alterTable("registry_versions")
        .addColumn("expires_at", "varchar(30)")
        .execute();
      await db.schema.alterTable("registry_versions").addColumn("encryption", "text").execute();
      await db.schema
        .createTable("registry_lineage")
        .addColumn("model", "varchar(128)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("dataset", "varchar(128)", (c) => c.notNull())
        .addColumn("dataset_version", "integer", (c) => c.notNull())
        .addColumn("dataset_digest", "varchar(80)", (c) => c.notNull())
        .addPrimaryKeyConstraint("registry_lineage_pk", ["model", "version", "dataset"])
        .execute();
      await db.schema
        .createIndex("registry_lineage_dataset")
        .on("registry_lineage")
        .columns(["dataset", "dataset_version"])
        .execute();
      await db.schema
        .createTable("registry_tokens")
        .addColumn("id", "varchar(32)", (c) => c.primaryKey())
        .addColumn("principal", "varchar(128)", (c) => c.notNull())
        .addColumn("secret_hmac", "varchar(64)", (c) => c.notNull())
        .addColumn("label", "varchar(200)", (c) => c.notNull())
        .addColumn("created_by", "varchar(128)", (c) => c.notNull())
        .addColumn("created_at", "varchar(30)", (c) => c.notNull())
        .addColumn("expires_at", "varchar(30)")
        .addColumn("revoked_at", "varchar(30)")
        .execute();
    },
  },
  "0004_signature_bundle": {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable("registry_versions")
        .addColumn("signature_bundle", "text")
        .execute();
    },
  },
};
