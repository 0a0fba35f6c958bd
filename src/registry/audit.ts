// Tamper-evident audit log: an append-only hash chain (as in RFC 6962 §2.1's chained-hash idea,
// without the tree). Entry n stores prev_hash = hash(n-1) and
//   hash(n) = SHA-256( UTF-8( JCS({seq, at, actor, action, target, outcome, details, prevHash}) ) )
// where JCS is RFC 8785 (canonical-json.ts). Editing a field, deleting or reordering rows breaks
// the recomputed chain at the first affected entry. Cutting entries off the end is only visible
// against a checkpoint (the head hash and count) kept elsewhere: pass it as `expect`.
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { canonicalJson, type JsonValue } from "./canonical-json.js";
import type { AuditTable, RegistryDatabase } from "./migrations.js";

export const GENESIS_HASH = "0".repeat(64);

export type AuditOutcome = "ok" | "denied" | "rejected";

export interface AuditInput {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: AuditOutcome;
  readonly details: { readonly [key: string]: JsonValue };
}

export interface AuditEntry extends AuditInput {
  readonly seq: number;
  readonly at: string;
  readonly prevHash: string;
  readonly hash: string;
}

export function entryHash(e: Omit<AuditEntry, "hash">): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    details: e.details,
    prevHash: e.prevHash,
  });
  return createHash("sha256").update(body, "utf8").digest("hex");
}

/**
 * Serialises registry writers on PostgreSQL: taken first in every mutation, it orders the
 * version numbering and the audit chain (concurrent readers are not blocked). Re-taking it in
 * the same transaction is a no-op. SQLite runs one write transaction at a time anyway.
 */
export async function lockAudit(trx: Kysely<RegistryDatabase>, dialect: "sqlite" | "postgres") {
  if (dialect === "postgres") await sql`LOCK TABLE registry_audit IN EXCLUSIVE MODE`.execute(trx);
}

/**
 * Appends one entry. Call inside the transaction that makes the change, so the change and its
 * record commit together. On PostgreSQL the table lock orders concurrent appenders; SQLite runs
 * one write transaction at a time anyway.
 */
export async function appendAudit(
  trx: Kysely<RegistryDatabase>,
  dialect: "sqlite" | "postgres",
  input: AuditInput,
  at: string,
): Promise<AuditEntry> {
  await lockAudit(trx, dialect);
  const last = await trx
    .selectFrom("registry_audit")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const partial = {
    ...input,
    seq: (last?.seq ?? 0) + 1,
    at,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const entry: AuditEntry = { ...partial, hash: entryHash(partial) };
  await trx
    .insertInto("registry_audit")
    .values({
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome,
      details: canonicalJson(entry.details),
      prev_hash: entry.prevHash,
      hash: entry.hash,
    })
    .execute();
  return entry;
}

export function entryFromRow(row: AuditTable): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditOutcome,
    details: JSON.parse(row.details) as AuditEntry["details"],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditBreak {
  /** The `seq` of the first row that does not fit the chain (the row at that position). */
  readonly seq: number;
  readonly position: number;
  readonly reason: string;
}

export type AuditVerification =
  | { readonly valid: true; readonly entries: number; readonly head: string }
  | {
      readonly valid: false;
      readonly entries: number;
      readonly head: string;
      readonly firstBreak: AuditBreak;
    };

export interface AuditCheckpoint {
  readonly entries: number;
  readonly head: string;
}

/** Checks the chain over rows in `seq` order; names the first broken link. */
export function verifyAuditRows(
  rows: readonly AuditTable[],
  expect?: AuditCheckpoint,
): AuditVerification {
  let prev = GENESIS_HASH;
  const fail = (position: number, reason: string): AuditVerification => ({
    valid: false,
    entries: rows.length,
    head: rows.at(-1)?.hash ?? GENESIS_HASH,
    firstBreak: {
      seq: Number(rows[position]?.seq ?? position + 1),
      position: position + 1,
      reason,
    },
  });
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as AuditTable;
    if (Number(row.seq) !== i + 1) {
      return fail(i, `entry at position ${i + 1} has seq ${row.seq} (deleted or reordered entry)`);
    }
    if (row.prev_hash !== prev) {
      return fail(i, "prev_hash does not match the previous entry's hash");
    }
    let entry: AuditEntry;
    try {
      entry = entryFromRow(row);
    } catch {
      return fail(i, "details are not valid JSON");
    }
    // The stored details must be the canonical text, so two spellings cannot share one hash.
    if (canonicalJson(entry.details) !== row.details) {
      return fail(i, "details are not in canonical (RFC 8785) form");
    }
    if (entryHash(entry) !== row.hash) return fail(i, "hash does not match the entry's content");
    prev = row.hash;
  }
  if (expect) {
    if (rows.length < expect.entries) {
      return fail(rows.length, `log has ${rows.length} entries, checkpoint has ${expect.entries}`);
    }
    const at = rows[expect.entries - 1];
    if (expect.entries > 0 && at?.hash !== expect.head) {
      return fail(expect.entries - 1, "entry does not match the checkpoint's head hash");
    }
  }
  return { valid: true, entries: rows.length, head: prev };
}
