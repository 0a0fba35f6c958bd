// CSV reader following RFC 4180 ("Common Format and MIME Type for CSV Files", §2): fields split
// by commas, records by CRLF (a bare LF is accepted too), double-quoted fields that may hold
// commas, line breaks and doubled quotes (""), an optional header row. Columns whose every
// non-empty field is a number are returned as numbers; empty fields become null.

import { MlsecError } from "../core/index.js";
import { parseTextFile } from "./file-errors.js";

export type Cell = string | number | null;
export type Row = Readonly<Record<string, Cell>>;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface CsvOptions {
  /** The first record names the columns (default true); otherwise they are "0", "1", ... */
  readonly header?: boolean;
  /** Field separator, one character other than a quote or line break (default ","). */
  readonly delimiter?: string;
  /** Longest field, in characters (default 1 MiB). */
  readonly maxFieldChars?: number;
  /** Longest record, in characters, quoted line breaks included (default 4 MiB). */
  readonly maxRecordChars?: number;
  /** Most data rows (default 10,000,000). */
  readonly maxRows?: number;
  /** Most columns (default 10,000). */
  readonly maxColumns?: number;
  /** Largest file read by readCsv, in bytes (default 1 GiB). */
  readonly maxFileBytes?: number;
}

const DEFAULTS = {
  header: true,
  delimiter: ",",
  maxFieldChars: 1 << 20,
  maxRecordChars: 4 << 20,
  maxRows: 10_000_000,
  maxColumns: 10_000,
  maxFileBytes: 2 ** 30,
};

// A decimal number as written by spreadsheets and NumPy: no hex, no "Infinity", no blanks.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function bad(line: number, message: string): never {
  throw new MlsecError("E_DATA_FORMAT", `CSV line ${line}: ${message}`, { details: { line } });
}

function limit(line: number, message: string): never {
  throw new MlsecError("E_LIMIT_EXCEEDED", `CSV line ${line}: ${message}`, { details: { line } });
}

/** Splits CSV text into records of raw string fields (each with the line it starts on). */
export function parseCsvRecords(
  text: string,
  optionsIn: CsvOptions = {},
): { fields: string[]; line: number }[] {
  const o = { ...DEFAULTS, ...optionsIn };
  const d = o.delimiter;
  if (d.length !== 1 || d === '"' || d === "\r" || d === "\n") {
    throw new MlsecError("E_INVALID_ARGUMENT", `invalid CSV delimiter ${JSON.stringify(d)}`);
  }
  const plain = new RegExp(`[^"\\r\\n${d.replace(/[\\\]^-]/g, "\\$&")}]*`, "y");
  const records: { fields: string[]; line: number }[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;
  const n = text.length;
  while (pos < n) {
    const start = pos;
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text[pos] === '"') {
        // §2.5-2.7: quoted field; "" is one quote; line breaks inside count toward the line.
        pos++;
        let out = "";
        let from = pos;
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) bad(startLine, "unterminated quoted field");
          if (q - from + out.length > o.maxFieldChars) {
            limit(startLine, `a field is longer than ${o.maxFieldChars} characters`);
          }
          for (let i = pos; i < q; i++) if (text.charCodeAt(i) === 10) line++;
          if (text[q + 1] === '"') {
            out += text.slice(from, q + 1);
            pos = q + 2;
            from = pos;
            continue;
          }
          out += text.slice(from, q);
          pos = q + 1;
          break;
        }
        field = out;
        const next = text[pos];
        if (pos < n && next !== d && next !== "\r" && next !== "\n") {
          bad(line, "characters after a closing quote");
        }
      } else {
        // A sticky regex finds the end of an unquoted field in one native scan.
        plain.lastIndex = pos;
        plain.test(text);
        const end = plain.lastIndex;
        if (end - pos > o.maxFieldChars) {
          limit(line, `a field is longer than ${o.maxFieldChars} characters`);
        }
        if (text[end] === '"') {
          bad(line, "a quote inside an unquoted field (quote the whole field)");
        }
        field = text.slice(pos, end);
        pos = end;
      }
      fields.push(field);
      if (fields.length > o.maxColumns) limit(startLine, `more than ${o.maxColumns} fields`);
      if (pos - start > o.maxRecordChars) {
        limit(startLine, `a record is longer than ${o.maxRecordChars} characters`);
      }
      if (text[pos] === d) {
        pos++;
        continue;
      }
      break;
    }
    // §2.1-2.2: records end in CRLF; the last one may have no line break.
    if (text[pos] === "\r") pos++;
    if (text[pos] === "\n") pos++;
    line++;
    // A blank line is not a record (a one-field record would have to be quoted: "").
    if (fields.length === 1 && fields[0] === "" && text[start] !== '"') continue;
    records.push({ fields, line: startLine });
    if (records.length > o.maxRows + 1) limit(startLine, `more than ${o.maxRows} rows`);
  }
  return records;
}

/** Parses CSV text into a table of records; numeric columns become numbers. */
export function parseCsv(text: string, optionsIn: CsvOptions = {}): Table {
  const o = { ...DEFAULTS, ...optionsIn };
  const records = parseCsvRecords(text, o);
  if (records.length === 0) return { columns: [], rows: [] };
  const width = records[0].fields.length;
  let columns: string[];
  if (o.header) {
    columns = records.shift()!.fields;
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c)) bad(1, `duplicate column name ${JSON.stringify(c)}`);
      seen.add(c);
    }
  } else {
    columns = Array.from({ length: width }, (_, i) => String(i));
  }
  for (const r of records) {
    if (r.fields.length !== width) {
      bad(r.line, `${r.fields.length} fields, but the first record has ${width}`);
    }
  }
  const numeric = columns.map((_, j) =>
    records.every((r) => r.fields[j] === "" || NUMBER.test(r.fields[j])),
  );
  // Object.fromEntries defines own properties, so a column named "__proto__" stays a field.
  const rows = records.map(({ fields }) =>
    Object.fromEntries(
      columns.map((c, j) => {
        const f = fields[j];
        return [c, f === "" ? null : numeric[j] ? Number(f) : f];
      }),
    ),
  );
  return { columns, rows };
}

/** Reads a UTF-8 CSV file (see parseCsv). */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Table> {
  return parseTextFile(path, options.maxFileBytes ?? DEFAULTS.maxFileBytes, (text) =>
    parseCsv(text, options),
  );
}
