// Model tree walk for the OpenSSF model-signing format (sigstore/model-transparency,
// model_signing v1.x: resource names are POSIX paths relative to the model root, "." for a
// single-file model; ignored paths prune whole subtrees; symlinks are refused by default).

import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { MlsecError } from "../core/index.js";

/** Paths the reference tool always ignores at the model root. */
export const DEFAULT_IGNORED = [".git", ".gitattributes", ".github", ".gitignore"] as const;

export interface WalkOptions {
  /** Follow symbolic links (their targets are hashed). Refused by default. */
  readonly allowSymlinks?: boolean;
  /** Paths relative to the model root (POSIX); a directory ignores its whole subtree. */
  readonly ignorePaths?: readonly string[];
  /** Bound on the number of files (hostile trees). Default 1,000,000. */
  readonly maxFiles?: number;
  /** Bound on directory nesting. Default 64. */
  readonly maxDepth?: number;
}

export interface ModelFile {
  /** Resource name: POSIX path relative to the model root, "." for a single-file model. */
  readonly name: string;
  /** Absolute path on disk. */
  readonly path: string;
  readonly size: number;
}

export interface ModelTree {
  /** Informative model name: the last component of the model path. */
  readonly modelName: string;
  /** Absolute model root (a directory, or the file itself). */
  readonly root: string;
  readonly isFile: boolean;
  /** Files in canonical order (see compareNames). */
  readonly files: readonly ModelFile[];
}

/** Normalizes an ignore entry to a relative POSIX path without "./" or trailing "/". */
export function normalizeRelative(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) {
    throw new MlsecError("E_INVALID_ARGUMENT", `ignore path "${path}" leaves the model root`);
  }
  return parts.join("/");
}

/**
 * Orders names as the reference tool does: component-wise (Python PurePosixPath ordering),
 * so "a/b" sorts before "a.txt" although "/" > "." byte-wise.
 */
export function compareNames(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

function isIgnored(name: string, ignored: readonly string[]): boolean {
  return ignored.some((p) => p !== "" && (name === p || name.startsWith(`${p}/`)));
}

function refuseSymlink(path: string): never {
  throw new MlsecError("E_SYMLINK_REFUSED", `symbolic link in model: ${path}`, {
    details: { path },
  });
}

/** Lists every file of a model (a file or a directory) with its canonical resource name. */
export function walkModel(modelPath: string, options: WalkOptions = {}): ModelTree {
  const allowSymlinks = options.allowSymlinks ?? false;
  const maxFiles = options.maxFiles ?? 1_000_000;
  const maxDepth = options.maxDepth ?? 64;
  const ignored = (options.ignorePaths ?? []).map(normalizeRelative);
  const root = resolve(modelPath);
  let top: ReturnType<typeof lstatSync>;
  try {
    top = lstatSync(root);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `model not found: ${modelPath}`, { cause });
  }
  if (top.isSymbolicLink()) {
    if (!allowSymlinks) refuseSymlink(root);
    top = statSync(root);
  }
  const modelName = basename(root);
  if (top.isFile()) {
    return { modelName, root, isFile: true, files: [{ name: ".", path: root, size: top.size }] };
  }
  if (!top.isDirectory()) {
    throw new MlsecError("E_INVALID_ARGUMENT", `model is neither a file nor a directory: ${root}`);
  }

  const files: ModelFile[] = [];
  // Real paths of the directories on the current descent, to stop symlink cycles.
  const onPath = new Set<string>([realpathSync(root)]);
  const visit = (dir: string, depth: number): void => {
    if (depth > maxDepth) {
      throw new MlsecError("E_LIMIT_EXCEEDED", `model tree deeper than ${maxDepth}: ${dir}`);
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (cause) {
      throw new MlsecError("E_IO", `cannot read directory ${dir}`, { cause });
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const name = relative(root, path).split(sep).join("/");
      if (isIgnored(name, ignored)) continue;
      let stats = lstatSync(path);
      if (stats.isSymbolicLink()) {
        if (!allowSymlinks) refuseSymlink(path);
        try {
          stats = statSync(path);
        } catch (cause) {
          throw new MlsecError("E_FILE_NOT_FOUND", `dangling symbolic link: ${path}`, { cause });
        }
      }
      if (stats.isDirectory()) {
        const real = realpathSync(path);
        if (onPath.has(real)) {
          throw new MlsecError("E_INVALID_ARGUMENT", `symbolic link cycle at ${path}`);
        }
        onPath.add(real);
        visit(path, depth + 1);
        onPath.delete(real);
      } else if (stats.isFile()) {
        if (files.length >= maxFiles) {
          throw new MlsecError("E_LIMIT_EXCEEDED", `model has more than ${maxFiles} files`);
        }
        files.push({ name, path, size: stats.size });
      } else {
        throw new MlsecError("E_INVALID_ARGUMENT", `not a regular file or directory: ${path}`);
      }
    }
  };
  visit(root, 0);
  files.sort((a, b) => compareNames(a.name, b.name));
  return { modelName, root, isFile: false, files };
}
