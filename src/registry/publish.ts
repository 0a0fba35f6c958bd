// Publishing: hash, scan and check an artifact against the publish policy, store its blob
// (encrypted when the policy asks), then record the next version with its lineage, all in one
// audited transaction. Also creates artifacts explicitly (datasets need a purpose and retention).
import { buildManifest, keyId } from "../artifacts/index.js";
import { MlsecError, readFileBounded } from "../core/index.js";
import type { Db, Details, RegistryCore } from "./core.js";
import { digestReferenced, findModel, resolveVersion, splitRef } from "./lookup.js";
import type { VersionsTable } from "./migrations.js";
import {
  type ArtifactKind,
  checkName,
  type DatasetRef,
  formatOf,
  NAME,
  type PublishInput,
  type PublishResult,
  versionFromRow,
} from "./model.js";
import { evaluatePolicy, policyFor } from "./policy.js";

const DAY_MS = 86_400_000;
const MAX_RETENTION_DAYS = 36_500;
const MAX_BUNDLE_BYTES = 1 << 20;

export interface CreateInput {
  readonly name: string;
  readonly kind: ArtifactKind;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Datasets: required. */
  readonly purpose?: string;
  /** Datasets: required, 1..36500. */
  readonly retentionDays?: number;
}

/** Registers a model or a dataset before its first version. */
export async function createArtifact(
  core: RegistryCore,
  actor: string,
  input: CreateInput,
): Promise<void> {
  const name = checkName(`${input.kind} name`, input.name, NAME);
  let purpose: string | null = null;
  let retention: number | null = null;
  if (input.kind === "dataset") {
    purpose = input.purpose?.trim() ?? "";
    retention = input.retentionDays ?? 0;
    if (purpose === "") {
      throw new MlsecError("E_INVALID_ARGUMENT", `dataset ${name} needs a declared purpose`, {
        hint: "Say what the data may be used for: --purpose 'fraud model training'.",
      });
    }
    if (!Number.isInteger(retention) || retention < 1 || retention > MAX_RETENTION_DAYS) {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `dataset ${name} needs a retention period of 1..${MAX_RETENTION_DAYS} days`,
        { hint: "Pass --retention-days N: versions older than that are flagged as expired." },
      );
    }
  }
  await core.mutate(actor, "model.create", name, name, async (trx) => {
    if (await findModel(trx, name)) {
      throw new MlsecError("E_REGISTRY_CONFLICT", `${name} already exists`);
    }
    await insertArtifact(core, trx, actor, name, { ...input, purpose, retentionDays: retention });
    return {
      result: undefined,
      details: { kind: input.kind, purpose, retentionDays: retention },
    };
  });
}

async function insertArtifact(
  core: RegistryCore,
  trx: Db,
  actor: string,
  name: string,
  a: {
    kind: ArtifactKind;
    description?: string;
    tags?: readonly string[];
    purpose: string | null;
    retentionDays: number | null;
  },
): Promise<void> {
  await trx
    .insertInto("registry_models")
    .values({
      name,
      owner: actor,
      description: a.description ?? "",
      tags: JSON.stringify([...new Set(a.tags ?? [])].sort()),
      created_at: core.stamp(),
      deleted_at: null,
      kind: a.kind,
      purpose: a.purpose,
      retention_days: a.retentionDays,
    })
    .execute();
}

/**
 * Hashes, scans and (when given) verifies the signature of an artifact, then stores it as the
 * next version. A version that fails the publish policy is rejected with every reason (audited).
 */
export async function publish(
  core: RegistryCore,
  actor: string,
  input: PublishInput,
): Promise<PublishResult> {
  const model = checkName("model name", input.model, NAME);
  // Fail fast (and audited) before the costly hashing and scanning; rechecked in the commit.
  const existing = await findModel(core.db, model);
  const op = existing ? "publish" : "model.create";
  await core.check(actor, op, model, model);
  for (const [k, v] of Object.entries(input.metrics ?? {})) {
    if (!Number.isFinite(v)) throw new MlsecError("E_INVALID_ARGUMENT", `metric ${k} is ${v}`);
  }
  const kind = existing?.kind ?? "model";
  if (kind === "dataset" && (input.datasets?.length ?? 0) > 0) {
    throw new MlsecError("E_INVALID_ARGUMENT", `${model} is a dataset: it has no training data`);
  }
  const datasets = await resolveDatasets(core, actor, input.datasets ?? []);
  const manifest = await buildManifest(input.path, { signaturePath: input.signaturePath });
  const digest = `sha256:${manifest.rootDigest}`;
  const policy = await policyFor(core.db, model);
  const evaluation = await evaluatePolicy(policy, input.path, input.signaturePath, {
    kind,
    canEncrypt: core.blobKey !== undefined,
  });
  const reasons = [...evaluation.reasons, ...expiredReasons(datasets.expired)];
  if (reasons.length > 0) {
    await core.auditAlone({
      actor,
      action: "publish",
      target: model,
      outcome: "rejected",
      details: { digest, reasons, verdict: evaluation.scan.verdict },
    });
    return { status: "rejected", model, digest, reasons };
  }
  // A bundle that verified is kept with the version, so every pull can check it again.
  const signatureBundle =
    evaluation.signature !== null && input.signaturePath !== undefined
      ? Buffer.from(await readFileBounded(input.signaturePath, MAX_BUNDLE_BYTES)).toString("utf8")
      : null;
  const key = policy.requireEncryption ? core.blobKey : undefined;
  const ignore = manifest.serialization.ignore_paths;
  const created = await core.blobs.put(digest, input.path, ignore, { key });
  try {
    return await core.mutate(actor, op, model, model, (trx) =>
      insertVersion(core, trx, actor, input, {
        digest,
        bytes: manifest.bytes,
        evaluation,
        datasets: datasets.refs,
        encrypted: key !== undefined,
        signatureBundle,
      }),
    );
  } catch (error) {
    // No partial state: a blob this call wrote and no version refers to goes away again.
    if (created && !(await digestReferenced(core.db, digest))) {
      await core.blobs.remove(digest, key !== undefined);
    }
    throw error;
  }
}

interface ExpiredRef {
  readonly ref: string;
  readonly expiresAt: string;
}

function expiredReasons(expired: readonly ExpiredRef[]): string[] {
  return expired.map(
    (e) => `training data ${e.ref} is past its retention period (expired ${e.expiresAt})`,
  );
}

/** Resolves `dataset@selector` refs to exact versions the actor may read. */
async function resolveDatasets(
  core: RegistryCore,
  actor: string,
  refs: readonly string[],
): Promise<{ refs: DatasetRef[]; expired: ExpiredRef[] }> {
  const out: DatasetRef[] = [];
  const expired: ExpiredRef[] = [];
  const now = core.stamp();
  for (const ref of refs) {
    const { name } = splitRef(ref);
    await core.check(actor, "pull", ref, name);
    const found = await findModel(core.db, name);
    if (found?.kind !== "dataset") {
      throw new MlsecError("E_INVALID_ARGUMENT", `${name} is not a registered dataset`, {
        hint: "Create it with `mlsec registry create NAME --dataset --purpose ... --retention-days N`.",
      });
    }
    const v = await resolveVersion(core.db, ref);
    if (out.some((d) => d.dataset === name)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `dataset ${name} is named twice`);
    }
    out.push({ dataset: name, version: v.version, digest: v.digest });
    if (v.expiresAt !== null && v.expiresAt <= now) {
      expired.push({ ref: `${name}@${v.version}`, expiresAt: v.expiresAt });
    }
  }
  return { refs: out, expired };
}

async function insertVersion(
  core: RegistryCore,
  trx: Db,
  actor: string,
  input: PublishInput,
  stored: {
    digest: string;
    bytes: number;
    evaluation: Awaited<ReturnType<typeof evaluatePolicy>>;
    datasets: readonly DatasetRef[];
    encrypted: boolean;
    signatureBundle: string | null;
  },
): Promise<{ result: PublishResult; details: Details }> {
  const { digest, evaluation } = stored;
  const model = input.model;
  const now = core.stamp();
  let createdModel = false;
  let found = await findModel(trx, model);
  if (found?.deletedAt) {
    throw new MlsecError("E_REGISTRY_CONFLICT", `model ${model} was deleted; its name stays taken`);
  }
  if (!found) {
    const a = { kind: "model" as const, purpose: null, retentionDays: null };
    await insertArtifact(core, trx, actor, model, { ...input, ...a });
    found = await findModel(trx, model);
    createdModel = true;
  }
  const same = await trx
    .selectFrom("registry_versions")
    .select("version")
    .where("model", "=", model)
    .where("digest", "=", digest)
    .executeTakeFirst();
  if (same) {
    throw new MlsecError(
      "E_REGISTRY_CONFLICT",
      `${model}@${same.version} already holds ${digest}`,
      {
        details: { model, version: same.version, digest },
      },
    );
  }
  if (input.parent !== undefined) await resolveVersion(trx, input.parent);
  const last = await trx
    .selectFrom("registry_versions")
    .select((eb) => eb.fn.max("version").as("max"))
    .where("model", "=", model)
    .executeTakeFirst();
  const version = Number(last?.max ?? 0) + 1;
  const retention = found?.retentionDays ?? null;
  const expiresAt =
    retention === null ? null : new Date(Date.parse(now) + retention * DAY_MS).toISOString();
  const key = stored.encrypted ? core.blobKey : undefined;
  const encryption =
    key === undefined
      ? null
      : { keyKind: key.kind, keyId: key.kind === "key" ? keyIdHex(key.key) : null };
  const row: VersionsTable = {
    model,
    version,
    digest,
    format: input.format ?? formatOf(evaluation.scan),
    bytes: stored.bytes,
    metrics: JSON.stringify(input.metrics ?? {}),
    data_digest: input.dataDigest ?? null,
    code_revision: input.codeRevision ?? null,
    parent: input.parent ?? null,
    scan: JSON.stringify(evaluation.scan),
    signature: evaluation.signature ? JSON.stringify(evaluation.signature) : null,
    created_by: actor,
    created_at: now,
    deleted_at: null,
    last_scan: null,
    expires_at: expiresAt,
    encryption: encryption === null ? null : JSON.stringify(encryption),
    signature_bundle: stored.signatureBundle,
  };
  await trx.insertInto("registry_versions").values(row).execute();
  const lineage = stored.datasets.map((d) => ({
    model,
    version,
    dataset: d.dataset,
    dataset_version: d.version,
    dataset_digest: d.digest,
  }));
  if (lineage.length > 0) await trx.insertInto("registry_lineage").values(lineage).execute();
  return {
    result: {
      status: "published",
      version: versionFromRow(row, lineage),
      createdModel,
    },
    details: {
      version,
      digest,
      createdModel,
      verdict: evaluation.scan.verdict,
      signer: evaluation.signature?.signer ?? null,
      parent: input.parent ?? null,
      dataDigest: input.dataDigest ?? null,
      codeRevision: input.codeRevision ?? null,
      datasets: stored.datasets.map((d) => `${d.dataset}@${d.version} ${d.digest}`),
      encrypted: stored.encrypted,
      expiresAt,
    },
  };
}

function keyIdHex(key: Buffer): string {
  return keyId(key).toString("hex");
}
