// One entry point for labelled tabular data: an .npz with x and y, or a CSV whose label column
// holds class indices (or class names) and whose other columns are the numeric features.

import { MlsecError } from "../core/index.js";
import { readCsv } from "./csv.js";
import { type Dataset, loadDataset } from "./dataset.js";
import { columnsToTensor, columnToLabels } from "./table.js";

export interface LabelledData extends Dataset {
  /** Feature names: the CSV header, or undefined for arrays without names. */
  readonly featureNames?: readonly string[];
  /** Class names when the CSV's label column held strings. */
  readonly classNames?: readonly string[];
}

/** Label columns tried, in order, when none is named. */
export const DEFAULT_LABEL_COLUMNS = ["label", "y", "target", "class"] as const;

export async function loadLabelledData(
  path: string,
  options: { labelColumn?: string } = {},
): Promise<LabelledData> {
  if (!/\.csv$/i.test(path)) return loadDataset(path);
  const table = await readCsv(path);
  const label = options.labelColumn ?? DEFAULT_LABEL_COLUMNS.find((c) => table.columns.includes(c));
  if (label !== undefined && !table.columns.includes(label)) {
    throw new MlsecError("E_DATA_MISSING_ARRAY", `${path} has no column '${label}'`, {
      hint: `Its columns are: ${table.columns.join(", ")}.`,
    });
  }
  const featureNames = table.columns.filter((c) => c !== label);
  if (table.rows.length === 0) {
    throw new MlsecError("E_DATA_FORMAT", `${path} has a header but no rows`);
  }
  const x = columnsToTensor(table.rows, featureNames);
  if (label === undefined) return { x, y: new Int32Array(0), featureNames };
  const labels = columnToLabels(table.rows, label);
  return {
    x,
    y: labels.y,
    featureNames,
    ...(labels.classes.length > 0 ? { classNames: labels.classes } : {}),
  };
}
