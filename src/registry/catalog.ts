// Reading the catalogue: the artifacts an actor may see, one artifact with its versions and
// aliases, and the dataset versions past their retention period with the models trained on them.
import { MlsecError } from "../core/index.js";
import type { RegistryCore } from "./core.js";
import { findModel, withLineage } from "./lookup.js";
import {
  type Alias,
  type ArtifactKind,
  checkName,
  type Model,
  modelFromRow,
  NAME,
  PRINCIPAL,
  type Version,
} from "./model.js";
import { rank, roleOf } from "./rbac.js";

export interface ListOptions {
  readonly includeDeleted?: boolean;
  readonly kind?: ArtifactKind;
  /** Pagination: names after this one. */
  readonly after?: string;
  readonly limit?: number;
}

/** Artifacts the actor may read (all of them for a registry-wide reader), by name. */
export async function list(
  core: RegistryCore,
  actor: string,
  options: ListOptions = {},
): Promise<Model[]> {
  checkName("user", actor, PRINCIPAL);
  const registryRole = await roleOf(core.db, actor);
  let query = core.db.selectFrom("registry_models").selectAll().orderBy("name");
  if (!options.includeDeleted) query = query.where("deleted_at", "is", null);
  if (options.kind) query = query.where("kind", "=", options.kind);
  if (options.after !== undefined) query = query.where("name", ">", options.after);
  const visible: Model[] = [];
  for (const row of await query.execute()) {
    if (rank(registryRole) < rank("reader") && rank(await roleOf(core.db, actor, row.name)) < 1) {
      continue;
    }
    visible.push(modelFromRow(row));
    if (options.limit !== undefined && visible.length >= options.limit) break;
  }
  return visible;
}

export interface ExpiredVersion {
  readonly dataset: string;
  readonly version: number;
  readonly expiresAt: string;
}

export interface Shown {
  readonly model: Model;
  readonly versions: Version[];
  readonly aliases: Alias[];
  /** Dataset versions past retention: this dataset's own, or those a model version used. */
  readonly expired: readonly (ExpiredVersion & { readonly usedBy: number | null })[];
}

export async function show(
  core: RegistryCore,
  actor: string,
  name: string,
  options: { includeDeleted?: boolean } = {},
): Promise<Shown> {
  checkName("model name", name, NAME);
  await core.check(actor, "show", name, name);
  const model = await findModel(core.db, name);
  if (!model || (model.deletedAt && !options.includeDeleted)) {
    throw new MlsecError("E_REGISTRY_NOT_FOUND", `no model ${name}`);
  }
  let q = core.db
    .selectFrom("registry_versions")
    .selectAll()
    .where("model", "=", name)
    .orderBy("version");
  if (!options.includeDeleted) q = q.where("deleted_at", "is", null);
  const versions = await withLineage(core.db, await q.execute());
  const aliases = (
    await core.db
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
  const now = core.stamp();
  const expired: Shown["expired"][number][] = [];
  for (const v of versions) {
    if (v.expiresAt !== null && v.expiresAt <= now) {
      expired.push({ dataset: name, version: v.version, expiresAt: v.expiresAt, usedBy: null });
    }
  }
  const used = versions.flatMap((v) => v.lineage.datasets.map((d) => ({ v, d })));
  for (const { v, d } of used) {
    const row = await core.db
      .selectFrom("registry_versions")
      .select("expires_at")
      .where("model", "=", d.dataset)
      .where("version", "=", d.version)
      .executeTakeFirst();
    if (row?.expires_at && row.expires_at <= now) {
      expired.push({
        dataset: d.dataset,
        version: d.version,
        expiresAt: row.expires_at,
        usedBy: v.version,
      });
    }
  }
  return { model, versions, aliases, expired };
}

export interface ExpiredReport extends ExpiredVersion {
  readonly purpose: string;
  /** Live model versions trained on it, `model@N`. */
  readonly usedBy: readonly string[];
}

/** Live dataset versions past their retention period that the actor may read. */
export async function expired(core: RegistryCore, actor: string): Promise<ExpiredReport[]> {
  const datasets = await list(core, actor, { kind: "dataset" });
  const now = core.stamp();
  const out: ExpiredReport[] = [];
  for (const d of datasets) {
    const rows = await core.db
      .selectFrom("registry_versions")
      .select(["version", "expires_at"])
      .where("model", "=", d.name)
      .where("deleted_at", "is", null)
      .where("expires_at", "<=", now)
      .orderBy("version")
      .execute();
    for (const r of rows) {
      const users = await core.db
        .selectFrom("registry_lineage as l")
        .innerJoin("registry_versions as v", (j) =>
          j.onRef("v.model", "=", "l.model").onRef("v.version", "=", "l.version"),
        )
        .select(["l.model", "l.version"])
        .where("l.dataset", "=", d.name)
        .where("l.dataset_version", "=", r.version)
        .where("v.deleted_at", "is", null)
        .orderBy("l.model")
        .orderBy("l.version")
        .execute();
      out.push({
        dataset: d.name,
        version: Number(r.version),
        expiresAt: r.expires_at as string,
        purpose: d.purpose ?? "",
        usedBy: users.map((u) => `${u.model}@${u.version}`),
      });
    }
  }
  return out;
}
