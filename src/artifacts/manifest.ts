// Model manifests as defined by the OpenSSF model-signing format v1.0
// (sigstore/model-transparency: predicate.serialization + predicate.resources; shards are
// "path:start:end" with algorithm "sha256-sharded-<size>"; the subject digest is SHA-256 over
// the raw resource digests in canonical order).

import { createHash } from "node:crypto";
import { basename, relative, resolve, sep } from "node:path";
import { MlsecError, type ProgressListener } from "../core/index.js";
import { type HashTask, hashRanges } from "./hash-pool.js";
import { compareNames, DEFAULT_IGNORED, normalizeRelative, walkModel } from "./walk.js";

/** model_signing's default shard size (1 GB). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

export type SerializationMethod = "files" | "shards";

/** predicate.serialization, in the format's own field names. */
export interface Serialization {
  readonly method: SerializationMethod;
  readonly hash_type: "sha256";
  readonly allow_symlinks: boolean;
  readonly shard_size?: number;
  readonly ignore_paths?: readonly string[];
}

/** One entry of predicate.resources. */
export interface Resource {
  readonly name: string;
  readonly algorithm: string;
  /** Lower-case hex. */
  readonly digest: string;
}

export interface Manifest {
  readonly modelName: string;
  readonly serialization: Serialization;
  /** In canonical order. */
  readonly resources: readonly Resource[];
  /** Hex SHA-256 over the raw resource digests in order: the in-toto subject digest. */
  readonly rootDigest: string;
  /** Bytes hashed. */
  readonly bytes: number;
}

export interface ManifestOptions {
  readonly method?: SerializationMethod;
  readonly shardSize?: number;
  readonly allowSymlinks?: boolean;
  /** Extra paths to ignore, relative to the model root. */
  readonly ignorePaths?: readonly string[];
  /** The signature file: ignored when it lies inside the model directory. */
  readonly signaturePath?: string;
  /** Worker threads (0 = hash on this thread). */
  readonly workers?: number;
  readonly onProgress?: ProgressListener;
}

export function rootDigest(resources: readonly Resource[]): string {
  const hash = createHash("sha256");
  for (const r of resources) hash.update(Buffer.from(r.digest, "hex"));
  return hash.digest("hex");
}

/** Splits a shard name "path:start:end" (the path itself may not contain ":"). */
export function parseShardName(name: string): { path: string; start: number; end: number } {
  const parts = name.split(":");
  const start = Number(parts[1]);
  const end = Number(parts[2]);
  if (
    parts.length !== 3 ||
    !/^\d+$/.test(parts[1]) ||
    !/^\d+$/.test(parts[2]) ||
    !Number.isSafeInteger(end) ||
    start >= end
  ) {
    throw new MlsecError("E_SIGNATURE_FORMAT", `invalid shard resource name "${name}"`);
  }
  return { path: parts[0], start, end };
}

/** Canonical resource order: by path components, then shard start and end numerically. */
export function compareResources(method: SerializationMethod, a: string, b: string): number {
  if (method === "files") return compareNames(a, b);
  const sa = parseShardName(a);
  const sb = parseShardName(b);
  return compareNames(sa.path, sb.path) || sa.start - sb.start || sa.end - sb.end;
}

/** Paths ignored for a model: defaults, the signature file if inside, and the user's. */
export function ignoredPaths(
  modelRoot: string,
  extra: readonly string[] = [],
  signaturePath?: string,
): string[] {
  const set = new Set<string>([...DEFAULT_IGNORED, ...extra.map(normalizeRelative)]);
  if (signaturePath !== undefined) {
    const rel = relative(resolve(modelRoot), resolve(signaturePath));
    if (rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep)) {
      set.add(rel.split(sep).join("/"));
    }
  }
  set.delete("");
  return [...set].sort();
}

/** Hashes a model (file or directory) into a manifest, streaming and in parallel. */
export async function buildManifest(
  modelPath: string,
  options: ManifestOptions = {},
): Promise<Manifest> {
  const method = options.method ?? "files";
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (method === "shards" && (!Number.isSafeInteger(shardSize) || shardSize < 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `shard size must be a positive integer`);
  }
  const allowSymlinks = options.allowSymlinks ?? false;
  const root = resolve(modelPath);
  const ignore = ignoredPaths(root, options.ignorePaths, options.signaturePath);
  const tree = walkModel(root, { allowSymlinks, ignorePaths: ignore });

  const names: string[] = [];
  const tasks: HashTask[] = [];
  const sizes: number[] = [];
  for (const file of tree.files) {
    if (method === "files") {
      names.push(file.name);
      tasks.push({ path: file.path, start: 0, noFollow: !allowSymlinks });
      sizes.push(file.size);
      continue;
    }
    if (file.name.includes(":")) {
      throw new MlsecError("E_INVALID_ARGUMENT", `shard serialization cannot name "${file.name}"`, {
        hint: "File names containing ':' are ambiguous in shard names; use --method files.",
      });
    }
    // Empty files have no shards (as in model_signing).
    for (let start = 0; start < file.size; start += shardSize) {
      const end = Math.min(start + shardSize, file.size);
      names.push(`${file.name}:${start}:${end}`);
      tasks.push({ path: file.path, start, end, noFollow: !allowSymlinks });
      sizes.push(end - start);
    }
  }
  const hashed = await hashRanges(tasks, {
    workers: options.workers,
    sizes,
    onProgress: options.onProgress,
  });
  const algorithm = method === "files" ? "sha256" : `sha256-sharded-${shardSize}`;
  const resources = names
    .map((name, i) => ({ name, algorithm, digest: hashed[i].digest.toString("hex") }))
    .sort((a, b) => compareResources(method, a.name, b.name));
  const serialization: Serialization =
    method === "files"
      ? { method, hash_type: "sha256", allow_symlinks: allowSymlinks, ignore_paths: ignore }
      : {
          method,
          hash_type: "sha256",
          shard_size: shardSize,
          allow_symlinks: allowSymlinks,
          ignore_paths: ignore,
        };
  return {
    modelName: basename(root),
    serialization,
    resources,
    rootDigest: rootDigest(resources),
    bytes: hashed.reduce((a, h) => a + h.bytes, 0),
  };
}

export interface ManifestDiff {
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

/** Differences between the signed resources and the local ones (empty lists = identical). */
export function diffResources(
  expected: readonly Resource[],
  actual: readonly Resource[],
): ManifestDiff {
  const have = new Map(actual.map((r) => [r.name, r]));
  const want = new Map(expected.map((r) => [r.name, r]));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [name, r] of want) {
    const local = have.get(name);
    if (local === undefined) missing.push(name);
    else if (local.digest !== r.digest.toLowerCase() || local.algorithm !== r.algorithm) {
      changed.push(name);
    }
  }
  const extra = [...have.keys()].filter((name) => !want.has(name));
  return { changed, missing, extra };
}
