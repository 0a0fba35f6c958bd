// Text decoding for pickle arguments: CPython Lib/pickle.py (load_string, load_unicode, load_global).

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** UTF-8 text; short ASCII strings (most names and keys) skip the TextDecoder call. */
export function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length <= 64) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return utf8.decode(bytes);
    // One flat string (appending char by char would build a chain of cons-strings).
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  return utf8.decode(bytes);
}

export function decodeLatin1(bytes: Uint8Array): string {
  if (bytes.length <= 64) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  }
  return s;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\n": "",
};

/**
 * Protocol 0 `STRING`: a Python string literal in quotes, decoded with the `escape` codec
 * (\\, \', \n, \xhh, octal). Returns undefined when the quotes do not match, as Python raises.
 * Hostile streams spell names with escapes ('o\x73'), so names must be decoded, not matched raw.
 */
export function decodeStringLiteral(raw: string): string | undefined {
  if (raw.length < 2) return undefined;
  const q = raw[0];
  if ((q !== "'" && q !== '"') || raw[raw.length - 1] !== q) return undefined;
  const body = raw.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 1;
    } else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(Number.parseInt(m, 8) & 0xff);
      i += m.length;
    } else {
      out += c;
    }
  }
  return out;
}

/** Protocol 0 `UNICODE`: the raw-unicode-escape codec (only \uXXXX and \UXXXXXXXX escape). */
export function decodeRawUnicodeEscape(raw: string): string {
  if (!raw.includes("\\")) return raw;
  return raw.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4, u8) => {
    const cp = Number.parseInt(u4 ?? u8, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : _m;
  });
}
