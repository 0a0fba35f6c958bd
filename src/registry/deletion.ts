// Soft deletion: rows stay for the audit trail and lineage, the blob stays on disk, aliases to
// the deleted versions are dropped.
import { MlsecError } from "../core/index.js";
import { dropAliases } from "./aliases.js";
import type { RegistryCore } from "./core.js";
import { findModel } from "./lookup.js";
import { checkName, NAME } from "./model.js";
import type { Operation } from "./rbac.js";

/** Soft-deletes a version or, without `version`, the artifact and all its versions. */
export async function softDelete(
  core: RegistryCore,
  actor: string,
  model: string,
  version: number | undefined,
  reason: string,
): Promise<{ versions: number[]; aliasesRemoved: string[] }> {
  checkName("model name", model, NAME);
  const target = version === undefined ? model : `${model}@${version}`;
  const op: Operation = version === undefined ? "model.delete" : "version.delete";
  return core.mutate(actor, op, target, model, async (trx) => {
    const m = await findModel(trx, model);
    if (!m || m.deletedAt) throw new MlsecError("E_REGISTRY_NOT_FOUND", `no model ${model}`);
    const now = core.stamp();
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
    const aliasesRemoved = await dropAliases(trx, model, version);
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
