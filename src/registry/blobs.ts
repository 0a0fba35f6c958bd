// Content-addressed blob storage on the local filesystem: a model version lives at
// <root>/sha256/<root digest of its manifest>, a file for a single-file model, a directory
// tree otherwise. Writes go to a temporary name in the same directory and are renamed into
// place, so a reader never sees a half-written blob; the copy is rehashed before the rename.
// Encrypted at rest, the blob lives at <digest>.enc with every file in the `mlsec encrypt`
// format (streaming AES-256-GCM, src/artifacts/stream-aead.ts); the digest names the plaintext.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  buildManifest,
  decryptFile,
  encryptFile,
  type KeySource,
  walkModel,
} from "../artifacts/index.js";
import { MlsecError } from "../core/index.js";

export interface BlobCrypto {
  /** Store encrypted under this key (put) / decrypt with it (get). */
  readonly key?: KeySource;
}

/** A place that keeps immutable blobs by digest (local directory now; S3 could implement it). */
export interface BlobStore {
  /**
   * Copies the model at `source` in under `digest` (`sha256:<hex>`), leaving out `ignorePaths`
   * (the manifest's); true if newly written.
   */
  put(
    digest: string,
    source: string,
    ignorePaths?: readonly string[],
    crypto?: BlobCrypto,
  ): Promise<boolean>;
  has(digest: string, encrypted?: boolean): Promise<boolean>;
  /**
   * Copies a blob out to `target` (which must not exist), verified against its digest: a blob
   * altered on disk fails with E_MODEL_MODIFIED (or E_DECRYPT_AUTH) and nothing is written.
   */
  get(digest: string, target: string, crypto?: BlobCrypto): Promise<void>;
  /** Removes a blob (only used to undo a put whose database transaction failed). */
  remove(digest: string, encrypted?: boolean): Promise<void>;
  pathOf(digest: string, encrypted?: boolean): string;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/;

export function localBlobStore(root: string): BlobStore {
  const pathOf = (digest: string, encrypted = false): string => {
    const m = DIGEST.exec(digest);
    // The digest names a path: refuse anything but 64 hex digits (no traversal).
    if (!m) throw new MlsecError("E_INVALID_ARGUMENT", `not a sha256 digest: ${digest}`);
    return join(root, "sha256", `${m[1] as string}${encrypted ? ".enc" : ""}`);
  };
  const has = (digest: string, encrypted = false) => exists(pathOf(digest, encrypted));
  return {
    pathOf,
    has,
    async put(digest, source, ignorePaths = [], crypto = {}) {
      const encrypted = crypto.key !== undefined;
      const target = pathOf(digest, encrypted);
      if (await has(digest, encrypted)) return false;
      await fs.mkdir(dirname(target), { recursive: true });
      try {
        if (crypto.key === undefined) await copyVerified(source, target, digest, ignorePaths);
        else await encryptVerified(source, target, digest, ignorePaths, crypto.key);
        return true;
      } catch (error) {
        // Another publisher stored the same content first: that blob is as good as ours.
        if (await has(digest, encrypted)) return false;
        throw error;
      }
    },
    async get(digest, target, crypto = {}) {
      const encrypted = crypto.key !== undefined;
      if (!(await has(digest, encrypted))) {
        throw new MlsecError("E_REGISTRY_NOT_FOUND", `blob ${digest} is missing from ${root}`);
      }
      if (crypto.key === undefined) {
        await copyVerified(pathOf(digest), target, digest);
        return;
      }
      const plain = tempSibling(target);
      try {
        await transformTree(pathOf(digest, true), plain, (from, to) =>
          decryptFile(from, to, { key: crypto.key as KeySource }),
        );
        await copyVerified(plain, target, digest);
      } finally {
        await fs.rm(plain, { recursive: true, force: true });
      }
    },
    async remove(digest, encrypted = false) {
      await fs.rm(pathOf(digest, encrypted), { recursive: true, force: true });
    },
  };
}

function tempSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Copies (verified) to a temporary tree, encrypts every file of it, renames into place. */
async function encryptVerified(
  source: string,
  target: string,
  digest: string,
  ignorePaths: readonly string[],
  key: KeySource,
): Promise<void> {
  const plain = tempSibling(target);
  const sealed = tempSibling(target);
  try {
    await copyVerified(source, plain, digest, ignorePaths);
    await transformTree(plain, sealed, (from, to) => encryptFile(from, to, { key }));
    if (await exists(target)) throw new MlsecError("E_INVALID_ARGUMENT", `${target} exists`);
    await fs.rename(sealed, target);
  } finally {
    await fs.rm(plain, { recursive: true, force: true });
    await fs.rm(sealed, { recursive: true, force: true });
  }
}

/** Applies `each` to every file of a file or directory tree, mirroring it at `target`. */
async function transformTree(
  source: string,
  target: string,
  each: (from: string, to: string) => Promise<unknown>,
): Promise<void> {
  const tree = walkModel(source, { ignorePaths: [] });
  if (tree.isFile) {
    await each(tree.root, target);
    return;
  }
  await fs.mkdir(target, { recursive: true });
  for (const file of tree.files) {
    const dest = join(target, file.name);
    await fs.mkdir(dirname(dest), { recursive: true });
    await each(file.path, dest);
  }
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
  const temp = tempSibling(target);
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
