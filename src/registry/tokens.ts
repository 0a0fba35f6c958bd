// API tokens for the HTTP API: 256 random bits, shown once, kept only as HMAC-SHA256 of the
// secret. A token looks like `mlsec_<id>_<secret>`: the id finds the row, the secret is
// compared in constant time. Argon2id matters for low-entropy passwords; a 256-bit random secret
// cannot be guessed offline, so a keyed hash is enough (and does not slow every request down).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { MlsecError } from "../core/index.js";
import type { RegistryCore } from "./core.js";
import { checkName, PRINCIPAL } from "./model.js";
import { REGISTRY_SCOPE, roleOf } from "./rbac.js";

const HMAC_KEY = "mlsec registry token v1";
const TOKEN = /^mlsec_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const DAY_MS = 86_400_000;

export interface TokenInfo {
  readonly id: string;
  readonly principal: string;
  readonly label: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

function secretHmac(secret: string): Buffer {
  return createHmac("sha256", HMAC_KEY).update(secret, "utf8").digest();
}

/** Issues a token for `principal` (yourself as any role holder, anyone else as admin). */
export async function createToken(
  core: RegistryCore,
  actor: string,
  options: { principal?: string; label?: string; ttlDays?: number },
): Promise<{ token: string; info: TokenInfo }> {
  const principal = checkName("user", options.principal ?? actor, PRINCIPAL);
  const label = (options.label ?? "").slice(0, 200);
  const ttl = options.ttlDays;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 3650)) {
    throw new MlsecError("E_INVALID_ARGUMENT", "a token lives 1..3650 days");
  }
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const op = principal === actor ? "token.create" : "token.issue";
  const scope = principal === actor ? await someScopeOf(core, actor) : undefined;
  const info = await core.mutate(actor, op, principal, scope, async (trx) => {
    const createdAt = core.stamp();
    const expiresAt =
      ttl === undefined ? null : new Date(Date.parse(createdAt) + ttl * DAY_MS).toISOString();
    await trx
      .insertInto("registry_tokens")
      .values({
        id,
        principal,
        secret_hmac: secretHmac(secret).toString("hex"),
        label,
        created_by: actor,
        created_at: createdAt,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    const result: TokenInfo = {
      id,
      principal,
      label,
      createdBy: actor,
      createdAt,
      expiresAt,
      revokedAt: null,
    };
    return { result, details: { id, principal, label, expiresAt } };
  });
  return { token: `mlsec_${id}_${secret}`, info };
}

export async function revokeToken(core: RegistryCore, actor: string, id: string): Promise<void> {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new MlsecError("E_INVALID_ARGUMENT", `no token id ${id}`);
  const row = await core.db
    .selectFrom("registry_tokens")
    .select("principal")
    .where("id", "=", id)
    .executeTakeFirst();
  const own = row?.principal === actor;
  const op = own ? "token.revoke" : "token.revoke.other";
  const scope = own ? await someScopeOf(core, actor) : undefined;
  await core.mutate(actor, op, `token:${id}`, scope, async (trx) => {
    const r = await trx
      .updateTable("registry_tokens")
      .set({ revoked_at: core.stamp() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      throw new MlsecError("E_REGISTRY_NOT_FOUND", `no live token ${id}`);
    }
    return { result: undefined, details: { id, principal: row?.principal ?? null } };
  });
}

/** The actor's own tokens, or everyone's for a registry admin; secrets are never kept. */
export async function listTokens(core: RegistryCore, actor: string): Promise<TokenInfo[]> {
  checkName("user", actor, PRINCIPAL);
  const admin = (await roleOf(core.db, actor)) === "admin";
  let q = core.db.selectFrom("registry_tokens").selectAll().orderBy("created_at").orderBy("id");
  if (!admin) q = q.where("principal", "=", actor);
  return (await q.execute()).map((r) => ({
    id: r.id,
    principal: r.principal,
    label: r.label,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * A model the actor holds a grant on (undefined for a registry-wide grant or none): a token for
 * oneself needs a role somewhere, so someone granted only on one model can have a token too.
 */
async function someScopeOf(core: RegistryCore, actor: string): Promise<string | undefined> {
  const row = await core.db
    .selectFrom("registry_grants")
    .select("scope")
    .where("principal", "=", actor)
    .orderBy("scope")
    .limit(1)
    .executeTakeFirst();
  return row === undefined || row.scope === REGISTRY_SCOPE ? undefined : row.scope;
}

/** The principal a presented token proves, or undefined (unknown, wrong, revoked, expired). */
export async function authenticateToken(
  core: RegistryCore,
  token: string,
): Promise<string | undefined> {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const row = await core.db
    .selectFrom("registry_tokens")
    .selectAll()
    .where("id", "=", m[1] as string)
    .executeTakeFirst();
  // The HMAC is computed even for an unknown id, so timing does not tell ids apart.
  const presented = secretHmac(m[2] as string);
  const stored = row ? Buffer.from(row.secret_hmac, "hex") : Buffer.alloc(32);
  if (!timingSafeEqual(presented, stored) || !row) return undefined;
  if (row.revoked_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= core.stamp()) return undefined;
  return row.principal;
}
