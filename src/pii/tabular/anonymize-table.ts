// Tabular anonymization of CSV records (header first): measure the anonymity a table already
// has, or enforce k-anonymity, l-diversity and t-closeness on its quasi-identifiers by Mondrian
// partitioning or an optimal lattice search, and report information loss and remaining risk.

import { MlsecError } from "../../core/index.js";
import {
  buildDomain,
  type Domain,
  type DomainSpec,
  type Generalized,
  generalizeRange,
} from "./domain.js";
import { latticeSearch } from "./lattice.js";
import {
  type Achieved,
  achieved,
  type InformationLoss,
  informationLoss,
  type RiskReport,
  reidentificationRisk,
} from "./metrics.js";
import { buildSensitive, ClassChecker, type PrivacyModel } from "./models.js";
import { mondrian } from "./mondrian.js";

export type TabularAlgorithm = "mondrian" | "lattice";

export interface TabularOptions {
  readonly quasi: readonly string[];
  readonly sensitive?: string;
  readonly model: PrivacyModel;
  /** Per quasi-identifier: its kind (inferred when absent) and hierarchy. */
  readonly domains?: Readonly<Record<string, DomainSpec>>;
  readonly algorithm?: TabularAlgorithm;
  /** Lattice only: the largest share of records that may be suppressed (default 0.05). */
  readonly maxSuppression?: number;
  /** Columns removed from the output (direct identifiers: names, e-mail addresses). */
  readonly drop?: readonly string[];
  /** Per-record re-identification probability counted as "at risk" (default 0.2, as k = 5). */
  readonly riskThreshold?: number;
  readonly onProgress?: (classes: number) => void;
}

export interface AnonymityReport {
  readonly records: number;
  readonly quasiIdentifiers: readonly { name: string; kind: string }[];
  readonly sensitive: string | null;
  readonly model: PrivacyModel;
  readonly algorithm: TabularAlgorithm | null;
  readonly classes: number;
  readonly suppressed: number;
  readonly achieved: Achieved;
  readonly satisfied: boolean;
  readonly informationLoss: InformationLoss;
  readonly risk: RiskReport;
  readonly lattice?: { readonly levels: Record<string, number>; readonly nodes: number };
}

interface Prepared {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly quasiIndex: readonly number[];
  readonly domains: readonly Domain[];
  readonly checker: ClassChecker;
}

function columnIndex(header: readonly string[], name: string, role: string): number {
  const i = header.indexOf(name);
  if (i < 0) {
    throw new MlsecError("E_USAGE", `${role} column "${name}" is not in the header`, {
      hint: `Columns: ${header.join(", ")}`,
    });
  }
  return i;
}

function validateModel(model: PrivacyModel, rowCount: number): void {
  if (!Number.isInteger(model.k) || model.k < 1) {
    throw new MlsecError("E_INVALID_ARGUMENT", `k must be a whole number >= 1, got ${model.k}`);
  }
  if (model.k > rowCount) {
    throw new MlsecError(
      "E_PII_ANONYMITY",
      `k = ${model.k} is larger than the ${rowCount} record(s) of the table`,
      { hint: "Lower k, or anonymize a larger table." },
    );
  }
  if (model.l !== undefined && !(model.l >= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `l must be >= 1, got ${model.l}`);
  }
  if (model.t !== undefined && !(model.t >= 0 && model.t <= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `t must be in [0, 1], got ${model.t}`);
  }
}

function prepare(records: readonly (readonly string[])[], options: TabularOptions): Prepared {
  if (records.length === 0) throw new MlsecError("E_DATA_FORMAT", "the CSV has no header row");
  const [header, ...rows] = records;
  rows.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new MlsecError(
        "E_DATA_FORMAT",
        `CSV data row ${i + 1} has ${r.length} field(s), the header ${header.length}`,
        { details: { row: i + 1 } },
      );
    }
  });
  if (options.quasi.length === 0) {
    throw new MlsecError("E_USAGE", "name at least one quasi-identifier column");
  }
  const quasiIndex = options.quasi.map((q) => columnIndex(header, q, "quasi-identifier"));
  if (new Set(quasiIndex).size !== quasiIndex.length) {
    throw new MlsecError("E_USAGE", "a quasi-identifier is named twice");
  }
  validateModel(options.model, rows.length);
  const domains = options.quasi.map((q, j) =>
    buildDomain(
      q,
      rows.map((r) => r[quasiIndex[j]]),
      options.domains?.[q],
    ),
  );
  let checker: ClassChecker;
  if (options.sensitive === undefined) {
    if (options.model.l !== undefined || options.model.t !== undefined) {
      throw new MlsecError("E_USAGE", "l-diversity and t-closeness need --sensitive COLUMN");
    }
    checker = new ClassChecker(options.model);
  } else {
    const s = columnIndex(header, options.sensitive, "sensitive");
    if (quasiIndex.includes(s)) {
      throw new MlsecError(
        "E_USAGE",
        `"${options.sensitive}" cannot be both quasi-identifier and sensitive`,
      );
    }
    const sensitive = buildSensitive(
      options.sensitive,
      rows.map((r) => r[s]),
    );
    checker = new ClassChecker(options.model, sensitive);
  }
  return { header, rows, quasiIndex, domains, checker };
}

function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The whole table must satisfy l and t itself, or no partition of it can. */
function checkFeasible(p: Prepared, model: PrivacyModel): void {
  if (p.checker.sensitive === undefined || model.l === undefined) return;
  const whole = p.checker.measure(allRows(p.rows.length));
  const entropyL = Math.exp(whole.entropy);
  const have = model.lKind === "entropy" ? entropyL : whole.distinct;
  if (have + 1e-9 < model.l) {
    throw new MlsecError(
      "E_PII_ANONYMITY",
      `l = ${model.l} is impossible: the whole table has ${model.lKind === "entropy" ? `entropy-l ${entropyL.toFixed(2)}` : `${whole.distinct} distinct`} "${p.checker.sensitive.name}" value(s)`,
      { hint: "Lower l." },
    );
  }
}

function report(
  p: Prepared,
  options: TabularOptions,
  algorithm: TabularAlgorithm | null,
  classes: Int32Array[],
  suppressed: number,
  ncp: number,
): AnonymityReport {
  const got = achieved(classes, p.checker);
  return {
    records: p.rows.length,
    quasiIdentifiers: p.domains.map((d) => ({ name: d.name, kind: d.kind })),
    sensitive: options.sensitive ?? null,
    model: options.model,
    algorithm,
    classes: classes.length,
    suppressed,
    achieved: got,
    satisfied: classes.every((c) => p.checker.satisfies(c)),
    informationLoss: informationLoss(classes, suppressed, p.rows.length, options.model.k, ncp),
    risk: reidentificationRisk(classes, p.rows.length, options.riskThreshold ?? 0.2),
  };
}

/** Groups rows with identical quasi-identifier values: the classes an attacker sees today. */
export function measureTable(
  records: readonly (readonly string[])[],
  options: TabularOptions,
): AnonymityReport {
  const p = prepare(records, options);
  const groups = new Map<string, number[]>();
  p.rows.forEach((r, i) => {
    const key = JSON.stringify(p.quasiIndex.map((q) => r[q]));
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [i]);
    else g.push(i);
  });
  const classes = [...groups.values()].map((g) => Int32Array.from(g));
  return report(p, options, null, classes, 0, 0);
}

export interface AnonymizedTable {
  readonly records: string[][];
  readonly report: AnonymityReport;
}

/** Enforces the privacy model; the output keeps the row order, suppressed rows show "*". */
export function anonymizeTable(
  records: readonly (readonly string[])[],
  options: TabularOptions,
): AnonymizedTable {
  const p = prepare(records, options);
  checkFeasible(p, options.model);
  const algorithm = options.algorithm ?? "mondrian";
  const n = p.rows.length;
  const q = p.domains.length;
  const cells: Generalized[][] = Array.from({ length: n }, () => []);
  let classes: Int32Array[];
  let suppressed: Int32Array;
  let lattice: AnonymityReport["lattice"];
  if (algorithm === "mondrian") {
    classes = mondrian(p.domains, n, p.checker, { onClass: options.onProgress });
    suppressed = new Int32Array(0);
    for (const c of classes) {
      const generalized = p.domains.map((d) => {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const r of c) {
          lo = Math.min(lo, d.ordinal[r]);
          hi = Math.max(hi, d.ordinal[r]);
        }
        return generalizeRange(d, lo, hi);
      });
      for (const r of c) cells[r] = generalized;
    }
  } else {
    const share = options.maxSuppression ?? 0.05;
    if (!(share >= 0 && share <= 1)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `maxSuppression must be in [0, 1], got ${share}`);
    }
    const result = latticeSearch(p.domains, n, p.checker, Math.floor(share * n));
    classes = result.classes;
    suppressed = result.suppressed;
    for (const c of classes) {
      for (const r of c) cells[r] = p.domains.map((_, j) => result.cell(r, j));
    }
    lattice = {
      levels: Object.fromEntries(p.domains.map((d, j) => [d.name, result.node[j]])),
      nodes: result.nodesEvaluated,
    };
  }
  const hidden: Generalized = { text: "*", penalty: 1 };
  for (const r of suppressed) cells[r] = new Array<Generalized>(q).fill(hidden);
  let penalty = 0;
  for (const row of cells) for (const c of row) penalty += c.penalty;
  const ncp = n === 0 ? 0 : penalty / (n * q);

  const dropped = new Set((options.drop ?? []).map((d) => columnIndex(p.header, d, "dropped")));
  const keep = p.header.map((_, i) => i).filter((i) => !dropped.has(i));
  const position = new Map(p.quasiIndex.map((c, j) => [c, j]));
  const out: string[][] = [keep.map((i) => p.header[i])];
  p.rows.forEach((row, r) => {
    out.push(
      keep.map((i) => {
        const j = position.get(i);
        return j === undefined ? row[i] : cells[r][j].text;
      }),
    );
  });
  const base = report(p, options, algorithm, classes, suppressed.length, ncp);
  return { records: out, report: lattice === undefined ? base : { ...base, lattice } };
}
