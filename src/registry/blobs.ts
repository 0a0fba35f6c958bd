// Content-addressed blob storage on the local filesystem: a model version lives at
// <root>/sha256/<root digest of its manifest>, a file for a single-file model, a directory
// tree otherwise. Writes go to a temporary name in the same directory and are renamed into
// place, so a reader never sees a half-written blob; the copy is rehashed before the rename.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import { buildManifest, walkModel } from "../artifacts/index.js";
import { MlsecError } from "../core/index.js";

/** A place that keeps immutable blobs by digest (local directory now; S3 could implement it). */
export interface BlobStore {
  /**
   * Copies the model at `source` in under `digest` (`sha256:<hex>`), leaving out `ignorePaths`
   * (the manifest's); true if newly written.
   */
  put(digest: string, source: string, ignorePaths?: readonly string[]): Promise<boolean>;
  has(digest: string): Promise<boolean>;
  /**
   * Copies a blob out to `target` (which must not exist), verified against its digest: a blob
   * altered on disk fails with E_MODEL_MODIFIED and nothing is written.
   */
  get(digest: string, target: string): Promise<void>;
  /** Removes a blob (only used to undo a put whose database transaction failed). */
  remove(digest: string): Promise<void>;
  pathOf(digest: string): string;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/;

export function localBlobStore(root: string): BlobStore {
  const pathOf = (digest: string): string => {
    const m = DIGEST.exec(digest);
    // The digest names a path: refuse anything but 64 hex digits (no traversal).
    if (!m) throw new MlsecError("E_INVALID_ARGUMENT", `not a sha256 digest: ${digest}`);
    return join(root, "sha256", m[1] as string);
  };
  const has = async (digest: string) =>
    fs.stat(pathOf(digest)).then(
      () => true,
      () => false,
    );
  return {
    pathOf,
    has,
    async put(digest, source, ignorePaths = []) {
      const target = pathOf(digest);
      if (await has(digest)) return false;
      await fs.mkdir(dirname(target), { recursive: true });
      try {
        await copyVerified(source, target, digest, ignorePaths);
        return true;
      } catch (error) {
        // Another publisher stored the same content first: that blob is as good as ours.
        if (await has(digest)) return false;
        throw error;
      }
    },
    async get(digest, target) {
      if (!(await has(digest))) {
        throw new MlsecError("E_REGISTRY_NOT_FOUND", `blob ${digest} is missing from ${root}`);
      }
      await copyVerified(pathOf(digest), target, digest);
    },
    async remove(digest) {
      await fs.rm(pathOf(digest), { recursive: true, force: true });
    },
  };
}

/**
 * Copies a model (file or directory) to `target` through a temporary sibling, rehashes the copy
 * and renames it into place only if its manifest root digest is `digest`: what lands at
 * `target` is exactly the content that digest names, even if the source changes meanwhile.
 * Fails if `target` exists.
 */
export async function copyVerified(
  source: string,
  target: string,
  digest: string,
  ignorePaths: readonly string[] = [],
): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const tree = walkModel(source, { ignorePaths });
    if (tree.isFile) {
      await fs.copyFile(tree.root, temp);
    } else {
      await fs.mkdir(temp, { recursive: true });
      for (const file of tree.files) {
        const dest = join(temp, file.name);
        await fs.mkdir(dirname(dest), { recursive: true });
        await fs.copyFile(file.path, dest);
      }
    }
    const copied = await buildManifest(temp, { ignorePaths });
    if (`sha256:${copied.rootDigest}` !== digest) {
      throw new MlsecError(
        "E_MODEL_MODIFIED",
        `${source} does not match its digest ${digest} (got sha256:${copied.rootDigest})`,
        { details: { expected: digest, got: `sha256:${copied.rootDigest}` } },
      );
    }
    if (await exists(target)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `${target} already exists`);
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    if (error instanceof MlsecError) throw error;
    throw new MlsecError("E_IO", `cannot copy ${source} to ${target}: ${String(error)}`, {
      cause: error,
    });
  }
}

function exists(path: string): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}
