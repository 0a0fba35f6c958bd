// Reading registry records: artifacts by name, versions by `name@N|alias|latest`, lineage rows.
import { MlsecError } from "../core/index.js";
import type { Db } from "./core.js";
import type { VersionsTable } from "./migrations.js";
import {
  ALIAS,
  checkName,
  type Model,
  modelFromRow,
  NAME,
  type Version,
  versionFromRow,
} from "./model.js";

export async function findModel(db: Db, name: string): Promise<Model | undefined> {
  const row = await db
    .selectFrom("registry_models")
    .selectAll()
    .where("name", "=", name)
    .executeTakeFirst();
  return row ? modelFromRow(row) : undefined;
}

/** Versions with their dataset lineage attached. */
export async function withLineage(db: Db, rows: readonly VersionsTable[]): Promise<Version[]> {
  if (rows.length === 0) return [];
  const models = [...new Set(rows.map((r) => r.model))];
  const lineage = await db
    .selectFrom("registry_lineage")
    .selectAll()
    .where("model", "in", models)
    .orderBy("dataset")
    .execute();
  return rows.map((r) => versionFromRow(r, lineage));
}

/** Splits `name@selector`; a bare name means `@latest`. */
export function splitRef(ref: string): { name: string; selector: string } {
  const at = ref.lastIndexOf("@");
  if (at === 0) {
    throw new MlsecError("E_INVALID_ARGUMENT", `"${ref}" is not name@version or name@alias`);
  }
  const name = checkName("name", at < 0 ? ref : ref.slice(0, at), NAME);
  return { name, selector: at < 0 ? "latest" : ref.slice(at + 1) };
}

/** Resolves `name@N`, `name@alias` or `name@latest` to a live version. */
export async function resolveVersion(db: Db, ref: string): Promise<Version> {
  const { name, selector } = splitRef(ref);
  let version: number;
  if (/^[1-9]\d{0,8}$/.test(selector)) {
    version = Number(selector);
  } else if (selector === "latest") {
    const last = await db
      .selectFrom("registry_versions")
      .select((eb) => eb.fn.max("version").as("max"))
      .where("model", "=", name)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (last?.max == null) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no versions of ${name}`);
    version = Number(last.max);
  } else {
    const alias = await db
      .selectFrom("registry_aliases")
      .select("version")
      .where("model", "=", name)
      .where("alias", "=", checkName("alias", selector, ALIAS))
      .executeTakeFirst();
    if (!alias) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no alias ${ref}`);
    version = Number(alias.version);
  }
  const row = await db
    .selectFrom("registry_versions")
    .selectAll()
    .where("model", "=", name)
    .where("version", "=", version)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!row) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no version ${name}@${version}`);
  const [v] = await withLineage(db, [row]);
  return v as Version;
}

export async function digestReferenced(db: Db, digest: string): Promise<boolean> {
  const r = await db
    .selectFrom("registry_versions")
    .select("model")
    .where("digest", "=", digest)
    .limit(1)
    .execute();
  return r.length > 0;
}
