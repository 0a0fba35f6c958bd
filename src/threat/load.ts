// Reads a system description (YAML 1.2 or JSON) with the bounds of core's parseYamlBounded,
// since descriptions may come from anyone, and checks it against the schema.

import { MlsecError, parseYamlBounded, readFileBounded, schemaIssueLines } from "../core/index.js";
import { type SystemDescription, systemSchema } from "./schema.js";

export const MAX_SYSTEM_BYTES = 1 << 20;
export const MAX_SYSTEM_DEPTH = 32;

export function parseSystem(text: string, source = "system description"): SystemDescription {
  const raw = parseYamlBounded(text, {
    maxBytes: MAX_SYSTEM_BYTES,
    maxDepth: MAX_SYSTEM_DEPTH,
    code: "E_THREAT_MODEL",
    source,
  });
  const r = systemSchema.safeParse(raw);
  if (!r.success) {
    const issues = schemaIssueLines(r.error.issues, 10);
    throw new MlsecError(
      "E_THREAT_MODEL",
      `${source} does not follow the schema: ${issues.join("; ")}`,
      {
        details: { issues },
      },
    );
  }
  return r.data;
}

export async function loadSystem(path: string): Promise<SystemDescription> {
  const bytes = await readFileBounded(path, MAX_SYSTEM_BYTES);
  return parseSystem(new TextDecoder("utf-8", { fatal: false }).decode(bytes), path);
}
