// JSON Lines reader (jsonlines.org: UTF-8, one JSON value per line, "\n" separated, "\r\n"
// accepted); mlsec requires each line to be an object (RFC 8259 §4). Lines are bounded in
// length before JSON.parse sees them and in nesting depth after, and errors name the line.

import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { MlsecError } from "../core/index.js";
import { parseTextFile } from "./file-errors.js";

export interface JsonlOptions {
  /** Longest line, in characters (default 1 MiB). */
  readonly maxLineChars?: number;
  /** Most records (default 10,000,000). */
  readonly maxRows?: number;
  /** Deepest nesting of objects and arrays in one line (default 64). */
  readonly maxDepth?: number;
  /** Largest file read by readJsonl, in bytes (default 1 GiB). */
  readonly maxFileBytes?: number;
}

const DEFAULTS = {
  maxLineChars: 1 << 20,
  maxRows: 10_000_000,
  maxDepth: 64,
  maxFileBytes: 2 ** 30,
};

/**
 * Whether a parsed value nests objects/arrays deeper than `max` (iterative, so a hostile value
 * cannot overflow the stack here; V8's JSON.parse itself is iterative too). The bound protects
 * the recursive code that later walks records (JSON.stringify, deep equality, reports).
 */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** One line of JSON Lines: undefined for a blank line, else an object (or a typed error). */
function parseJsonlLine(
  source: string,
  line: number,
  maxDepth: number,
): Record<string, unknown> | undefined {
  if (/^\s*$/.test(source)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    throw new MlsecError("E_DATA_FORMAT", `JSONL line ${line}: ${(e as Error).message}`, {
      details: { line },
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new MlsecError("E_DATA_FORMAT", `JSONL line ${line} is not a JSON object`, {
      details: { line },
    });
  }
  if (nestsDeeperThan(value, maxDepth)) {
    throw new MlsecError("E_LIMIT_EXCEEDED", `JSONL line ${line} nests deeper than ${maxDepth}`, {
      details: { line },
    });
  }
  return value as Record<string, unknown>;
}

/** Parses JSON Lines text into one record per non-blank line. */
export function parseJsonl(text: string, optionsIn: JsonlOptions = {}): Record<string, unknown>[] {
  const o = { ...DEFAULTS, ...optionsIn };
  const rows: Record<string, unknown>[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (pos < text.length) {
    line++;
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    if (end - pos > o.maxLineChars) throw lineTooLong(line, o.maxLineChars);
    const source = text.slice(pos, end);
    pos = end + 1;
    const value = parseJsonlLine(source, line, o.maxDepth);
    if (value === undefined) continue;
    rows.push(value);
    if (rows.length > o.maxRows) {
      throw new MlsecError("E_LIMIT_EXCEEDED", `JSONL file has more than ${o.maxRows} records`);
    }
  }
  return rows;
}

/** Reads a UTF-8 JSON Lines file (see parseJsonl). */
export async function readJsonl(
  path: string,
  options: JsonlOptions = {},
): Promise<Record<string, unknown>[]> {
  return parseTextFile(path, options.maxFileBytes ?? DEFAULTS.maxFileBytes, (text) =>
    parseJsonl(text, options),
  );
}

function lineTooLong(line: number, max: number): MlsecError {
  return new MlsecError("E_LIMIT_EXCEEDED", `JSONL line ${line} is longer than ${max} characters`, {
    details: { line },
  });
}

/**
 * Streams a JSON Lines file record by record with bounded memory: at most one line (of at most
 * `maxLineChars`) plus one read chunk is held at a time. Yields each record with its line number.
 */
export async function* streamJsonl(
  path: string,
  options: JsonlOptions = {},
): AsyncGenerator<{ line: number; record: Record<string, unknown> }> {
  const o = { ...DEFAULTS, ...options };
  let stream: ReturnType<typeof createReadStream>;
  try {
    await access(path);
    stream = createReadStream(path, { highWaterMark: 1 << 16 });
  } catch (e) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
      details: { path },
    });
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending = "";
  let line = 0;
  let count = 0;
  const emit = (source: string) => {
    line++;
    if (line === 1 && source.charCodeAt(0) === 0xfeff) source = source.slice(1);
    return parseJsonlLine(source, line, o.maxDepth);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      let text: string;
      try {
        text = pending + decoder.decode(chunk, { stream: true });
      } catch {
        throw new MlsecError("E_DATA_FORMAT", `${path} is not UTF-8 text`, { details: { path } });
      }
      let from = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
        if (nl - from > o.maxLineChars) throw lineTooLong(line + 1, o.maxLineChars);
        const record = emit(text.slice(from, nl));
        from = nl + 1;
        if (record === undefined) continue;
        if (++count > o.maxRows) {
          throw new MlsecError("E_LIMIT_EXCEEDED", `JSONL file has more than ${o.maxRows} records`);
        }
        yield { line, record };
      }
      pending = text.slice(from);
      // A line that never ends must not grow without bound.
      if (pending.length > o.maxLineChars) throw lineTooLong(line + 1, o.maxLineChars);
    }
    const record = emit(pending + decoder.decode());
    if (record !== undefined) {
      if (++count > o.maxRows) {
        throw new MlsecError("E_LIMIT_EXCEEDED", `JSONL file has more than ${o.maxRows} records`);
      }
      yield { line, record };
    }
  } catch (e) {
    if (e instanceof MlsecError) {
      throw e.message.includes(path)
        ? e
        : new MlsecError(e.code, `${path}: ${e.message}`, {
            hint: e.hint,
            cause: e,
            details: { ...e.details, path },
          });
    }
    throw new MlsecError("E_IO", `reading ${path} failed: ${(e as Error).message}`, {
      cause: e,
      details: { path },
    });
  } finally {
    stream.destroy();
  }
}
