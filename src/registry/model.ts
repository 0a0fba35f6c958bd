// Registry records (models, datasets, versions, aliases) as the API returns them, and the name
// rules.
import { MlsecError } from "../core/index.js";
import type { LineageTable, ModelsTable, VersionsTable } from "./migrations.js";
import type { ScanRecord, SignatureRecord } from "./policy.js";

export const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;
export const PRINCIPAL = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export function checkName(kind: string, value: string, re: RegExp): string {
  // Names reach file paths and URLs elsewhere: a strict alphabet rules out traversal ("../").
  if (!re.test(value)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `invalid ${kind} "${value}"`, {
      hint: `A ${kind} matches ${re.source}.`,
    });
  }
  return value;
}

export const ARTIFACT_KINDS = ["model", "dataset"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** A registered artifact: a model or a dataset (one namespace for both). */
export interface Model {
  readonly name: string;
  readonly kind: ArtifactKind;
  readonly owner: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Datasets: the declared purpose the data may be used for. */
  readonly purpose: string | null;
  /** Datasets: days a version may be kept after publishing. */
  readonly retentionDays: number | null;
  readonly createdAt: string;
  readonly deletedAt: string | null;
}

/** The exact dataset version a model version was trained on. */
export interface DatasetRef {
  readonly dataset: string;
  readonly version: number;
  readonly digest: string;
}

export interface Version {
  readonly model: string;
  readonly version: number;
  readonly digest: string;
  readonly format: string;
  readonly bytes: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly lineage: {
    readonly dataDigest: string | null;
    readonly codeRevision: string | null;
    readonly parent: string | null;
    readonly datasets: readonly DatasetRef[];
  };
  readonly scan: ScanRecord;
  readonly signature: SignatureRecord | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly deletedAt: string | null;
  /** The latest re-scan of the stored blob (`rescan`), null until there is one. */
  readonly lastScan: { readonly at: string; readonly scan: ScanRecord } | null;
  /** Datasets: the end of this version's retention period. */
  readonly expiresAt: string | null;
  /** How the blob is encrypted at rest, null when it is stored in clear. */
  readonly encryption: { readonly keyKind: string; readonly keyId: string | null } | null;
}

export interface RescanChange {
  readonly model: string;
  readonly version: number;
  readonly before: string;
  /** The new scan verdict, or `tampered` when the blob no longer matches its digest. */
  readonly after: string;
  readonly aliasesRemoved: readonly string[];
}

export interface Alias {
  readonly alias: string;
  readonly version: number;
  readonly reason: string;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

export interface PublishInput {
  readonly model: string;
  readonly path: string;
  readonly format?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly dataDigest?: string;
  readonly codeRevision?: string;
  /** `model@version` of the version this one derives from. */
  readonly parent?: string;
  /** `dataset@version` (or `@alias`, `@latest`) of the data the model was trained on. */
  readonly datasets?: readonly string[];
  readonly signaturePath?: string;
  /** Used when the artifact is created by this publish. */
  readonly description?: string;
  readonly tags?: readonly string[];
}

export type PublishResult =
  | { readonly status: "published"; readonly version: Version; readonly createdModel: boolean }
  | {
      readonly status: "rejected";
      readonly model: string;
      readonly digest: string;
      readonly reasons: readonly string[];
    };

/** The model's format as the scanner saw it: `onnx`, `pickle`, or `a+b` for a mixed directory. */
export function formatOf(scan: ScanRecord): string {
  return scan.formats.length === 0 ? "empty" : scan.formats.join("+");
}

export function modelFromRow(row: ModelsTable): Model {
  return {
    name: row.name,
    kind: row.kind === "dataset" ? "dataset" : "model",
    owner: row.owner,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    purpose: row.purpose,
    retentionDays: row.retention_days === null ? null : Number(row.retention_days),
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

export function versionFromRow(row: VersionsTable, lineage: readonly LineageTable[] = []): Version {
  return {
    model: row.model,
    version: Number(row.version),
    digest: row.digest,
    format: row.format,
    bytes: Number(row.bytes),
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    lineage: {
      dataDigest: row.data_digest,
      codeRevision: row.code_revision,
      parent: row.parent,
      datasets: lineage
        .filter((l) => l.model === row.model && Number(l.version) === Number(row.version))
        .map((l) => ({
          dataset: l.dataset,
          version: Number(l.dataset_version),
          digest: l.dataset_digest,
        })),
    },
    scan: JSON.parse(row.scan) as ScanRecord,
    signature: row.signature === null ? null : (JSON.parse(row.signature) as SignatureRecord),
    createdBy: row.created_by,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    lastScan: row.last_scan ? (JSON.parse(row.last_scan) as Version["lastScan"]) : null,
    expiresAt: row.expires_at ?? null,
    encryption: row.encryption ? (JSON.parse(row.encryption) as Version["encryption"]) : null,
  };
}
