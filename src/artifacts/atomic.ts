// Atomic output: write to a temporary file beside the target, then rename over it, so a failed
// or interrupted run never leaves a partial (or, for decryption, unauthenticated) file behind.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MlsecError } from "../core/index.js";

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Runs `write` against a temporary path; renames it to `target` only if `write` succeeds. */
export async function writeAtomically<T>(
  target: string,
  write: (tempPath: string) => Promise<T>,
): Promise<T> {
  const temp = tempPathFor(target);
  try {
    const result = await write(temp);
    await fs.rename(temp, target);
    return result;
  } catch (error) {
    await fs.rm(temp, { force: true });
    if (error instanceof MlsecError) throw error;
    throw new MlsecError("E_IO", `cannot write ${target}: ${String(error)}`, { cause: error });
  }
}

/** Writes a whole file atomically; `mode` applies from creation (0o600 for secrets). */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  await writeAtomically(target, (temp) => fs.writeFile(temp, data, { mode, flag: "wx" }));
}
