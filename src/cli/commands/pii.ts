import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { AnonymizerConfig, EntityType, OffsetUnit, PiiKeys } from "../../pii/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, MlsecError } from "../runner.js";
import {
  FindingLog,
  type FindingSource,
  jsonReport,
  type ReportedFinding,
  textReport,
} from "./pii-report.js";

type InputFormat = "text" | "jsonl" | "csv";

interface InputOptions {
  jsonl?: boolean;
  csv?: boolean;
  textField: string;
  entities?: string;
  minScore?: number;
  offsets: OffsetUnit;
  maxBytes: number;
  nerCommand?: string;
}

interface DetectOptions extends InputOptions {
  showText?: boolean;
  jobs: number;
}

interface AnonymizeOptions extends InputOptions {
  config?: string;
  out?: string;
  keyFile?: string;
}

interface DeanonymizeOptions {
  keyFile: string;
  out?: string;
  jsonl?: boolean;
  csv?: boolean;
  textField: string;
  maxBytes: number;
}

const DEFAULT_MAX_BYTES = 1024 ** 3;
/** Plain text is analysed in pieces of about this many UTF-16 units, cut at line ends. */
const TEXT_CHUNK = 1 << 20;

function inputOptions(cmd: Command): Command {
  return cmd
    .argument("[file]", "input file, or - for standard input", "-")
    .option("--jsonl", "input is JSON Lines; the text is in --text-field")
    .option("--csv", "input is CSV with a header row (column-aware)")
    .option("--text-field <name>", "JSONL field holding the text", "text")
    .option(
      "--entities <list>",
      "only these entity types, comma-separated (e.g. PERSON,EMAIL_ADDRESS)",
    )
    .option(
      "--min-score <x>",
      "drop findings scoring below this (default 0.4)",
      parseNumber("--min-score", 0, 1),
    )
    .addOption(
      new Option("--offsets <unit>", "offsets in Unicode code points or UTF-16 code units")
        .default("codepoint")
        .argParser(parseChoice("--offsets", ["codepoint", "utf16"] as const)),
    )
    .option(
      "--max-bytes <n>",
      "largest input accepted, in bytes (default 1 GiB)",
      parseInteger("--max-bytes", 1, 2 ** 50),
      DEFAULT_MAX_BYTES,
    )
    .option(
      "--ner-command <argv>",
      'also run a NER model: a command (no shell) reading {"text"} JSON lines, printing {"entities"} lines',
    );
}

export function registerPii(program: Command): void {
  const pii = program
    .command("pii")
    .description("find personal data (PII) and secrets in text, JSONL and CSV, and anonymize it");
  inputOptions(
    pii
      .command("detect")
      .description("report PII findings: type, offsets, score (text only with --show-text)"),
  )
    .option("--show-text", "include the matched text in the output")
    .option(
      "--jobs <n>",
      "analyse on this many worker threads (each loads its own word lists: for large inputs)",
      parseInteger("--jobs", 1, 64),
      1,
    )
    .action(action((ctx, file: string, opts: DetectOptions) => runDetect(ctx, file, opts)));
  inputOptions(
    pii
      .command("anonymize")
      .alias("redact")
      .description(
        "replace PII by operator (replace, redact, mask, hash, encrypt, pseudonym, keep)",
      ),
  )
    .option(
      "--config <file>",
      "YAML/JSON operators: {default: {type: …}, entities: {TYPE: {type: …}}}",
    )
    .option("--key-file <file>", "key for hash, encrypt and pseudonym (>= 16 random bytes)")
    .option("--out <file>", "write the anonymized data here (atomically) instead of stdout")
    .action(action((ctx, file: string, opts: AnonymizeOptions) => runAnonymize(ctx, file, opts)));
  pii
    .command("deanonymize")
    .description("restore values that `pii anonymize` encrypted (the encrypt operator)")
    .argument("[file]", "input file, or - for standard input", "-")
    .requiredOption("--key-file <file>", "the key used to anonymize")
    .option("--out <file>", "write the restored data here (atomically) instead of stdout")
    .option("--jsonl", "input is JSON Lines")
    .option("--csv", "input is CSV")
    .option("--text-field <name>", "JSONL field holding the text", "text")
    .option(
      "--max-bytes <n>",
      "largest input accepted, in bytes (default 1 GiB)",
      parseInteger("--max-bytes", 1, 2 ** 50),
      DEFAULT_MAX_BYTES,
    )
    .action(
      action((ctx, file: string, opts: DeanonymizeOptions) => runDeanonymize(ctx, file, opts)),
    );
  registerTabular(pii);
  registerVault(pii);
}

// ---------------------------------------------------------------------------------------------
// input

async function readInput(file: string, maxBytes: number): Promise<string> {
  let bytes: Uint8Array;
  if (file === "-") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        throw new MlsecError("E_LIMIT_EXCEEDED", `standard input exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    bytes = Buffer.concat(chunks);
  } else {
    const { readFileBounded } = await import("../../data/index.js");
    bytes = await readFileBounded(file, maxBytes);
  }
  try {
    // Hostile or corrupt input: refuse invalid UTF-8 instead of analysing U+FFFD soup.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    throw notUtf8(file === "-" ? "standard input" : file, cause);
  }
}

function formatOf(file: string, opts: { jsonl?: boolean; csv?: boolean }): InputFormat {
  if (opts.jsonl && opts.csv)
    throw new MlsecError("E_USAGE", "--jsonl and --csv exclude each other");
  if (opts.jsonl) return "jsonl";
  if (opts.csv) return "csv";
  const ext = extname(file).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  return "text";
}

async function entitiesOf(list: string | undefined): Promise<EntityType[] | undefined> {
  if (list === undefined) return undefined;
  const { ENTITY_TYPES, isEntityType } = await import("../../pii/types.js");
  const names = list
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "");
  const bad = names.filter((n) => !isEntityType(n));
  if (bad.length > 0 || names.length === 0) {
    throw new MlsecError("E_USAGE", `unknown entity type(s): ${bad.join(", ") || "(none given)"}`, {
      hint: `Known types: ${ENTITY_TYPES.join(", ")}`,
    });
  }
  return names as EntityType[];
}

/** The text of JSONL record number `n` (1-based), which must hold it as a string in `field`. */
function jsonlText(record: Record<string, unknown>, field: string, n: number): string {
  const text = record[field];
  if (typeof text !== "string") {
    throw new MlsecError("E_DATA_FORMAT", `JSONL record ${n} has no string field "${field}"`, {
      hint: "Name the field that holds the text with --text-field.",
      details: { record: n },
    });
  }
  return text;
}

async function jsonlRecords(text: string, field: string) {
  const { parseJsonl } = await import("../../data/index.js");
  const records = parseJsonl(text);
  for (const [i, r] of records.entries()) jsonlText(r, field, i + 1);
  return records;
}

async function csvRecords(text: string): Promise<string[][]> {
  const { parseCsvRecords } = await import("../../data/index.js");
  return parseCsvRecords(text).map((r) => r.fields);
}

/**
 * The built-in recognizers plus a NER model's, when --ner-command names one: the command runs
 * once over every text the command will analyse, and its answers are looked up per text.
 */
async function nerRecognizers(opts: InputOptions, format: InputFormat, text: string) {
  if (opts.nerCommand === undefined) return undefined;
  const { DEFAULT_RECOGNIZERS, nerRecognizer, runNerCommand } = await import(
    "../../pii/recognizers/index.js"
  );
  let texts: string[];
  if (format === "jsonl") {
    texts = (await jsonlRecords(text, opts.textField)).map((r) => r[opts.textField] as string);
  } else if (format === "csv") {
    texts = (await csvRecords(text)).slice(1).flat();
  } else {
    texts = chunks(text);
  }
  const unique = [...new Set(texts)];
  const argv = opts.nerCommand.split(/\s+/).filter((a) => a !== "");
  const answers = runNerCommand(argv, unique);
  const byText = new Map(unique.map((t, i) => [t, answers[i]]));
  return [...DEFAULT_RECOGNIZERS, nerRecognizer((t) => byText.get(t) ?? [])];
}

/** Splits plain text at line ends into pieces of about TEXT_CHUNK units (streaming analysis). */
function chunks(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    let end = Math.min(text.length, pos + TEXT_CHUNK);
    if (end < text.length) {
      const nl = text.indexOf("\n", end);
      end = nl < 0 ? text.length : nl + 1;
    }
    out.push(text.slice(pos, end));
    pos = end;
  }
  return out;
}

/** The error for input that is not UTF-8 (the generic hint speaks of .npz archives). */
function notUtf8(name: string, cause: unknown): MlsecError {
  return new MlsecError("E_DATA_FORMAT", `${name} is not valid UTF-8`, {
    cause,
    hint: "Convert the text to UTF-8 first, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8",
  });
}

/** Where `pii detect` reads from: a file's read stream or standard input. */
async function openSource(file: string, maxBytes: number): Promise<AsyncIterable<Uint8Array>> {
  if (file === "-") return process.stdin as AsyncIterable<Uint8Array>;
  const { statBounded } = await import("../../core/index.js");
  await statBounded(file, maxBytes);
  const { createReadStream } = await import("node:fs");
  return createReadStream(file, { highWaterMark: 1 << 16 });
}

/**
 * The pieces `chunks` would cut, read as the input arrives: memory holds one piece (at most
 * TEXT_CHUNK units plus the rest of a line) and one read chunk, not the whole input. Each piece
 * is joined from the decoded chunks into a string of its own: the analyzer reads a slice of a
 * longer string about 9% slower.
 */
async function* streamPieces(file: string, maxBytes: number): AsyncGenerator<string> {
  const { DEFAULT_MAX_LINE_LENGTH } = await import("../../pii/analyzer.js");
  const name = file === "-" ? "standard input" : file;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch (cause) {
      // Hostile or corrupt input: refuse invalid UTF-8 instead of analysing U+FFFD soup.
      throw notUtf8(name, cause);
    }
  };
  let parts: string[] = []; // decoded text not yet cut into pieces
  let units = 0; // their total length
  let bytes = 0;
  for await (const chunk of await openSource(file, maxBytes)) {
    bytes += chunk.length;
    if (bytes > maxBytes)
      throw new MlsecError("E_LIMIT_EXCEEDED", `${name} exceeds ${maxBytes} bytes`);
    const decoded = decode(chunk);
    parts.push(decoded);
    units += decoded.length;
    while (units > TEXT_CHUNK) {
      const cut = lineEndAfter(parts, TEXT_CHUNK);
      if (cut === undefined) {
        // A line that never ends must not grow without bound.
        if (units > TEXT_CHUNK + DEFAULT_MAX_LINE_LENGTH) {
          throw new MlsecError(
            "E_LIMIT_EXCEEDED",
            `a line of more than ${DEFAULT_MAX_LINE_LENGTH} characters in ${name}`,
          );
        }
        break;
      }
      const [part, at] = cut;
      const piece = [...parts.slice(0, part), parts[part].slice(0, at)].join("");
      parts = [parts[part].slice(at), ...parts.slice(part + 1)];
      units -= piece.length;
      yield piece;
    }
  }
  parts.push(decode());
  const rest = parts.join("");
  if (rest.length > 0) yield rest;
}

/**
 * Where the first line break at or after unit `from` of the parts' concatenation ends: the index
 * of its part and the offset just past it in that part; undefined if there is none.
 */
export function lineEndAfter(parts: readonly string[], from: number): [number, number] | undefined {
  let start = 0; // offset of parts[i] in the concatenation
  for (let i = 0; i < parts.length; i++) {
    const end = start + parts[i].length;
    if (end > from) {
      const nl = parts[i].indexOf("\n", Math.max(0, from - start));
      if (nl >= 0) return [i, nl + 1];
    }
    start = end;
  }
  return undefined;
}

/**
 * JSONL records and their texts as the file is read (`streamJsonl`), checked as `jsonlRecords`
 * checks them (`jsonlText`).
 */
async function* streamJsonlRecords(file: string, field: string, maxBytes: number) {
  const { streamJsonl } = await import("../../data/index.js");
  const { statBounded } = await import("../../core/index.js");
  await statBounded(file, maxBytes);
  let n = 0;
  for await (const { record } of streamJsonl(file)) {
    yield { record, text: jsonlText(record, field, ++n) };
  }
}

/**
 * Whether the input is analysed as it is read: plain text and JSONL files. A NER command sees
 * every text at once, CSV columns are classified from all rows, and JSONL from standard input is
 * parsed whole.
 */
function readAsItGoes(file: string, format: InputFormat, opts: InputOptions): boolean {
  return (
    opts.nerCommand === undefined && (format === "text" || (format === "jsonl" && file !== "-"))
  );
}

// ---------------------------------------------------------------------------------------------
// detect

/** Where a text's findings go: its record (and column), and where it starts in the input. */
interface Placement {
  readonly source: FindingSource;
  readonly offset: number;
}

async function runDetect(ctx: CommandContext, file: string, opts: DetectOptions): Promise<number> {
  if (opts.jobs > 1 && opts.nerCommand !== undefined) {
    throw new MlsecError("E_USAGE", "--jobs does not combine with --ner-command", {
      hint: "The NER command reads all texts at once; drop --jobs, or run without --ner-command.",
    });
  }
  // The analyzer alone: pii/index.js would also load the anonymizers, the vault and the tabular
  // code, a fifth of the start-up time.
  const { analyze } = await import("../../pii/analyzer.js");
  const format = formatOf(file, opts);
  const streaming = readAsItGoes(file, format, opts);
  const text = streaming ? "" : await readInput(file, opts.maxBytes);
  const options = {
    entities: await entitiesOf(opts.entities),
    minScore: opts.minScore,
    offsets: opts.offsets,
  };
  const log = new FindingLog({ withText: opts.showText === true });
  const jobs = detectJobs(file, format, streaming ? undefined : text, opts, log);
  let analysed: AsyncIterable<[Placement, readonly ReportedFinding[]]>;
  if (opts.jobs > 1) {
    const { analyzeOnWorkers } = await import("./pii-workers.js");
    analysed = analyzeOnWorkers(jobs, opts.jobs, { ...options, withText: opts.showText === true });
  } else {
    const recognizers = await nerRecognizers(opts, format, text);
    analysed = (async function* () {
      for await (const job of jobs) yield [job.tag, analyze(job.text, { ...options, recognizers })];
    })();
  }
  for await (const [{ source, offset }, findings] of analysed) {
    for (const f of findings) log.add(source, f, offset);
  }
  // Printed only once the whole input is analysed: bad input found late leaves no partial report.
  await ctx.write(
    ctx.format === "json"
      ? jsonReport({ input: file, inputFormat: format, offsets: opts.offsets }, log)
      : textReport(log),
  );
  return EXIT_OK;
}

/**
 * The texts `pii detect` analyses, in input order, each with its placement: the pieces of plain
 * text, JSONL records' texts or CSV cells. `text` is the whole input, when it was read at once.
 * Counts the documents into `log` as it goes.
 */
async function* detectJobs(
  file: string,
  format: InputFormat,
  text: string | undefined,
  opts: DetectOptions,
  log: FindingLog,
): AsyncGenerator<{ readonly text: string; readonly tag: Placement }> {
  if (format === "jsonl") {
    const records =
      text === undefined
        ? streamJsonlRecords(file, opts.textField, opts.maxBytes)
        : (await jsonlRecords(text, opts.textField)).map((r) => ({
            text: r[opts.textField] as string,
          }));
    for await (const record of records) {
      log.documents++;
      yield { text: record.text, tag: { source: { record: log.documents }, offset: 0 } };
    }
  } else if (format === "csv") {
    const [header = [], ...rows] = await csvRecords(text ?? "");
    log.documents = rows.length;
    for (const [r, row] of rows.entries()) {
      for (const [c, cell] of row.entries()) {
        yield {
          text: cell,
          tag: { source: { record: r + 1, column: header[c] ?? String(c) }, offset: 0 },
        };
      }
    }
  } else {
    const { codePointLength } = await import("../../pii/offsets.js");
    log.documents = 1;
    let offset = 0;
    for await (const piece of text === undefined
      ? streamPieces(file, opts.maxBytes)
      : chunks(text)) {
      yield { text: piece, tag: { source: { record: 1 }, offset } };
      offset += opts.offsets === "utf16" ? piece.length : codePointLength(piece);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// anonymize / deanonymize

async function loadKeys(keyFile: string | undefined): Promise<PiiKeys | undefined> {
  if (keyFile === undefined) return undefined;
  const { deriveKeys, parseKey } = await import("../../pii/index.js");
  let raw: Buffer;
  try {
    raw = await readFile(keyFile);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read key file ${keyFile}`, { cause });
  }
  return deriveKeys(parseKey(raw));
}

async function loadConfig(path: string | undefined): Promise<AnonymizerConfig> {
  const { parseAnonymizerConfig } = await import("../../pii/index.js");
  if (path === undefined) return parseAnonymizerConfig({});
  let source: string;
  try {
    source = await readFile(path, "utf8");
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read config ${path}`, { cause });
  }
  const { parse } = await import("yaml");
  let value: unknown;
  try {
    value = parse(source, { maxAliasCount: 100 });
  } catch (cause) {
    throw new MlsecError(
      "E_PII_CONFIG",
      `${path} is not valid YAML/JSON: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseAnonymizerConfig(value);
}

async function writeOutput(out: string | undefined, content: string) {
  if (out === undefined) return;
  const { writeFileAtomic } = await import("../../data/index.js");
  await writeFileAtomic(out, Buffer.from(content, "utf8"));
}

interface AnonymizeResultDoc {
  readonly input: string;
  readonly inputFormat: InputFormat;
  readonly out: string | null;
  readonly documents: number;
  readonly replaced: number;
  readonly byType: Record<string, number>;
  readonly columns?: readonly { name: string; type: string | null; support: number }[];
  readonly content?: string;
}

async function runAnonymize(
  ctx: CommandContext,
  file: string,
  opts: AnonymizeOptions,
): Promise<number> {
  const pii = await import("../../pii/index.js");
  const format = formatOf(file, opts);
  const config = await loadConfig(opts.config);
  const keys = await loadKeys(opts.keyFile);
  const needed = [config.default, ...Object.values(config.entities ?? {})].filter(
    (op) => op !== undefined && pii.needsKey(op),
  );
  if (needed.length > 0 && keys === undefined) {
    throw new MlsecError("E_PII_KEY", `the ${needed[0]!.type} operator needs --key-file`);
  }
  // Into a file, what is read as it goes is also written as it goes.
  const streaming = opts.out !== undefined && readAsItGoes(file, format, opts);
  const text = streaming ? "" : await readInput(file, opts.maxBytes);
  const analyzeOptions = {
    entities: await entitiesOf(opts.entities),
    minScore: opts.minScore,
    offsets: opts.offsets,
    recognizers: await nerRecognizers(opts, format, text),
  };
  const byType: Record<string, number> = {};
  const count = (items: readonly { type: string }[]) => {
    for (const it of items) byType[it.type] = (byType[it.type] ?? 0) + 1;
  };
  let content = "";
  let documents = 0;
  let columns: AnonymizeResultDoc["columns"];
  const anonymize = (t: string) => {
    const res = pii.anonymizeText(t, config, keys, analyzeOptions);
    count(res.items);
    return res.text;
  };
  if (streaming) {
    const { writeFileAtomicFrom } = await import("../../core/index.js");
    async function* anonymized(): AsyncGenerator<string> {
      if (format === "jsonl") {
        for await (const r of streamJsonlRecords(file, opts.textField, opts.maxBytes)) {
          documents++;
          yield `${JSON.stringify({ ...r.record, [opts.textField]: anonymize(r.text) })}\n`;
        }
      } else {
        documents = 1;
        for await (const piece of streamPieces(file, opts.maxBytes)) yield anonymize(piece);
      }
    }
    await writeFileAtomicFrom(opts.out as string, anonymized());
  } else if (format === "jsonl") {
    const records = await jsonlRecords(text, opts.textField);
    documents = records.length;
    content = records
      .map(
        (r) =>
          `${JSON.stringify({ ...r, [opts.textField]: anonymize(r[opts.textField] as string) })}\n`,
      )
      .join("");
  } else if (format === "csv") {
    const records = await csvRecords(text);
    documents = Math.max(0, records.length - 1);
    const res = pii.anonymizeCsvRecords(records, config, keys, analyzeOptions);
    columns = res.columns;
    Object.assign(byType, res.byType);
    content = pii.formatCsv(res.records);
  } else {
    documents = 1;
    content = chunks(text).map(anonymize).join("");
  }
  if (!streaming) await writeOutput(opts.out, content);
  const replaced = Object.values(byType).reduce((a, b) => a + b, 0);
  const result: AnonymizeResultDoc = {
    input: file,
    inputFormat: format,
    out: opts.out ?? null,
    documents,
    replaced,
    byType,
    ...(columns === undefined ? {} : { columns }),
    ...(opts.out === undefined ? { content } : {}),
  };
  if (opts.out === undefined && ctx.format === "text") {
    ctx.out(content);
    ctx.log(`${replaced} value(s) anonymized in ${documents} document(s)`);
  } else {
    emit(ctx, "pii anonymize", result, renderAnonymize);
  }
  return EXIT_OK;
}

function renderAnonymize(r: AnonymizeResultDoc): string {
  const types = Object.entries(r.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ");
  const lines = [
    `${r.replaced} value(s) anonymized in ${r.documents} document(s)${types ? `: ${types}` : ""}`,
  ];
  if (r.columns !== undefined) {
    lines.push(
      table([
        ["column", "type", "support"],
        ...r.columns.map((c) => [c.name, c.type ?? "(free text)", c.support.toFixed(2)]),
      ]),
    );
  }
  if (r.out !== null) lines.push(`wrote ${r.out}`);
  return lines.join("\n");
}

async function runDeanonymize(
  ctx: CommandContext,
  file: string,
  opts: DeanonymizeOptions,
): Promise<number> {
  const pii = await import("../../pii/index.js");
  const keys = (await loadKeys(opts.keyFile))!;
  const format = formatOf(file, opts);
  const text = await readInput(file, opts.maxBytes);
  let restored = 0;
  const restore = (s: string) => {
    const r = pii.deanonymizeText(s, keys);
    restored += r.restored;
    return r.text;
  };
  // Everything is decrypted in memory first: a wrong key fails before anything is written.
  let content: string;
  if (format === "jsonl") {
    const records = await jsonlRecords(text, opts.textField);
    content = records
      .map(
        (r) =>
          `${JSON.stringify({ ...r, [opts.textField]: restore(r[opts.textField] as string) })}\n`,
      )
      .join("");
  } else if (format === "csv") {
    content = pii.formatCsv((await csvRecords(text)).map((row) => row.map(restore)));
  } else {
    content = restore(text);
  }
  await writeOutput(opts.out, content);
  const result = { input: file, inputFormat: format, out: opts.out ?? null, restored };
  if (opts.out === undefined && ctx.format === "text") {
    ctx.out(content);
    ctx.log(`${restored} value(s) restored`);
  } else {
    emit(
      ctx,
      "pii deanonymize",
      opts.out === undefined ? { ...result, content } : result,
      (r) => `${r.restored} value(s) restored${r.out === null ? "" : `\nwrote ${r.out}`}`,
    );
  }
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// tabular anonymity: k-anonymize (enforce) and risk (measure)

interface TabularCliOptions {
  quasi: string;
  sensitive?: string;
  k: number;
  l?: number;
  lKind: "distinct" | "entropy";
  t?: number;
  hierarchy: string[];
  riskThreshold: number;
  maxBytes: number;
}

interface KAnonymizeOptions extends TabularCliOptions {
  algorithm: "mondrian" | "lattice";
  maxSuppression: number;
  drop?: string;
  out?: string;
  report?: string;
}

function listOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function tabularOptions(cmd: Command, kDefault: number): Command {
  return cmd
    .argument("<file>", "CSV file with a header row")
    .requiredOption("--quasi <columns>", "quasi-identifier columns, comma-separated")
    .option("--sensitive <column>", "the sensitive column (for l-diversity and t-closeness)")
    .option(
      "--k <n>",
      "k-anonymity: every class has at least k records",
      parseInteger("--k", 1, 2 ** 31),
      kDefault,
    )
    .option(
      "--l <n>",
      "l-diversity: at least l (distinct or entropy) sensitive values per class",
      parseNumber("--l", 1),
    )
    .addOption(
      new Option("--l-kind <kind>", "distinct or entropy l-diversity")
        .default("distinct")
        .argParser(parseChoice("--l-kind", ["distinct", "entropy"] as const)),
    )
    .option(
      "--t <x>",
      "t-closeness: EMD to the table's sensitive distribution at most t",
      parseNumber("--t", 0, 1),
    )
    .option(
      "--hierarchy <col=spec>",
      "a column's hierarchy: numeric, date, prefix, categorical, or a CSV tree file (leaf,parent,…,*); repeatable",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--risk-threshold <p>",
      "re-identification probability counted as at risk (default 0.2)",
      parseNumber("--risk-threshold", 0, 1),
      0.2,
    )
    .option(
      "--max-bytes <n>",
      "largest input accepted, in bytes (default 1 GiB)",
      parseInteger("--max-bytes", 1, 2 ** 50),
      DEFAULT_MAX_BYTES,
    );
}

/** `mlsec anonymize FILE.csv …`: the issue's name for `mlsec pii k-anonymize`. */
export function registerAnonymize(program: Command): void {
  addKAnonymize(program, "anonymize");
}

/** `mlsec data encrypt|decrypt|forget|enforce-retention|receipts`: the same as under `pii`. */
export function registerData(program: Command): void {
  registerVault(
    program
      .command("data")
      .description(
        "encrypt data sets with one key per data subject, forget subjects (crypto-shredding, signed receipts), enforce retention",
      ),
  );
}

function registerTabular(pii: Command): void {
  addKAnonymize(pii, "k-anonymize");
  tabularOptions(
    pii
      .command("risk")
      .description(
        "measure a CSV's anonymity as published: class sizes, l, t and re-identification risk",
      ),
    1,
  ).action(action((ctx, file: string, opts: TabularCliOptions) => runRisk(ctx, file, opts)));
}

function addKAnonymize(parent: Command, name: string): void {
  tabularOptions(
    parent
      .command(name)
      .description(
        "enforce k-anonymity, l-diversity and t-closeness on a CSV (Mondrian or optimal lattice), with loss and risk report",
      ),
    5,
  )
    .addOption(
      new Option(
        "--algorithm <name>",
        "mondrian (multidimensional) or lattice (optimal full-domain)",
      )
        .default("mondrian")
        .argParser(parseChoice("--algorithm", ["mondrian", "lattice"] as const)),
    )
    .option(
      "--max-suppression <share>",
      "lattice: largest share of records that may be suppressed (default 0.05)",
      parseNumber("--max-suppression", 0, 1),
      0.05,
    )
    .option("--drop <columns>", "columns removed from the output (direct identifiers)")
    .option("--out <file>", "write the anonymized CSV here (atomically) instead of stdout")
    .option("--report <file>", "write the JSON report (loss, risk, achieved k/l/t) here")
    .action(action((ctx, file: string, opts: KAnonymizeOptions) => runKAnonymize(ctx, file, opts)));
}

async function domainSpecs(
  specs: readonly string[],
  maxBytes: number,
): Promise<Record<string, import("../../pii/index.js").DomainSpec>> {
  const { parseTreeHierarchy } = await import("../../pii/index.js");
  const out: Record<string, import("../../pii/index.js").DomainSpec> = {};
  const kinds = ["numeric", "date", "prefix", "categorical"] as const;
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) {
      throw new MlsecError(
        "E_USAGE",
        `--hierarchy ${JSON.stringify(spec)}: expected COLUMN=KIND or COLUMN=FILE.csv`,
      );
    }
    const column = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    const kind = kinds.find((k) => k === value);
    if (kind !== undefined) {
      out[column] = { kind };
    } else {
      const records = await csvRecords(await readInput(value, maxBytes));
      out[column] = { kind: "tree", tree: parseTreeHierarchy(records) };
    }
  }
  return out;
}

async function tabularInput(file: string, opts: TabularCliOptions) {
  const records = await csvRecords(await readInput(file, opts.maxBytes));
  const options = {
    quasi: listOf(opts.quasi),
    sensitive: opts.sensitive,
    model: {
      k: opts.k,
      ...(opts.l === undefined ? {} : { l: opts.l, lKind: opts.lKind }),
      ...(opts.t === undefined ? {} : { t: opts.t }),
    },
    domains: await domainSpecs(opts.hierarchy, opts.maxBytes),
    riskThreshold: opts.riskThreshold,
  };
  return { records, options };
}

type AnonymityReportDoc = import("../../pii/index.js").AnonymityReport;

function fmt(x: number | undefined, digits = 3): string {
  return x === undefined ? "-" : Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

function renderAnonymity(r: AnonymityReportDoc): string {
  const a = r.achieved;
  const lines = [
    `${r.records} record(s), ${r.classes} class(es), ${r.suppressed} suppressed` +
      (r.algorithm === null ? "" : ` (${r.algorithm})`),
    `achieved: k=${fmt(a.k)}` +
      (a.lDistinct === undefined
        ? ""
        : ` l(distinct)=${fmt(a.lDistinct)} l(entropy)=${fmt(a.lEntropy, 2)} t=${fmt(a.t)}`) +
      ` — model ${JSON.stringify(r.model)} ${r.satisfied ? "satisfied" : "NOT satisfied"}`,
    `information loss: NCP ${fmt(r.informationLoss.ncp)}, discernibility ${r.informationLoss.discernibility}, average class size ${fmt(r.informationLoss.averageClassSize, 2)}`,
    table([
      ["attacker", "highest", "average", `records at risk (> ${r.risk.threshold})`],
      ...(["prosecutor", "journalist"] as const).map((m) => [
        m,
        fmt(r.risk[m].highest),
        fmt(r.risk[m].average),
        fmt(r.risk[m].recordsAtRisk),
      ]),
      ["marketer", "-", fmt(r.risk.marketer), "-"],
    ]),
  ];
  if (r.lattice !== undefined) {
    lines.push(
      `lattice: ${r.lattice.nodes} nodes, levels ${Object.entries(r.lattice.levels)
        .map(([c, l]) => `${c}=${l}`)
        .join(" ")}`,
    );
  }
  return lines.join("\n");
}

async function runKAnonymize(
  ctx: CommandContext,
  file: string,
  opts: KAnonymizeOptions,
): Promise<number> {
  const { anonymizeTable, formatCsv } = await import("../../pii/index.js");
  const { records, options } = await tabularInput(file, opts);
  const progress = ctx.progress();
  let result: ReturnType<typeof anonymizeTable>;
  try {
    result = anonymizeTable(records, {
      ...options,
      algorithm: opts.algorithm,
      maxSuppression: opts.maxSuppression,
      drop: listOf(opts.drop),
    });
  } finally {
    progress.stop();
  }
  const csv = formatCsv(result.records);
  await writeOutput(opts.out, csv);
  if (opts.report !== undefined) {
    await writeOutput(opts.report, `${JSON.stringify(result.report, null, 2)}\n`);
  }
  if (opts.out === undefined && ctx.format === "text") {
    ctx.out(csv);
    ctx.log(renderAnonymity(result.report));
  } else {
    emit(
      ctx,
      "pii k-anonymize",
      {
        input: file,
        out: opts.out ?? null,
        ...result.report,
        ...(opts.out === undefined ? { content: csv } : {}),
      },
      (r) => `${renderAnonymity(r)}${r.out === null ? "" : `\nwrote ${r.out}`}`,
    );
  }
  return EXIT_OK;
}

async function runRisk(
  ctx: CommandContext,
  file: string,
  opts: TabularCliOptions,
): Promise<number> {
  const { measureTable } = await import("../../pii/index.js");
  const { records, options } = await tabularInput(file, opts);
  const report = measureTable(records, options);
  emit(ctx, "pii risk", { input: file, ...report }, renderAnonymity);
  return report.satisfied ? EXIT_OK : EXIT_FINDING;
}

// ---------------------------------------------------------------------------------------------
// vault: per-subject encryption, forget (crypto-shredding), retention, deletion receipts

interface VaultOptions {
  keyFile: string;
  keys: string;
  subjectField: string;
  jsonl?: boolean;
  csv?: boolean;
  maxBytes: number;
}

interface EncryptOptions extends VaultOptions {
  fields: string;
  out?: string;
}

interface DecryptOptions extends VaultOptions {
  out?: string;
}

interface ReceiptOptions extends VaultOptions {
  auditLog: string;
  signingKey?: string;
  out?: string;
}

interface ForgetOptions extends ReceiptOptions {
  subject: string;
}

interface RetentionOptions extends ReceiptOptions {
  timeField: string;
  maxAgeDays: number;
  now?: string;
}

interface ReceiptsOptions {
  auditLog: string;
  keyFile?: string;
  publicKey?: string;
}

type Vault = typeof import("../../pii/index.js");
type VaultRecord = import("../../pii/index.js").VaultRecord;

/** Records of a CSV (header-keyed) or JSONL file, and how to write them back. */
interface VaultData {
  readonly format: "csv" | "jsonl";
  readonly records: VaultRecord[];
  readonly serialize: (records: readonly VaultRecord[]) => string;
}

function vaultOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--key-file <file>", "the master key (64 hex characters or 32 raw bytes)")
    .requiredOption("--keys <file>", "the key table (JSON) of per-subject keys")
    .requiredOption("--subject-field <name>", "the column or field naming the data subject")
    .option("--jsonl", "input is JSON Lines")
    .option("--csv", "input is CSV with a header row")
    .option(
      "--max-bytes <n>",
      "largest input accepted, in bytes (default 1 GiB)",
      parseInteger("--max-bytes", 1, 2 ** 50),
      DEFAULT_MAX_BYTES,
    );
}

function receiptOptions(cmd: Command): Command {
  return vaultOptions(cmd)
    .requiredOption("--audit-log <file>", "append the signed deletion receipt to this JSONL log")
    .option(
      "--signing-key <pem>",
      "sign receipts with this ECDSA/Ed25519 key (default: HMAC under the master key)",
    )
    .option("--out <file>", "write the remaining records here instead of rewriting the input");
}

function registerVault(parent: Command): void {
  vaultOptions(
    parent
      .command("encrypt")
      .description("encrypt fields of a CSV/JSONL data set with one key per data subject")
      .argument("<file>", "CSV or JSONL data set"),
  )
    .requiredOption("--fields <list>", "fields to encrypt, comma-separated")
    .option("--out <file>", "write the encrypted data set here (atomically) instead of stdout")
    .action(action((ctx, file: string, opts: EncryptOptions) => runVaultEncrypt(ctx, file, opts)));
  vaultOptions(
    parent
      .command("decrypt")
      .description(
        "decrypt a data set made by `pii encrypt`; forgotten subjects' records are left out",
      )
      .argument("<file>", "CSV or JSONL data set"),
  )
    .option("--out <file>", "write the decrypted data set here (atomically) instead of stdout")
    .action(action((ctx, file: string, opts: DecryptOptions) => runVaultDecrypt(ctx, file, opts)));
  receiptOptions(
    parent
      .command("forget")
      .description(
        "erase a data subject: destroy its key, remove its records, log a signed receipt",
      )
      .argument("[file]", "the encrypted data set to remove the subject's records from"),
  )
    .requiredOption("--subject <id>", "the data subject to forget")
    .action(
      action((ctx, file: string | undefined, opts: ForgetOptions) => runForget(ctx, file, opts)),
    );
  receiptOptions(
    parent
      .command("enforce-retention")
      .description(
        "delete records older than the retention period; shred keys of subjects left empty",
      )
      .argument("<file>", "the encrypted data set"),
  )
    .requiredOption("--time-field <name>", "clear-text ISO 8601 timestamp of each record")
    .requiredOption(
      "--max-age-days <n>",
      "keep records at most this many days old",
      parseNumber("--max-age-days", 0),
    )
    .option("--now <iso>", "the current time (default: the clock)")
    .action(action((ctx, file: string, opts: RetentionOptions) => runRetention(ctx, file, opts)));
  parent
    .command("receipts")
    .description("verify the deletion audit log: hash chain and every receipt's signature")
    .requiredOption("--audit-log <file>", "the JSONL deletion log")
    .option("--key-file <file>", "the master key (for HMAC-signed receipts)")
    .option("--public-key <pem>", "the public key (for ECDSA/Ed25519-signed receipts)")
    .action(action((ctx, opts: ReceiptsOptions) => runReceipts(ctx, opts)));
}

async function readBytes(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${what} ${path}`, { cause });
  }
}

async function masterKeys(pii: Vault, keyFile: string) {
  const { parseKeyFile } = await import("../../artifacts/index.js");
  return pii.deriveMasterKeys(parseKeyFile(await readBytes(keyFile, "master key file")));
}

async function loadKeyTable(
  pii: Vault,
  path: string,
  keys: ReturnType<Vault["deriveMasterKeys"]>,
  create: boolean,
) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if (create && (cause as NodeJS.ErrnoException).code === "ENOENT")
      return pii.emptyKeyTable(keys);
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read key table ${path}`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MlsecError("E_DATA_FORMAT", `key table ${path} is not JSON`, { cause });
  }
  return pii.openKeyTable(value, keys);
}

async function loadVaultData(file: string, opts: VaultOptions): Promise<VaultData> {
  const format = formatOf(file, opts);
  const text = await readInput(file, opts.maxBytes);
  if (format === "jsonl") {
    const { parseJsonl } = await import("../../data/index.js");
    return {
      format,
      records: parseJsonl(text) as VaultRecord[],
      serialize: (rs) => rs.map((r) => `${JSON.stringify(r)}\n`).join(""),
    };
  }
  if (format !== "csv") {
    throw new MlsecError(
      "E_USAGE",
      `${file}: the vault works on CSV or JSONL data (--csv, --jsonl)`,
    );
  }
  const { formatCsv } = await import("../../pii/index.js");
  const [header = [], ...rows] = await csvRecords(text);
  rows.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new MlsecError(
        "E_DATA_FORMAT",
        `CSV data row ${i + 1} has ${r.length} field(s), the header ${header.length}`,
      );
    }
  });
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return {
    format,
    records: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))),
    serialize: (rs) => formatCsv([header, ...rs.map((r) => header.map((h) => cell(r[h])))]),
  };
}

function requireField(data: VaultData, field: string, option: string): void {
  if (data.records.length > 0 && !data.records.some((r) => field in r)) {
    throw new MlsecError("E_USAGE", `${option} "${field}" is in none of the records`);
  }
}

async function writeKeyTable(path: string, table: import("../../pii/index.js").KeyTable) {
  await writeOutput(path, `${JSON.stringify(table, null, 2)}\n`);
}

async function runVaultEncrypt(
  ctx: CommandContext,
  file: string,
  opts: EncryptOptions,
): Promise<number> {
  const pii = await import("../../pii/index.js");
  const keys = await masterKeys(pii, opts.keyFile);
  const table = await loadKeyTable(pii, opts.keys, keys, true);
  const data = await loadVaultData(file, opts);
  requireField(data, opts.subjectField, "--subject-field");
  const fields = listOf(opts.fields);
  for (const f of fields) requireField(data, f, "--fields");
  const result = pii.encryptRecords(
    data.records,
    { subjectField: opts.subjectField, fields },
    table,
    keys,
  );
  const content = data.serialize(result.records);
  // The key table first: encrypted data whose keys were never saved would be lost.
  await writeKeyTable(opts.keys, result.table);
  await writeOutput(opts.out, content);
  const doc = {
    input: file,
    out: opts.out ?? null,
    keys: opts.keys,
    records: data.records.length,
    subjects: result.subjects,
    encrypted: result.encrypted,
    ...(opts.out === undefined ? { content } : {}),
  };
  if (opts.out === undefined && ctx.format === "text") {
    ctx.out(content);
    ctx.log(
      `${doc.encrypted} value(s) of ${doc.subjects} subject(s) encrypted; keys in ${opts.keys}`,
    );
  } else {
    emit(
      ctx,
      "pii encrypt",
      doc,
      (d) =>
        `${d.encrypted} value(s) of ${d.subjects} subject(s) encrypted; keys in ${d.keys}${d.out === null ? "" : `\nwrote ${d.out}`}`,
    );
  }
  return EXIT_OK;
}

async function runVaultDecrypt(
  ctx: CommandContext,
  file: string,
  opts: DecryptOptions,
): Promise<number> {
  const pii = await import("../../pii/index.js");
  const keys = await masterKeys(pii, opts.keyFile);
  const table = await loadKeyTable(pii, opts.keys, keys, false);
  const data = await loadVaultData(file, opts);
  const result = pii.decryptRecords(data.records, opts.subjectField, table, keys);
  const content = data.serialize(result.records);
  await writeOutput(opts.out, content);
  const doc = {
    input: file,
    out: opts.out ?? null,
    records: result.records.length,
    decrypted: result.decrypted,
    forgotten: result.forgotten,
    ...(opts.out === undefined ? { content } : {}),
  };
  const summary = (d: typeof doc) =>
    `${d.decrypted} value(s) decrypted in ${d.records} record(s); ${d.forgotten} record(s) of forgotten subjects left out`;
  if (opts.out === undefined && ctx.format === "text") {
    ctx.out(content);
    ctx.log(summary(doc));
  } else {
    emit(
      ctx,
      "pii decrypt",
      doc,
      (d) => `${summary(d)}${d.out === null ? "" : `\nwrote ${d.out}`}`,
    );
  }
  return EXIT_OK;
}

async function receiptSigner(opts: ReceiptOptions, keys: ReturnType<Vault["deriveMasterKeys"]>) {
  if (opts.signingKey === undefined) return { master: keys };
  const { loadPrivateKey } = await import("../../artifacts/index.js");
  return { privateKey: loadPrivateKey(await readBytes(opts.signingKey, "signing key")) };
}

async function readLog(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read audit log ${path}`, { cause });
  }
}

/**
 * Writes the deletion: key table (the shredding itself), then the data set, then the receipt.
 * Everything is computed before the first write, so bad input writes nothing.
 */
async function commitDeletion(
  ctx: CommandContext,
  command: string,
  pii: Vault,
  opts: ReceiptOptions,
  keys: ReturnType<Vault["deriveMasterKeys"]>,
  before: import("../../pii/index.js").KeyTable,
  plan: import("../../pii/index.js").DeletionPlan,
  dataset: { file: string; data: VaultData; bytesBefore: string } | undefined,
  extra: Partial<Pick<import("../../pii/index.js").DeletionReceipt, "retention">>,
  kind: "forget" | "retention",
): Promise<number> {
  const signer = await receiptSigner(opts, keys);
  const log = await readLog(opts.auditLog);
  const content = dataset === undefined ? undefined : dataset.data.serialize(plan.records);
  const target = dataset === undefined ? undefined : (opts.out ?? dataset.file);
  const receipt = {
    type: pii.RECEIPT_TYPE,
    action: kind,
    time: new Date().toISOString(),
    subjects: plan.forgotten.map((s) => pii.subjectReference(s, keys)),
    keysDestroyed: plan.forgotten.length,
    keyTable: {
      tableId: before.tableId,
      digestBefore: pii.keyTableDigest(before),
      digestAfter: pii.keyTableDigest(plan.table),
    },
    ...(dataset === undefined || content === undefined || target === undefined
      ? {}
      : {
          dataset: {
            path: target,
            sha256Before: pii.sha256Hex(dataset.bytesBefore),
            sha256After: pii.sha256Hex(content),
            recordsRemoved: plan.removed,
          },
        }),
    ...extra,
    prev: pii.chainHead(log),
  } as const;
  const entry = pii.signReceipt(receipt, signer);
  await writeKeyTable(opts.keys, plan.table);
  if (content !== undefined) await writeOutput(target, content);
  await writeOutput(opts.auditLog, pii.appendEntry(log, entry));
  const doc = { ...receipt, signature: entry.signature.kind, auditLog: opts.auditLog };
  emit(ctx, command, doc, (d) =>
    [
      `${d.keysDestroyed} subject key(s) destroyed` +
        (d.dataset === undefined
          ? ""
          : `, ${d.dataset.recordsRemoved} record(s) removed from ${d.dataset.path}`),
      `receipt (${d.signature}) appended to ${d.auditLog}`,
    ].join("\n"),
  );
  return EXIT_OK;
}

async function runForget(
  ctx: CommandContext,
  file: string | undefined,
  opts: ForgetOptions,
): Promise<number> {
  const pii = await import("../../pii/index.js");
  const keys = await masterKeys(pii, opts.keyFile);
  const table = await loadKeyTable(pii, opts.keys, keys, false);
  let dataset: { file: string; data: VaultData; bytesBefore: string } | undefined;
  if (file !== undefined) {
    const data = await loadVaultData(file, opts);
    dataset = { file, data, bytesBefore: data.serialize(data.records) };
  }
  const plan = pii.planForget(
    dataset?.data.records ?? [],
    opts.subjectField,
    opts.subject,
    table,
    keys,
  );
  return commitDeletion(ctx, "pii forget", pii, opts, keys, table, plan, dataset, {}, "forget");
}

async function runRetention(
  ctx: CommandContext,
  file: string,
  opts: RetentionOptions,
): Promise<number> {
  const pii = await import("../../pii/index.js");
  const now = opts.now === undefined ? new Date() : new Date(opts.now);
  if (Number.isNaN(now.getTime())) {
    throw new MlsecError("E_USAGE", `--now ${JSON.stringify(opts.now)} is not an ISO 8601 time`);
  }
  const keys = await masterKeys(pii, opts.keyFile);
  const table = await loadKeyTable(pii, opts.keys, keys, false);
  const data = await loadVaultData(file, opts);
  requireField(data, opts.timeField, "--time-field");
  const plan = pii.planRetention(
    data.records,
    opts.subjectField,
    opts.timeField,
    opts.maxAgeDays,
    now,
    table,
    keys,
  );
  const dataset = { file, data, bytesBefore: data.serialize(data.records) };
  const retention = { field: opts.timeField, maxAgeDays: opts.maxAgeDays, cutoff: plan.cutoff };
  return commitDeletion(
    ctx,
    "pii enforce-retention",
    pii,
    opts,
    keys,
    table,
    plan,
    dataset,
    { retention },
    "retention",
  );
}

async function runReceipts(ctx: CommandContext, opts: ReceiptsOptions): Promise<number> {
  const pii = await import("../../pii/index.js");
  if ((opts.keyFile === undefined) === (opts.publicKey === undefined)) {
    throw new MlsecError(
      "E_USAGE",
      "give exactly one of --key-file (HMAC receipts) or --public-key",
    );
  }
  let verifier: import("../../pii/index.js").ReceiptVerifier;
  if (opts.publicKey !== undefined) {
    const { loadPublicKey } = await import("../../artifacts/index.js");
    verifier = { publicKey: loadPublicKey(await readBytes(opts.publicKey, "public key")) };
  } else {
    verifier = { master: await masterKeys(pii, opts.keyFile!) };
  }
  const log = await readBytes(opts.auditLog, "audit log");
  const check = pii.verifyAuditLog(log.toString("utf8"), verifier);
  emit(ctx, "pii receipts", { auditLog: opts.auditLog, ...check }, (c) =>
    [
      table([
        ["#", "time", "action", "keys destroyed", "records removed"],
        ...c.receipts.map((r, i) => [
          String(i + 1),
          r.time,
          r.action,
          String(r.keysDestroyed),
          String(r.dataset?.recordsRemoved ?? "-"),
        ]),
      ]),
      ...c.problems.map((p) => `line ${p.line}: ${p.problem}`),
      `${c.entries} receipt(s): ${c.valid ? "chain and signatures verify" : "INVALID"}`,
    ].join("\n"),
  );
  return check.valid ? EXIT_OK : EXIT_FINDING;
}
