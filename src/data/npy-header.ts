// The .npy header: a Python dict literal (NumPy NEP 1, "A Simple File Format for NumPy Arrays",
// numpy/lib/format.py). Parsed by a small recursive-descent parser over a restricted grammar
// (strings, integers, True/False/None, tuples, lists, dicts); nothing is ever evaluated.

import { MlsecError } from "../core/index.js";

export type PyValue = string | number | boolean | null | PyValue[] | PyTuple | PyDict;
export interface PyTuple {
  readonly kind: "tuple";
  readonly items: PyValue[];
}
export interface PyDict {
  readonly kind: "dict";
  readonly entries: Map<string, PyValue>;
}

/** Bounds for hostile headers: nesting depth and number of items in all containers. */
const MAX_DEPTH = 16;
const MAX_ITEMS = 4096;

function fail(message: string, at: number): never {
  throw new MlsecError("E_DATA_FORMAT", `bad .npy header: ${message} at offset ${at}`);
}

/** Parses a Python literal; throws E_DATA_FORMAT on anything outside the restricted grammar. */
export function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  let items = 0;

  const skipSpace = () => {
    while (pos < text.length && /[ \t\r\n]/.test(text[pos])) pos++;
  };

  const parseString = (): string => {
    const quote = text[pos++];
    let out = "";
    while (pos < text.length) {
      const c = text[pos++];
      if (c === quote) return out;
      if (c === "\n") fail("newline inside a string", pos - 1);
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[pos++];
      if (e === undefined) break;
      if (e === "\\" || e === "'" || e === '"') out += e;
      else if (e === "n") out += "\n";
      else if (e === "t") out += "\t";
      else fail(`unsupported escape \\${e}`, pos - 2);
    }
    return fail("unterminated string", pos);
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) {
      throw new MlsecError("E_LIMIT_EXCEEDED", `.npy header nests deeper than ${MAX_DEPTH}`);
    }
    skipSpace();
    const c = text[pos];
    if (c === "'" || c === '"') return parseString();
    if (c === "(" || c === "[") {
      const close = c === "(" ? ")" : "]";
      pos++;
      const list: PyValue[] = [];
      let sawComma = false;
      for (;;) {
        skipSpace();
        if (text[pos] === close) {
          pos++;
          break;
        }
        if (list.length > 0 && !sawComma) fail(`expected , or ${close}`, pos);
        if (++items > MAX_ITEMS) {
          throw new MlsecError("E_LIMIT_EXCEEDED", `.npy header has over ${MAX_ITEMS} items`);
        }
        list.push(parseValue(depth + 1));
        skipSpace();
        sawComma = text[pos] === ",";
        if (sawComma) pos++;
      }
      // `(1)` is a parenthesised integer in Python, not a tuple.
      if (close === ")" && list.length === 1 && !sawComma) return list[0];
      return close === ")" ? { kind: "tuple", items: list } : list;
    }
    if (c === "{") {
      pos++;
      const entries = new Map<string, PyValue>();
      let sawComma = true;
      for (;;) {
        skipSpace();
        if (text[pos] === "}") {
          pos++;
          return { kind: "dict", entries };
        }
        if (!sawComma) fail("expected , or }", pos);
        if (text[pos] !== "'" && text[pos] !== '"') fail("dict keys must be strings", pos);
        if (++items > MAX_ITEMS) {
          throw new MlsecError("E_LIMIT_EXCEEDED", `.npy header has over ${MAX_ITEMS} items`);
        }
        const key = parseString();
        skipSpace();
        if (text[pos] !== ":") fail("expected :", pos);
        pos++;
        if (entries.has(key)) fail(`duplicate key '${key}'`, pos);
        entries.set(key, parseValue(depth + 1));
        skipSpace();
        sawComma = text[pos] === ",";
        if (sawComma) pos++;
      }
    }
    const word = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(pos, pos + 32));
    if (word === null) return fail(`unexpected ${JSON.stringify(c ?? "end")}`, pos);
    pos += word[0].length;
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    if (word[0] === "None") return null;
    // Python 2 wrote long integers as `3L`; the trailing L is harmless.
    const n = Number(word[0].replace("L", ""));
    if (!Number.isSafeInteger(n)) fail(`integer ${word[0]} is too large`, pos);
    return n;
  };

  const value = parseValue(0);
  skipSpace();
  if (pos !== text.length) fail("trailing characters", pos);
  return value;
}
