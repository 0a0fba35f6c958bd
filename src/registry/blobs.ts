// Content-addressed blob storage on the local filesystem: a model version lives at
// <root>/sha256/<root digest of its manifest>, a file for a single-file model, a directory
// tree otherwise. Writes go to a temporary name in the same directory and are renamed into
// place, so a reader never sees a half-written blob; the copy is rehashed before the rename.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname, join } from "node:path";
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
      const temp = join(dirname(target), `.${randomBytes(6).toString("hex")}.tmp`);
      try {
        const tree = walkModel(source, { ignorePaths });
        if (tree.isFile) {
          await fs.copyFile(tree.root, temp);
        } else {
          for (const file of tree.files) {
            const dest = join(temp, file.name);
            await fs.mkdir(dirname(dest), { recursive: true });
            await fs.copyFile(file.path, dest);
          }
          await fs.mkdir(temp, { recursive: true });
        }
        // The source may have changed since it was hashed: the blob must match its name.
        const copied = await buildManifest(temp, { ignorePaths });
        if (`sha256:${copied.rootDigest}` !== digest) {
          throw new MlsecError("E_MODEL_MODIFIED", `the model changed while it was being stored`, {
            details: { expected: digest, got: `sha256:${copied.rootDigest}` },
          });
        }
        await fs.rename(temp, target);
        return true;
      } catch (error) {
        await fs.rm(temp, { recursive: true, force: true });
        // Another publisher stored the same content first: that blob is as good as ours.
        if (await has(digest)) return false;
        if (error instanceof MlsecError) throw error;
        throw new MlsecError("E_IO", `cannot store blob ${digest}: ${String(error)}`, {
          cause: error,
        });
      }
    },
    async remove(digest) {
      await fs.rm(pathOf(digest), { recursive: true, force: true });
    },
  };
}
