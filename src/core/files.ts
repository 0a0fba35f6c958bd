// File I/O shared by every module: bounded reads with typed errors, and atomic writes (a temporary
// file in the same directory, renamed over the target) so bad input never leaves partial output.

import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, open, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MlsecError } from "./errors.js";

/** Default ceiling for one data file read into memory (4 GiB). */
export const DEFAULT_MAX_FILE_BYTES = 4 * 2 ** 30;

/**
 * The size of a regular file, refusing a missing one, a directory or one larger than `maxBytes`
 * before anything is read (for readers that stream the file themselves).
 */
export async function statBounded(
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): Promise<number> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new MlsecError("E_FILE_NOT_FOUND", `${path} is not a regular file`);
    size = s.size;
  } catch (e) {
    if (e instanceof MlsecError) throw e;
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
      details: { path },
    });
  }
  if (size > maxBytes) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${path} is ${size} bytes (limit ${maxBytes})`, {
      details: { path },
    });
  }
  return size;
}

/** Reads a whole file, refusing files larger than `maxBytes`. */
export async function readFileBounded(
  path: string,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): Promise<Uint8Array> {
  await statBounded(path, maxBytes);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new MlsecError("E_IO", `reading ${path} failed: ${(e as Error).message}`, {
      cause: e,
      details: { path },
    });
  }
  // The file may have grown since stat().
  if (bytes.length > maxBytes) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${path} is over ${maxBytes} bytes`, {
      details: { path },
    });
  }
  return bytes;
}

/** Writes `bytes` to `path` atomically: temp file in the same directory, then rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, bytes, { flag: "wx" });
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw writeFailed(path, e);
  }
}

/**
 * Writes what `pieces` yields to `path` as writeFileAtomic does, piece by piece, so memory holds
 * one piece: a failure while the pieces are made (bad input found late) rethrows that error and
 * leaves neither `path` nor the temporary file behind.
 */
export async function writeFileAtomicFrom(
  path: string,
  pieces: AsyncIterable<string>,
): Promise<void> {
  const temp = tempPathFor(path);
  /** A file-system step, its failure an E_IO error. */
  const io = <T>(step: () => Promise<T>) =>
    step().catch((e: unknown) => {
      throw writeFailed(path, e);
    });
  let file: FileHandle | undefined;
  try {
    const opened = await io(() => open(temp, "wx"));
    file = opened;
    for await (const piece of pieces) await io(() => opened.write(piece));
    file = undefined;
    await io(() => opened.close());
    await io(() => rename(temp, path));
  } catch (e) {
    await file?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw e;
  }
}

const tempPathFor = (path: string) =>
  join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);

function writeFailed(path: string, cause: unknown): MlsecError {
  return new MlsecError("E_IO", `writing ${path} failed: ${(cause as Error).message}`, {
    cause,
    details: { path },
  });
}

/** SHA-256 of a file's bytes (hex), streamed so the file's size does not matter. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    if (!(await stat(path)).isFile()) throw new Error("not a regular file");
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (e) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
      details: { path },
    });
  }
  return hash.digest("hex");
}
