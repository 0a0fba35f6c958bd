import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Reference data beside the repository (../shared/data); absent in a user's clone. */
export const SHARED_DATA = fileURLToPath(new URL("../../../shared/data/", import.meta.url));

export function sharedDataPath(relative: string): string | undefined {
  const path = SHARED_DATA + relative;
  return existsSync(path) ? path : undefined;
}

export const SHARED_DATA_SKIP_REASON =
  "../shared/data is absent (a user's clone): reference-data tests are skipped";
