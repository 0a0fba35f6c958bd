// Errors from parsing a file name the file: the parser's MlsecError gets the path prepended.

import { MlsecError, readFileBounded } from "../core/index.js";

/** Rethrows `e`, prefixing an MlsecError's message with the file path (once). */
export function rethrowWithPath(e: unknown, path: string): never {
  if (e instanceof MlsecError && !e.message.includes(path)) {
    throw new MlsecError(e.code, `${path}: ${e.message}`, {
      hint: e.hint,
      cause: e,
      details: { ...e.details, path },
    });
  }
  throw e;
}

/** Reads a bounded UTF-8 text file and parses it, naming the file in any error. */
export async function parseTextFile<T>(
  path: string,
  maxBytes: number,
  parse: (text: string) => T,
): Promise<T> {
  const bytes = await readFileBounded(path, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new MlsecError("E_DATA_FORMAT", `${path} is not UTF-8 text`, { details: { path } });
  }
  try {
    return parse(text);
  } catch (e) {
    return rethrowWithPath(e, path);
  }
}
