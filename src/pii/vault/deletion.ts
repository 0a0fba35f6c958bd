// Deleting data subjects: "forget" removes one subject's records and destroys its key
// (GDPR Art. 17, right to erasure); retention removes records older than a limit (GDPR
// Art. 5(1)(e), storage limitation) and destroys the keys of subjects left without records.
// Both return what changed, ready for a deletion receipt.

import { MlsecError } from "../../core/index.js";
import { forgetSubject, type KeyTable, type MasterKeys } from "./key-table.js";
import type { VaultRecord } from "./records.js";

export interface DeletionPlan {
  readonly records: VaultRecord[];
  readonly removed: number;
  readonly table: KeyTable;
  /** Subjects whose keys were destroyed. */
  readonly forgotten: readonly string[];
}

function subjectId(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export function planForget(
  records: readonly VaultRecord[],
  subjectField: string,
  subject: string,
  table: KeyTable,
  keys: MasterKeys,
): DeletionPlan {
  const next = forgetSubject(table, subject, keys);
  const kept = records.filter((r) => subjectId(r[subjectField]) !== subject);
  return {
    records: kept,
    removed: records.length - kept.length,
    table: next,
    forgotten: [subject],
  };
}

const DAY_MS = 86_400_000;

function timeOf(value: unknown, field: string, index: number): number {
  const t = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) {
    throw new MlsecError(
      "E_DATA_FORMAT",
      `record ${index + 1}: field "${field}" is not an ISO 8601 date or time (${JSON.stringify(value)})`,
      {
        hint: "Retention needs a clear-text timestamp field such as 2025-01-31 or 2025-01-31T12:00:00Z.",
      },
    );
  }
  return t;
}

export interface RetentionPlan extends DeletionPlan {
  readonly cutoff: string;
}

/** Removes records whose `timeField` is more than `maxAgeDays` before `now`. */
export function planRetention(
  records: readonly VaultRecord[],
  subjectField: string,
  timeField: string,
  maxAgeDays: number,
  now: Date,
  table: KeyTable,
  keys: MasterKeys,
): RetentionPlan {
  if (!(maxAgeDays >= 0) || !Number.isFinite(maxAgeDays)) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `the retention period must be >= 0 days, got ${maxAgeDays}`,
    );
  }
  const cutoff = now.getTime() - maxAgeDays * DAY_MS;
  const kept: VaultRecord[] = [];
  const remaining = new Set<string>();
  const seen = new Set<string>();
  records.forEach((r, i) => {
    const s = subjectId(r[subjectField]);
    if (s !== undefined) seen.add(s);
    if (timeOf(r[timeField], timeField, i) >= cutoff) {
      kept.push(r);
      if (s !== undefined) remaining.add(s);
    }
  });
  let next = table;
  const forgotten: string[] = [];
  for (const s of [...seen].sort()) {
    if (!remaining.has(s) && next.subjects[s] !== undefined) {
      next = forgetSubject(next, s, keys);
      forgotten.push(s);
    }
  }
  return {
    records: kept,
    removed: records.length - kept.length,
    table: next,
    forgotten,
    cutoff: new Date(cutoff).toISOString(),
  };
}
