// Who may do what: bootstrapping the first admin, grants, revocations and publish policies.

import { lockAudit } from "./audit.js";
import type { RegistryCore } from "./core.js";
import { checkName, NAME, PRINCIPAL } from "./model.js";
import type { PublishPolicy } from "./policy.js";
import { REGISTRY_SCOPE, type Role } from "./rbac.js";

/**
 * Sets the registry up for `actor`: on an empty registry it makes `actor` admin (bootstrap);
 * afterwards it needs admin. Optionally sets the registry-wide publish policy.
 */
export async function init(
  core: RegistryCore,
  actor: string,
  policy?: PublishPolicy,
): Promise<{ bootstrapped: boolean }> {
  checkName("user", actor, PRINCIPAL);
  const bootstrapped = await core.db.transaction().execute(async (trx) => {
    await lockAudit(trx, core.store.dialect);
    const any = await trx.selectFrom("registry_grants").select("principal").limit(1).execute();
    if (any.length > 0) return false;
    await trx
      .insertInto("registry_grants")
      .values({
        principal: actor,
        scope: REGISTRY_SCOPE,
        role: "admin",
        granted_by: actor,
        granted_at: core.stamp(),
      })
      .execute();
    await core.audit(trx, {
      actor,
      action: "init",
      target: REGISTRY_SCOPE,
      outcome: "ok",
      details: { admin: actor },
    });
    return true;
  });
  if (policy) await setPolicy(core, actor, policy);
  return { bootstrapped };
}

export async function setPolicy(
  core: RegistryCore,
  actor: string,
  policy: PublishPolicy,
  model?: string,
): Promise<void> {
  const scope = model === undefined ? REGISTRY_SCOPE : checkName("model name", model, NAME);
  await core.mutate(actor, "policy.set", scope, model, async (trx) => {
    const body = JSON.stringify(policy);
    await trx.deleteFrom("registry_policies").where("scope", "=", scope).execute();
    await trx.insertInto("registry_policies").values({ scope, body }).execute();
    return {
      result: undefined,
      details: {
        requireCleanScan: policy.requireCleanScan,
        requireSignature: policy.requireSignature,
        trustedKeys: policy.trustedKeys.length,
        requireEncryption: policy.requireEncryption === true,
      },
    };
  });
}

export async function grant(
  core: RegistryCore,
  actor: string,
  principal: string,
  role: Role,
  model?: string,
): Promise<void> {
  checkName("user", principal, PRINCIPAL);
  const scope = model === undefined ? REGISTRY_SCOPE : checkName("model name", model, NAME);
  await core.mutate(actor, "grant", scope, model, async (trx) => {
    await trx
      .deleteFrom("registry_grants")
      .where("principal", "=", principal)
      .where("scope", "=", scope)
      .execute();
    await trx
      .insertInto("registry_grants")
      .values({ principal, scope, role, granted_by: actor, granted_at: core.stamp() })
      .execute();
    return { result: undefined, details: { principal, role, scope } };
  });
}

export async function revoke(
  core: RegistryCore,
  actor: string,
  principal: string,
  model?: string,
): Promise<boolean> {
  checkName("user", principal, PRINCIPAL);
  const scope = model === undefined ? REGISTRY_SCOPE : checkName("model name", model, NAME);
  return core.mutate(actor, "revoke", scope, model, async (trx) => {
    const r = await trx
      .deleteFrom("registry_grants")
      .where("principal", "=", principal)
      .where("scope", "=", scope)
      .executeTakeFirst();
    const removed = Number(r.numDeletedRows) > 0;
    return { result: removed, details: { principal, scope, removed } };
  });
}
