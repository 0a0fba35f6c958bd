// A Python tokenizer for linting, after the Python Language Reference §2 (Lexical analysis):
// comments, string literals with prefixes and triple quotes, names, numbers, operators and
// bracket nesting. Enough to find call sites and keyword arguments without being fooled by
// text inside strings or comments. f-strings are kept whole as one string token. Linear time.

import { MlsecError } from "../core/index.js";

/** CPython's tokenizer refuses more than 200 nested brackets (MAXLEVEL); so do we. */
export const MAX_PY_NESTING = 200;

export type PyTokenKind = "name" | "string" | "number" | "op" | "comment" | "newline";

export interface PyToken {
  readonly kind: PyTokenKind;
  readonly text: string;
  /** For strings: the literal's value (escapes left as written); for others: the text. */
  readonly value: string;
  readonly line: number;
  readonly column: number;
  /** For strings: an f-string (its value is not constant). */
  readonly formatted?: boolean;
}

const NAME_START = /[A-Za-z_\u0080-\uffff]/;
const NAME_PART = /[A-Za-z0-9_\u0080-\uffff]/;
const STRING_PREFIX = /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])$/;
const OPS3 = new Set(["**=", "//=", ">>=", "<<=", "...", "!=="]);
const OPS2 = new Set([
  "**",
  "//",
  "==",
  "!=",
  "<=",
  ">=",
  "->",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "@=",
  ":=",
  "<<",
  ">>",
]);

/** Tokenizes `src`. Unterminated strings run to the end of the file (or line) rather than throwing. */
export function tokenizePython(src: string): PyToken[] {
  const out: PyToken[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  const n = src.length;
  const push = (kind: PyTokenKind, start: number, value?: string, formatted?: boolean) => {
    const text = src.slice(start, i);
    out.push({ kind, text, value: value ?? text, line, column: start - lineStart + 1, formatted });
  };
  while (i < n) {
    const c = src[i];
    if (c === "\n") {
      if (depth === 0) {
        i++;
        push("newline", i - 1);
      } else i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "\\" && src[i + 1] === "\n") {
      i += 2;
      line++;
      lineStart = i;
      continue;
    }
    if (c === "#") {
      const start = i;
      while (i < n && src[i] !== "\n") i++;
      push("comment", start);
      continue;
    }
    if (NAME_START.test(c)) {
      const start = i;
      while (i < n && NAME_PART.test(src[i])) i++;
      const word = src.slice(start, i);
      if ((src[i] === '"' || src[i] === "'") && STRING_PREFIX.test(word)) {
        readString(start, /[fF]/.test(word));
      } else push("name", start);
      continue;
    }
    if (c === '"' || c === "'") {
      readString(i, false);
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const start = i;
      while (i < n && /[0-9A-Za-z_.]/.test(src[i])) {
        // exponent sign: 1e-5
        if ((src[i] === "e" || src[i] === "E") && (src[i + 1] === "-" || src[i + 1] === "+")) i++;
        i++;
      }
      push("number", start);
      continue;
    }
    const start = i;
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    if (OPS3.has(three)) i += 3;
    else if (OPS2.has(two)) i += 2;
    else i++;
    if (c === "(" || c === "[" || c === "{") {
      if (++depth > MAX_PY_NESTING) {
        throw new MlsecError(
          "E_LIMIT_EXCEEDED",
          `more than ${MAX_PY_NESTING} nested brackets at line ${line}`,
        );
      }
    } else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
    push("op", start);
  }
  return out;

  function readString(start: number, formatted: boolean): void {
    const q = src[i];
    const triple = src.slice(i, i + 3) === q.repeat(3);
    const delim = triple ? q.repeat(3) : q;
    i += delim.length;
    const bodyStart = i;
    const startLine = line;
    const startCol = start - lineStart + 1;
    let bodyEnd = -1;
    while (i < n) {
      const ch = src[i];
      if (ch === "\\") {
        if (src[i + 1] === "\n") {
          line++;
          lineStart = i + 2;
        }
        i += 2;
        continue;
      }
      if (ch === "\n") {
        if (!triple) break; // unterminated single-quoted string ends at the line
        line++;
        lineStart = i + 1;
        i++;
        continue;
      }
      if (src.startsWith(delim, i)) {
        bodyEnd = i;
        i += delim.length;
        break;
      }
      i++;
    }
    if (bodyEnd < 0) bodyEnd = Math.min(i, n);
    out.push({
      kind: "string",
      text: src.slice(start, i),
      value: src.slice(bodyStart, bodyEnd),
      line: startLine,
      column: startCol,
      formatted,
    });
  }
}
