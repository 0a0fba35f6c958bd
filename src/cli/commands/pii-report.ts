// The report of `mlsec pii detect`: findings kept in typed arrays (about 40 bytes each instead of
// an object each, so a 1 GiB input's millions of findings fit in memory without the garbage
// collector tracing them), printed at the end in pieces, as JSON or as a text table.

import { SCHEMA_VERSION } from "../output.js";

/** A finding as `pii detect` reports it (`text` only with --show-text). */
export interface ReportedFinding {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly score: number;
  readonly text?: string;
  readonly detail?: string;
}

/** Where the findings come from: a record (1-based) and, for CSV, a column. */
export interface FindingSource {
  readonly record: number;
  readonly column?: string;
}

const INITIAL_CAPACITY = 1024;
/** About this many UTF-16 units per piece of printed output. */
const PIECE = 1 << 16;

function grown<T extends Float64Array | Int32Array>(from: T, make: (n: number) => T): T {
  const to = make(from.length * 2);
  to.set(from);
  return to;
}

/** The findings of one `pii detect` run, in the order they were found. */
export class FindingLog {
  /** Keep each finding's matched text (--show-text). */
  readonly #withText: boolean;
  #count = 0;
  #records = new Float64Array(INITIAL_CAPACITY);
  #columns = new Int32Array(INITIAL_CAPACITY); // index into #columnNames, or -1
  #types = new Int32Array(INITIAL_CAPACITY); // index into #typeNames
  #starts = new Float64Array(INITIAL_CAPACITY);
  #ends = new Float64Array(INITIAL_CAPACITY);
  #scores = new Float64Array(INITIAL_CAPACITY);
  readonly #texts = new Map<number, string>();
  readonly #details = new Map<number, string>();
  readonly #typeNames = new Names();
  readonly #columnNames = new Names();
  readonly #byType = new Map<string, number>();
  /** How many documents (texts, records or rows) were analysed. */
  documents = 0;

  constructor(options: { readonly withText: boolean }) {
    this.#withText = options.withText;
  }

  get count(): number {
    return this.#count;
  }

  /** Findings per entity type, in the order the types were first found. */
  get byType(): Record<string, number> {
    return Object.fromEntries(this.#byType);
  }

  /** Adds a finding, its offsets moved by `offset` (where its text starts in the input). */
  add(source: FindingSource, f: ReportedFinding, offset = 0): void {
    if (this.#count === this.#starts.length) this.#grow();
    const i = this.#count++;
    this.#records[i] = source.record;
    this.#columns[i] = source.column === undefined ? -1 : this.#columnNames.indexOf(source.column);
    this.#types[i] = this.#typeNames.indexOf(f.type);
    this.#starts[i] = f.start + offset;
    this.#ends[i] = f.end + offset;
    this.#scores[i] = f.score;
    if (this.#withText && f.text !== undefined) this.#texts.set(i, f.text);
    if (f.detail !== undefined) this.#details.set(i, f.detail);
    this.#byType.set(f.type, (this.#byType.get(f.type) ?? 0) + 1);
  }

  #grow(): void {
    const f64 = (n: number) => new Float64Array(n);
    const i32 = (n: number) => new Int32Array(n);
    this.#records = grown(this.#records, f64);
    this.#columns = grown(this.#columns, i32);
    this.#types = grown(this.#types, i32);
    this.#starts = grown(this.#starts, f64);
    this.#ends = grown(this.#ends, f64);
    this.#scores = grown(this.#scores, f64);
  }

  type(i: number): string {
    return this.#typeNames.at(this.#types[i]);
  }
  start(i: number): number {
    return this.#starts[i];
  }
  end(i: number): number {
    return this.#ends[i];
  }
  score(i: number): number {
    return this.#scores[i];
  }
  text(i: number): string | undefined {
    return this.#texts.get(i);
  }
  detail(i: number): string | undefined {
    return this.#details.get(i);
  }

  source(i: number): FindingSource {
    const column = this.#columns[i];
    return {
      record: this.#records[i],
      ...(column < 0 ? {} : { column: this.#columnNames.at(column) }),
    };
  }

  /** Whether findings i and j come from the same record and column. */
  sameSource(i: number, j: number): boolean {
    return this.#records[i] === this.#records[j] && this.#columns[i] === this.#columns[j];
  }
}

/** Distinct strings numbered in the order they are first seen. */
class Names {
  readonly #list: string[] = [];
  readonly #index = new Map<string, number>();

  /** The name's number, given on first sight. */
  indexOf(name: string): number {
    let i = this.#index.get(name);
    if (i === undefined) {
      i = this.#list.length;
      this.#list.push(name);
      this.#index.set(name, i);
    }
    return i;
  }

  at(i: number): string {
    return this.#list[i];
  }
}

/** What `pii detect` read, printed before its findings. */
export interface ReportHeader {
  readonly input: string;
  readonly inputFormat: string;
  readonly offsets: string;
}

/** Joins strings into pieces of about PIECE units. */
function* pieces(parts: Iterable<string>): Generator<string> {
  let piece = "";
  for (const part of parts) {
    piece += part;
    if (piece.length >= PIECE) {
      yield piece;
      piece = "";
    }
  }
  if (piece.length > 0) yield piece;
}

/** A number as JSON.stringify prints it. */
const jsonNumber = (x: number) => (Number.isFinite(x) ? String(x) : "null");

/**
 * Finding i as JSON.stringify(…, null, 2) prints it inside a record's findings (eight spaces
 * deep), written out field by field: a JSON.stringify per finding costs more than the analysis
 * of its text.
 */
function findingJson(log: FindingLog, i: number): string {
  let json = `{\n          "type": ${JSON.stringify(log.type(i))},\n          "start": ${jsonNumber(log.start(i))},\n          "end": ${jsonNumber(log.end(i))},\n          "score": ${jsonNumber(log.score(i))}`;
  const text = log.text(i);
  if (text !== undefined) json += `,\n          "text": ${JSON.stringify(text)}`;
  const detail = log.detail(i);
  if (detail !== undefined) json += `,\n          "detail": ${JSON.stringify(detail)}`;
  return `${json}\n        }`;
}

/**
 * The report as JSON, in pieces: the same text as JSON.stringify of the whole document with an
 * indent of 2 (schemaVersion, command, input, inputFormat, offsets, documents, summary, results),
 * without holding that text or an object per finding.
 */
export function jsonReport(header: ReportHeader, log: FindingLog): Generator<string> {
  return pieces(jsonParts(header, log));
}

function* jsonParts(header: ReportHeader, log: FindingLog): Generator<string> {
  const head = {
    schemaVersion: SCHEMA_VERSION,
    command: "pii detect",
    ...header,
    documents: log.documents,
    summary: { findings: log.count, byType: log.byType },
  };
  yield JSON.stringify(head, null, 2).slice(0, -2);
  if (log.count === 0) {
    yield ',\n  "results": []\n}\n';
    return;
  }
  yield ',\n  "results": [';
  for (let i = 0; i < log.count; i++) {
    const opensGroup = i === 0 || !log.sameSource(i - 1, i);
    if (opensGroup) {
      if (i > 0) yield "\n      ]\n    },";
      const source = log.source(i);
      yield `\n    {\n      "record": ${source.record},`;
      if (source.column !== undefined) yield `\n      "column": ${JSON.stringify(source.column)},`;
      yield '\n      "findings": [';
    } else {
      yield ",";
    }
    yield `\n        ${findingJson(log, i)}`;
  }
  yield "\n      ]\n    }\n  ]\n}\n";
}

/** The report as a text table of findings and a summary line, in pieces. */
export function textReport(log: FindingLog): Generator<string> {
  return pieces(textParts(log));
}

function* textParts(log: FindingLog): Generator<string> {
  const types = Object.entries(log.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ");
  const summary = `${log.count} finding(s) in ${log.documents} document(s)${types ? `: ${types}` : ""}\n`;
  if (log.count === 0) {
    yield summary;
    return;
  }
  const header = ["record", "type", "start-end", "score", "text"];
  const widths = header.map((h) => h.length);
  for (let i = 0; i < log.count; i++) {
    row(log, i).forEach((cell, c) => {
      widths[c] = Math.max(widths[c], cell.length);
    });
  }
  // As output.ts's table() lays out rows, one row at a time.
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c < cells.length - 1 ? cell.padEnd(widths[c]) : cell))
      .join("  ")
      .trimEnd();
  yield `${line(header)}\n`;
  for (let i = 0; i < log.count; i++) yield `${line(row(log, i))}\n`;
  yield summary;
}

function row(log: FindingLog, i: number): string[] {
  const { record, column } = log.source(i);
  const where = column === undefined ? String(record) : `${record}:${column}`;
  return [
    where,
    log.type(i),
    `${log.start(i)}-${log.end(i)}`,
    log.score(i).toFixed(2),
    log.text(i) ?? "",
  ];
}
