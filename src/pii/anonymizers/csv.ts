// Column-aware anonymization of CSV records (RFC 4180): each column's PII type is classified from
// a sample of its cells (a type that covers most of most cells), then every cell of a classified
// column is transformed whole with that type's operator; other columns are treated as free text.

import { MlsecError } from "../../core/index.js";
import { type AnalyzeOptions, analyze } from "../analyzer.js";
import type { EntityType } from "../types.js";
import { anonymizeFindings, operatorFor } from "./anonymize.js";
import type { PiiKeys } from "./keys.js";
import { type AnonymizerConfig, applyOperator } from "./operators.js";

export interface ColumnClass {
  readonly name: string;
  /** The column's PII type, or null for free text (cells are scanned one by one). */
  readonly type: EntityType | null;
  /** Share of sampled non-empty cells that the type covered. */
  readonly support: number;
}

export interface CsvAnonymizeOptions extends AnalyzeOptions {
  /** Cells sampled per column to classify it (default 200). */
  readonly sampleRows?: number;
  /** Share of sampled cells a type must cover to claim the column (default 0.5). */
  readonly minSupport?: number;
}

/** Classifies columns of records whose first record is the header. */
export function classifyColumns(
  records: readonly (readonly string[])[],
  options: CsvAnonymizeOptions = {},
): ColumnClass[] {
  if (records.length === 0) throw new MlsecError("E_DATA_FORMAT", "the CSV has no header row");
  const [header, ...rows] = records;
  const sample = rows.slice(0, options.sampleRows ?? 200);
  const minSupport = options.minSupport ?? 0.5;
  return header.map((name, c) => {
    const counts = new Map<EntityType, number>();
    let nonEmpty = 0;
    for (const row of sample) {
      const cell = row[c]?.trim() ?? "";
      if (cell === "") continue;
      nonEmpty++;
      const findings = analyze(cell, { ...options, offsets: "utf16" });
      // The cell counts for a type when that type's findings cover most of its characters.
      const cover = new Map<EntityType, number>();
      for (const f of findings) cover.set(f.type, (cover.get(f.type) ?? 0) + f.end - f.start);
      for (const [t, n] of cover)
        if (n >= 0.8 * cell.length) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    let best: EntityType | null = null;
    let bestCount = 0;
    for (const [t, n] of counts) {
      if (n > bestCount) {
        best = t;
        bestCount = n;
      }
    }
    const support = nonEmpty === 0 ? 0 : bestCount / nonEmpty;
    return { name, type: support >= minSupport ? best : null, support };
  });
}

/** Anonymizes CSV records (header first); ragged rows are rejected before anything is changed. */
export function anonymizeCsvRecords(
  records: readonly (readonly string[])[],
  config: AnonymizerConfig,
  keys?: PiiKeys,
  options: CsvAnonymizeOptions = {},
): { records: string[][]; columns: ColumnClass[]; byType: Record<string, number> } {
  const width = records[0]?.length ?? 0;
  records.forEach((r, i) => {
    if (r.length !== width) {
      throw new MlsecError(
        "E_DATA_FORMAT",
        `CSV record ${i + 1} has ${r.length} fields, the header has ${width}`,
        {
          details: { record: i + 1 },
          hint: "Every CSV record needs as many fields as the header.",
        },
      );
    }
  });
  const columns = classifyColumns(records, options);
  const byType: Record<string, number> = {};
  const count = (type: string) => {
    byType[type] = (byType[type] ?? 0) + 1;
  };
  const out = records.map((row, r) =>
    r === 0
      ? [...row]
      : row.map((cell, c) => {
          const type = columns[c].type;
          if (cell === "") return cell;
          if (type !== null) {
            count(type);
            return applyOperator(operatorFor(config, type), type, cell, keys);
          }
          const findings = analyze(cell, { ...options, offsets: "utf16" });
          for (const f of findings) count(f.type);
          return anonymizeFindings(cell, findings, config, keys).text;
        }),
  );
  return { records: out, columns, byType };
}

/** Writes records as RFC 4180 CSV (CRLF line ends, quotes only where needed). */
export function formatCsv(records: readonly (readonly string[])[]): string {
  const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return records.map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n";
}
