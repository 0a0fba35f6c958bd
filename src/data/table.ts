// Turning rows of records (from CSV or JSONL) into model inputs: chosen numeric columns as a
// float32 Tensor [N, F], a label column as Int32Array class indices.

import { MlsecError, type Tensor } from "../core/index.js";

export type Fields = Readonly<Record<string, unknown>>;

export interface Labels {
  /** Class index per row. */
  readonly y: Int32Array;
  /**
   * Class names by index when the column held strings (sorted, so the mapping is stable);
   * empty when the column already held integer class indices.
   */
  readonly classes: readonly string[];
}

function valueAt(rows: readonly Fields[], i: number, column: string): unknown {
  const row = rows[i];
  if (!Object.hasOwn(row, column)) {
    throw new MlsecError("E_DATA_MISSING_ARRAY", `row ${i + 1} has no column '${column}'`, {
      details: { row: i + 1, column },
    });
  }
  return row[column];
}

/** The given numeric columns of every row as a float32 tensor [N, columns.length]. */
export function columnsToTensor(rows: readonly Fields[], columns: readonly string[]): Tensor {
  if (columns.length === 0) {
    throw new MlsecError("E_INVALID_ARGUMENT", "choose at least one feature column");
  }
  const f = columns.length;
  const data = new Float32Array(rows.length * f);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < f; j++) {
      const v = valueAt(rows, i, columns[j]);
      if (typeof v !== "number") {
        throw new MlsecError(
          "E_DTYPE",
          `row ${i + 1}, column '${columns[j]}': ${JSON.stringify(v)} is not a number`,
          { details: { row: i + 1, column: columns[j] } },
        );
      }
      const x = Math.fround(v);
      if (!Number.isFinite(x)) {
        throw new MlsecError(
          "E_NON_FINITE",
          `row ${i + 1}, column '${columns[j]}': ${v} is not a finite float32`,
          { details: { row: i + 1, column: columns[j] } },
        );
      }
      data[i * f + j] = x;
    }
  }
  return { shape: [rows.length, f], data };
}

/**
 * The label column as class indices. Integer columns are used as they are (each value must be
 * a non-negative 32-bit integer); string columns map each distinct value, sorted, to 0, 1, ...
 */
export function columnToLabels(rows: readonly Fields[], column: string): Labels {
  const values = rows.map((_, i) => valueAt(rows, i, column));
  if (values.every((v) => typeof v === "number")) {
    const y = new Int32Array(values.length);
    values.forEach((v, i) => {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 2147483647) {
        throw new MlsecError(
          "E_DTYPE",
          `row ${i + 1}, column '${column}': ${v} is not a class index (an integer ≥ 0)`,
          { details: { row: i + 1, column } },
        );
      }
      y[i] = v as number;
    });
    return { y, classes: [] };
  }
  const bad = values.findIndex((v) => typeof v !== "string" && typeof v !== "number");
  if (bad >= 0) {
    throw new MlsecError(
      "E_DTYPE",
      `row ${bad + 1}, column '${column}': ${JSON.stringify(values[bad])} is not a label`,
      { details: { row: bad + 1, column } },
    );
  }
  const names = values.map(String);
  const classes = [...new Set(names)].sort();
  const index = new Map(classes.map((c, k) => [c, k]));
  return { y: Int32Array.from(names, (c) => index.get(c)!), classes };
}
