// Walks files and directories, runs the Python or JavaScript/TypeScript front-end on each, and
// collects every finding (a linter returns all findings, never throws at the first).

import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type * as TS from "typescript";
import { MlsecError, readFileBounded } from "../core/index.js";
import type { LintFinding, LintSeverity } from "./findings.js";
import { lintPython } from "./python.js";

export const MAX_LINT_FILE_BYTES = 2 * 2 ** 20;
export const MAX_LINT_FILES = 20_000;
const PYTHON = new Set([".py", ".pyw"]);
const JAVASCRIPT = new Set([".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"]);
const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  ".venv",
  "venv",
  "__pycache__",
  "dist",
  "build",
  ".tox",
]);

export interface LintResult {
  readonly files: number;
  readonly findings: readonly LintFinding[];
  readonly suppressed: readonly (LintFinding & { reason: string })[];
  readonly skipped: readonly { path: string; reason: string }[];
  readonly summary: Readonly<Record<LintSeverity, number>>;
}

async function collect(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (p: string, explicit: boolean): Promise<void> => {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(p);
    } catch (e) {
      if (explicit)
        throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${p}`, {
          cause: e,
          details: { path: p },
        });
      return;
    }
    if (s.isDirectory()) {
      const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      );
      for (const e of entries) {
        if (e.isDirectory() && SKIP_DIRS.has(e.name)) continue;
        if (e.isDirectory() || e.isFile()) await walk(join(p, e.name), false);
      }
    } else if (s.isFile()) {
      const ext = extname(p).toLowerCase();
      if (explicit || PYTHON.has(ext) || JAVASCRIPT.has(ext)) files.push(p);
    }
    if (files.length > MAX_LINT_FILES) {
      throw new MlsecError(
        "E_LIMIT_EXCEEDED",
        `more than ${MAX_LINT_FILES} source files under ${paths.join(", ")}`,
      );
    }
  };
  for (const p of paths) await walk(p, true);
  return files;
}

export async function lintPaths(paths: readonly string[]): Promise<LintResult> {
  const files = await collect(paths);
  const findings: LintFinding[] = [];
  const suppressed: (LintFinding & { reason: string })[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let ts: typeof TS | undefined;
  let linted = 0;
  for (const path of files) {
    const ext = extname(path).toLowerCase();
    const isPy = PYTHON.has(ext);
    if (!isPy && !JAVASCRIPT.has(ext)) {
      skipped.push({ path, reason: "not a Python or JavaScript/TypeScript file" });
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder().decode(await readFileBounded(path, MAX_LINT_FILE_BYTES));
    } catch (e) {
      if (e instanceof MlsecError && e.code === "E_LIMIT_EXCEEDED") {
        skipped.push({ path, reason: `larger than ${MAX_LINT_FILE_BYTES} bytes` });
        continue;
      }
      throw e;
    }
    let r: ReturnType<typeof lintPython>;
    try {
      if (isPy) r = lintPython(text, path);
      else {
        ts ??= ((await import("typescript")) as unknown as { default: typeof TS }).default;
        const { lintJavaScript } = await import("./javascript.js");
        r = lintJavaScript(ts, text, path);
      }
    } catch (e) {
      // Hostile nesting: Python over the bracket limit, or JS deep enough to exhaust the stack.
      if ((e instanceof MlsecError && e.code === "E_LIMIT_EXCEEDED") || e instanceof RangeError) {
        skipped.push({ path, reason: `not analysed: ${e.message}` });
        continue;
      }
      throw e;
    }
    linted++;
    findings.push(...r.findings);
    suppressed.push(...r.suppressed);
  }
  const count = (s: LintSeverity) => findings.filter((f) => f.severity === s).length;
  return {
    files: linted,
    findings,
    suppressed,
    skipped,
    summary: {
      critical: count("critical"),
      high: count("high"),
      medium: count("medium"),
      low: count("low"),
    },
  };
}
