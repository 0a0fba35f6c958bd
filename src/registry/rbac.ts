// Role-based access control: deny by default. A principal's role on a model is the highest of
// its registry-wide grant (scope `*`) and its grant on that model; roles nest (admin ⊇
// maintainer ⊇ publisher ⊇ reader).
import type { Kysely } from "kysely";
import type { RegistryDatabase } from "./migrations.js";

export const ROLES = ["reader", "publisher", "maintainer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const REGISTRY_SCOPE = "*";

/** What each operation needs, checked in one place (RegistryCore.authorize). */
export const PERMISSIONS = {
  list: "reader",
  show: "reader",
  pull: "reader",
  "audit.verify": "reader",
  "audit.list": "admin",
  "audit.checkpoint": "maintainer",
  publish: "publisher",
  "model.create": "publisher",
  "alias.set": "publisher",
  "version.delete": "maintainer",
  "model.delete": "admin",
  grant: "admin",
  revoke: "admin",
  "policy.set": "admin",
  rescan: "maintainer",
  /** A token for oneself. */
  "token.create": "reader",
  "token.revoke": "reader",
  /** A token for, or revoking one of, another principal. */
  "token.issue": "admin",
  "token.revoke.other": "admin",
} as const satisfies Record<string, Role>;
export type Operation = keyof typeof PERMISSIONS;

export function rank(role: Role | undefined): number {
  return role === undefined ? 0 : ROLES.indexOf(role) + 1;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The effective role of `principal` on `model` (or on the registry when `model` is omitted). */
export async function roleOf(
  db: Kysely<RegistryDatabase>,
  principal: string,
  model?: string,
): Promise<Role | undefined> {
  const scopes = model === undefined ? [REGISTRY_SCOPE] : [REGISTRY_SCOPE, model];
  const rows = await db
    .selectFrom("registry_grants")
    .select("role")
    .where("principal", "=", principal)
    .where("scope", "in", scopes)
    .execute();
  let best: Role | undefined;
  for (const { role } of rows) {
    if (isRole(role) && rank(role) > rank(best)) best = role;
  }
  return best;
}
