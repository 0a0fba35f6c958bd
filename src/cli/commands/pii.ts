import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type {
  AnonymizerConfig,
  EntityType,
  Finding,
  OffsetUnit,
  PiiKeys,
} from "../../pii/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, MlsecError } from "../runner.js";

type InputFormat = "text" | "jsonl" | "csv";

interface InputOptions {
  jsonl?: boolean;
  csv?: boolean;
  textField: string;
  entities?: string;
  minScore?: number;
  offsets: OffsetUnit;
  maxBytes: number;
}

interface DetectOptions extends InputOptions {
  showText?: boolean;
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
    throw new MlsecError(
      "E_DATA_FORMAT",
      `${file === "-" ? "standard input" : file} is not valid UTF-8`,
      {
        cause,
      },
    );
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
  const { ENTITY_TYPES, isEntityType } = await import("../../pii/index.js");
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

async function jsonlRecords(text: string, field: string) {
  const { parseJsonl } = await import("../../data/index.js");
  const records = parseJsonl(text);
  records.forEach((r, i) => {
    if (typeof r[field] !== "string") {
      throw new MlsecError(
        "E_DATA_FORMAT",
        `JSONL record ${i + 1} has no string field "${field}"`,
        {
          hint: "Name the field that holds the text with --text-field.",
          details: { record: i + 1 },
        },
      );
    }
  });
  return records;
}

async function csvRecords(text: string): Promise<string[][]> {
  const { parseCsvRecords } = await import("../../data/index.js");
  return parseCsvRecords(text).map((r) => r.fields);
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

// ---------------------------------------------------------------------------------------------
// detect

/** A finding as printed: the matched text only with --show-text (so reports do not leak it). */
type ReportedFinding = Omit<Finding, "recognizer" | "text"> & { readonly text?: string };

interface DetectRecord {
  readonly record: number;
  readonly column?: string;
  readonly findings: readonly ReportedFinding[];
}

interface DetectResult {
  readonly input: string;
  readonly inputFormat: InputFormat;
  readonly offsets: OffsetUnit;
  readonly documents: number;
  readonly summary: { readonly findings: number; readonly byType: Record<string, number> };
  readonly results: readonly DetectRecord[];
}

async function runDetect(ctx: CommandContext, file: string, opts: DetectOptions): Promise<number> {
  const { analyze } = await import("../../pii/index.js");
  const format = formatOf(file, opts);
  const text = await readInput(file, opts.maxBytes);
  const analyzeOptions = {
    entities: await entitiesOf(opts.entities),
    minScore: opts.minScore,
    offsets: opts.offsets,
  };
  const shape = (f: Finding): ReportedFinding => ({
    type: f.type,
    start: f.start,
    end: f.end,
    score: f.score,
    ...(opts.showText ? { text: f.text } : {}),
    ...(f.detail === undefined ? {} : { detail: f.detail }),
  });
  const results: DetectRecord[] = [];
  let documents = 0;
  if (format === "jsonl") {
    const records = await jsonlRecords(text, opts.textField);
    documents = records.length;
    records.forEach((r, i) => {
      const findings = analyze(r[opts.textField] as string, analyzeOptions);
      if (findings.length > 0) results.push({ record: i + 1, findings: findings.map(shape) });
    });
  } else if (format === "csv") {
    const records = await csvRecords(text);
    const [header = [], ...rows] = records;
    documents = rows.length;
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const findings = analyze(cell, analyzeOptions);
        if (findings.length > 0) {
          results.push({
            record: r + 1,
            column: header[c] ?? String(c),
            findings: findings.map(shape),
          });
        }
      });
    });
  } else {
    documents = 1;
    const all: ReportedFinding[] = [];
    let base = 0;
    for (const piece of chunks(text)) {
      for (const f of analyze(piece, analyzeOptions)) {
        all.push({ ...shape(f), start: f.start + base, end: f.end + base });
      }
      base += opts.offsets === "utf16" ? piece.length : Array.from(piece).length;
    }
    if (all.length > 0) results.push({ record: 1, findings: all });
  }
  const byType: Record<string, number> = {};
  let total = 0;
  for (const r of results) {
    for (const f of r.findings) {
      byType[f.type] = (byType[f.type] ?? 0) + 1;
      total++;
    }
  }
  const result: DetectResult = {
    input: file,
    inputFormat: format,
    offsets: opts.offsets,
    documents,
    summary: { findings: total, byType },
    results,
  };
  emit(ctx, "pii detect", result, renderDetect);
  return EXIT_OK;
}

function renderDetect(r: DetectResult): string {
  const rows: string[][] = [["record", "type", "start-end", "score", "text"]];
  for (const rec of r.results) {
    for (const f of rec.findings) {
      const where = rec.column === undefined ? String(rec.record) : `${rec.record}:${rec.column}`;
      rows.push([where, f.type, `${f.start}-${f.end}`, f.score.toFixed(2), f.text ?? ""]);
    }
  }
  const types = Object.entries(r.summary.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ");
  const summary = `${r.summary.findings} finding(s) in ${r.documents} document(s)${types ? `: ${types}` : ""}`;
  return rows.length > 1 ? `${table(rows)}\n${summary}` : summary;
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
  const text = await readInput(file, opts.maxBytes);
  const analyzeOptions = {
    entities: await entitiesOf(opts.entities),
    minScore: opts.minScore,
    offsets: opts.offsets,
  };
  const byType: Record<string, number> = {};
  const count = (items: readonly { type: string }[]) => {
    for (const it of items) byType[it.type] = (byType[it.type] ?? 0) + 1;
  };
  let content: string;
  let documents: number;
  let columns: AnonymizeResultDoc["columns"];
  if (format === "jsonl") {
    const records = await jsonlRecords(text, opts.textField);
    documents = records.length;
    content = records
      .map((r) => {
        const res = pii.anonymizeText(r[opts.textField] as string, config, keys, analyzeOptions);
        count(res.items);
        return JSON.stringify({ ...r, [opts.textField]: res.text });
      })
      .map((line) => `${line}\n`)
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
    content = chunks(text)
      .map((piece) => {
        const res = pii.anonymizeText(piece, config, keys, analyzeOptions);
        count(res.items);
        return res.text;
      })
      .join("");
  }
  await writeOutput(opts.out, content);
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
