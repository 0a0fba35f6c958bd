// Parsing YAML 1.2 (or JSON) that may come from anyone, with bounds: size, flow-collection
// nesting and indentation depth are capped before parsing (they drive the parser's recursion),
// and alias expansion during it (the "billion laughs" of YAML).

import { parse } from "yaml";
import type { ErrorCode } from "./error-codes.js";
import { MlsecError } from "./errors.js";

export interface YamlBounds {
  readonly maxBytes: number;
  readonly maxDepth: number;
  /** The error code a syntax error is reported under (size and depth give E_LIMIT_EXCEEDED). */
  readonly code: ErrorCode;
  /** Names the document in messages, e.g. its path. */
  readonly source: string;
}

/** Deepest `[`/`{` nesting outside quotes. */
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

export function parseYamlBounded(text: string, bounds: YamlBounds): unknown {
  const { source } = bounds;
  if (text.length > bounds.maxBytes) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${source} is over ${bounds.maxBytes} bytes`);
  }
  if (flowDepth(text) > bounds.maxDepth || indentDepth(text) > bounds.maxDepth * 2) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `${source} nests deeper than ${bounds.maxDepth}`);
  }
  try {
    return parse(text, {
      maxAliasCount: 100,
      uniqueKeys: true,
      prettyErrors: false,
      logLevel: "error",
    });
  } catch (e) {
    throw new MlsecError(bounds.code, `${source} is not valid YAML: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
