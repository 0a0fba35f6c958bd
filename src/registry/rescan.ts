// `rescan`: audits do not stop at publish. Every live version's stored blob is scanned again
// with today's rules; the result is recorded on the version and in the audit log.
import { isMlsecError } from "../core/index.js";
import { scanPaths } from "../scan/index.js";
import { dropAliases } from "./aliases.js";
import type { RegistryCore } from "./core.js";
import { withLineage } from "./lookup.js";
import type { RescanChange, Version } from "./model.js";
import { type ScanRecord, scanRecord } from "./policy.js";
import { withVerifiedCopy } from "./pull.js";
import { REGISTRY_SCOPE } from "./rbac.js";

/**
 * With `demote`, aliases pointing at a version that is not `safe` are removed in the same
 * transaction. Returns the versions whose verdict changed or that lost aliases.
 */
export async function rescan(
  core: RegistryCore,
  actor: string,
  options: { demote?: boolean } = {},
): Promise<RescanChange[]> {
  await core.check(actor, "rescan", REGISTRY_SCOPE);
  const rows = await core.db
    .selectFrom("registry_versions")
    .selectAll()
    .where("deleted_at", "is", null)
    .orderBy("model")
    .orderBy("version")
    .execute();
  const kinds = new Map(
    (await core.db.selectFrom("registry_models").select(["name", "kind"]).execute()).map((m) => [
      m.name,
      m.kind === "dataset" ? ("dataset" as const) : ("model" as const),
    ]),
  );
  const changes: RescanChange[] = [];
  for (const v of await withLineage(core.db, rows)) {
    const before = (v.lastScan?.scan ?? v.scan).verdict;
    const target = `${v.model}@${v.version}`;
    // The blob is read through a verified copy: a rescan also catches a blob altered on disk.
    let scan: ScanRecord;
    try {
      scan = await withVerifiedCopy(core, v, async (path) =>
        scanRecord(scanPaths([path]), kinds.get(v.model)),
      );
    } catch (error) {
      if (!isMlsecError(error) || !TAMPERED.includes(error.code)) throw error;
      changes.push(await recordTampered(core, actor, v, before, error.message, options.demote));
      continue;
    }
    const change = await core.mutate(actor, "rescan", target, undefined, async (trx) => {
      const at = core.stamp();
      await trx
        .updateTable("registry_versions")
        .set({ last_scan: JSON.stringify({ at, scan }) })
        .where("model", "=", v.model)
        .where("version", "=", v.version)
        .execute();
      const aliasesRemoved =
        options.demote && scan.verdict !== "safe" ? await dropAliases(trx, v.model, v.version) : [];
      const findings = scan.findings.map((f) => `${f.ruleId}: ${f.message}`);
      return {
        result: { model: v.model, version: v.version, before, after: scan.verdict, aliasesRemoved },
        details: { before, after: scan.verdict, findings, aliasesRemoved },
      };
    });
    if (change.before !== change.after || change.aliasesRemoved.length > 0) changes.push(change);
  }
  return changes;
}

/** Codes of a blob that no longer matches its digest (or fails decryption). */
const TAMPERED: readonly string[] = ["E_MODEL_MODIFIED", "E_DECRYPT_AUTH", "E_REGISTRY_NOT_FOUND"];

async function recordTampered(
  core: RegistryCore,
  actor: string,
  v: Version,
  before: string,
  reason: string,
  demote: boolean | undefined,
): Promise<RescanChange> {
  return core.mutate(actor, "rescan", `${v.model}@${v.version}`, undefined, async (trx) => {
    const aliasesRemoved = demote ? await dropAliases(trx, v.model, v.version) : [];
    return {
      result: { model: v.model, version: v.version, before, after: "tampered", aliasesRemoved },
      details: { before, after: "tampered", findings: [reason], aliasesRemoved },
    };
  });
}
