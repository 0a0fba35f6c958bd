// Reads a system description (YAML 1.2 or JSON) with bounds: size, flow-collection nesting and
// alias expansion are capped before and during parsing, since descriptions may come from anyone.

import { parse } from "yaml";
import { MlsecError, readFileBounded } from "../core/index.js";
import { type SystemDescription, systemSchema } from "./schema.js";

export const MAX_SYSTEM_BYTES = 1 << 20;
export const MAX_SYSTEM_DEPTH = 32;

/** Deepest `[`/`{` nesting outside quotes: guards the YAML parser's recursion. */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote = "";
  for (const ch of text) {
    if (quote !== "") {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "\n") quote = "";
    else if (ch === "[" || ch === "{") max = Math.max(max, ++depth);
    else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
  }
  return max;
}

function indentDepth(text: string): number {
  let max = 0;
  for (const line of text.split("\n")) {
    const m = /^( *)(- )*/.exec(line);
    if (m !== null) max = Math.max(max, m[0].length);
  }
  return max / 2;
}

export function parseSystem(text: string, source = "system description"): SystemDescription {
  if (text.length > MAX_SYSTEM_BYTES) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${source} is over ${MAX_SYSTEM_BYTES} bytes`);
  }
  if (flowDepth(text) > MAX_SYSTEM_DEPTH || indentDepth(text) > MAX_SYSTEM_DEPTH * 2) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${source} nests deeper than ${MAX_SYSTEM_DEPTH}`);
  }
  let raw: unknown;
  try {
    raw = parse(text, {
      maxAliasCount: 100,
      uniqueKeys: true,
      prettyErrors: false,
      logLevel: "error",
    });
  } catch (e) {
    throw new MlsecError("E_THREAT_MODEL", `${source} is not valid YAML: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const r = systemSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
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
