// Aliases (`production`, `staging`, user-defined) that move between versions with a reason.
import { MlsecError } from "../core/index.js";
import type { RegistryCore } from "./core.js";
import { resolveVersion } from "./lookup.js";
import { ALIAS, checkName, NAME } from "./model.js";

/** Points `alias` at a live version, recording why (and where it pointed before). */
export async function setAlias(
  core: RegistryCore,
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
  return core.mutate(actor, "alias.set", `${model}@${alias}`, model, async (trx) => {
    await resolveVersion(trx, `${model}@${version}`);
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
      .values({ model, alias, version, reason, updated_by: actor, updated_at: core.stamp() })
      .execute();
    const previous = old ? Number(old.version) : null;
    return { result: { previous }, details: { alias, version, previous, reason } };
  });
}

/** Drops the aliases of `model` (those on `version` only, when given); returns their names. */
export async function dropAliases(
  trx: RegistryCore["db"],
  model: string,
  version?: number,
): Promise<string[]> {
  let q = trx.selectFrom("registry_aliases").select("alias").where("model", "=", model);
  if (version !== undefined) q = q.where("version", "=", version);
  const names = (await q.orderBy("alias").execute()).map((a) => a.alias);
  if (names.length > 0) {
    await trx
      .deleteFrom("registry_aliases")
      .where("model", "=", model)
      .where("alias", "in", names)
      .execute();
  }
  return names;
}
