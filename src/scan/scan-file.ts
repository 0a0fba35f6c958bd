// Scans files and directories: one report per file with its format, verdict and findings.
import { type Dirent, readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { MlsecError, type ProgressListener } from "../core/index.js";
import { DEFAULT_SCAN_LIMITS, ScanContext, type ScanLimits } from "./context.js";
import { EXTENSION_FORMATS, type FormatName } from "./detect.js";
import { type Finding, SEVERITIES, type Severity, type Verdict, verdictOf } from "./findings.js";
import { DEFAULT_POLICY } from "./rules/default-policy.js";
import type { ScanPolicy } from "./rules/policy.js";
import { scanSource } from "./scan-source.js";
import { type ByteSource, fileSource, memorySource } from "./source.js";

export interface ScanOptions {
  readonly policy?: ScanPolicy;
  readonly limits?: Partial<ScanLimits>;
}

export interface FileReport {
  readonly path: string;
  /** The format found by content (`unknown` when none was recognised). */
  readonly format: FormatName;
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  /** Every non-allow-listed callable the file imports, `module.name`. */
  readonly callables: readonly string[];
  readonly size: number;
  /** True when the content was not recognised as any model format, so nothing was checked. */
  readonly skipped: boolean;
}

export interface ScanSummary {
  readonly files: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  readonly skipped: number;
  readonly findings: Readonly<Record<Severity, number>>;
}

export interface ScanResult {
  readonly files: readonly FileReport[];
  readonly summary: ScanSummary;
}

/** Scans one source (file contents or bytes) and reports on it under the name `path`. */
export function scanSourceReport(
  src: ByteSource,
  path: string,
  options: ScanOptions = {},
): FileReport {
  const ctx = new ScanContext(
    options.policy ?? DEFAULT_POLICY,
    { ...DEFAULT_SCAN_LIMITS, ...options.limits },
    (c, s, member) => scanSource(c, s, member),
  );
  let format: FormatName;
  try {
    format = scanSource(ctx, src, path);
  } catch (error) {
    // A scanner bug on hostile bytes must not pass the file or stop the other files' scans.
    if (error instanceof MlsecError) throw error;
    ctx.add("invalid.scanner-error", "low", `scanning stopped: ${String(error)}`);
    format = "unknown";
  }
  const skipped = format === "unknown" && ctx.findings.length === 0;
  if (skipped) {
    ctx.add(
      "invalid.unrecognized",
      "info",
      "content is not a model format mlsec recognises: not scanned",
    );
  }
  const ext = extname(path).slice(1).toLowerCase();
  const expected = EXTENSION_FORMATS[ext];
  if (expected !== undefined && !expected.includes(format)) {
    const disguised = format === "pickle" || format === "zip" || format === "tar";
    ctx.add(
      "format.extension-mismatch",
      disguised ? "high" : "medium",
      `file extension .${ext} promises ${expected.join("/")} but the content is ${format}`,
    );
  }
  return {
    path,
    format,
    verdict: verdictOf(ctx.findings),
    findings: ctx.findings,
    callables: [...ctx.callables].sort(),
    size: src.size,
    skipped,
  };
}

export function scanBytes(bytes: Uint8Array, path: string, options: ScanOptions = {}): FileReport {
  return scanSourceReport(memorySource(bytes), path, options);
}

/** Scans one file, reading only what each format needs (tensor data is never read). */
export function scanFile(path: string, options: ScanOptions = {}): FileReport {
  let src: ReturnType<typeof fileSource>;
  try {
    src = fileSource(path);
  } catch (error) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${path}`, { cause: error });
  }
  try {
    return scanSourceReport(src, path, options);
  } finally {
    src.close();
  }
}

/** Lists the files under the given paths (directories recursively, symlinks not followed). */
export function listFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch (error) {
      throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${path}`, { cause: error });
    }
    if (stat.isDirectory()) walk(path);
    else if (stat.isFile()) files.push(path);
  };
  // Inside directories, entry types come with the listing (no stat per file); symlinks are
  // not followed.
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${dir}`, { cause: error });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) files.push(path);
    }
  };
  for (const p of paths) visit(p);
  return files;
}

export function summarize(files: readonly FileReport[]): ScanSummary {
  const verdicts: Record<Verdict, number> = { malicious: 0, suspicious: 0, invalid: 0, safe: 0 };
  const findings = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let skipped = 0;
  for (const f of files) {
    verdicts[f.verdict] += 1;
    if (f.skipped) skipped += 1;
    for (const finding of f.findings) findings[finding.severity] += 1;
  }
  return { files: files.length, verdicts, skipped, findings };
}

/** Scans files and directories, one file after the other. */
export function scanPaths(
  paths: readonly string[],
  options: ScanOptions & { onProgress?: ProgressListener } = {},
): ScanResult {
  const list = listFiles(paths);
  const files: FileReport[] = [];
  list.forEach((path, i) => {
    files.push(scanFile(path, options));
    options.onProgress?.({ task: "scan", done: i + 1, total: list.length, message: path });
  });
  return { files, summary: summarize(files) };
}
