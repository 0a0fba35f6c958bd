// Tabular anonymization benchmark (run `npm run build` first). One JSON line per case.
//   mondrian-*: Mondrian k-anonymity (LeFevre et al. 2006) on BENCH_ROWS (default 100,000) rows
//               x 8 quasi-identifiers (age, zip, sex, birth date, income, height, weight,
//               children) of seeded synthetic data, in CPU seconds; the target is under
//               10 s. Baseline: measuring the same table (one pass grouping rows by their
//               quasi-identifiers) in the same run; ratio = Mondrian time / baseline time.
//   lattice:    optimal lattice search over 3 quasi-identifiers on 10,000 rows, same baseline.
import { createRng } from "../dist/core/index.js";
import { anonymizeTable, measureTable } from "../dist/pii/index.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const rng = createRng(20261128);
const int = (lo, hi) => lo + Math.floor(rng.next() * (hi - lo + 1));
const DIAGNOSES = ["flu", "cancer", "asthma", "hiv", "diabetes", "covid", "migraine", "none"];
const header = ["age", "zip", "sex", "born", "income", "height", "weight", "children", "diagnosis"];
const pad = (n, w) => String(n).padStart(w, "0");
const rows = Array.from({ length: ROWS }, () => [
  String(int(18, 90)),
  pad(int(10000, 99999), 5),
  rng.next() < 0.5 ? "F" : "M",
  `${int(1935, 2007)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`,
  String(int(0, 250) * 1000),
  String(int(145, 205)),
  String(int(40, 140)),
  String(int(0, 6)),
  DIAGNOSES[int(0, DIAGNOSES.length - 1)],
]);
const records = [header, ...rows];
const quasi = header.slice(0, 8);
const r3 = (x) => Math.round(x * 1000) / 1000;
const emit = (o) => console.log(JSON.stringify({ bench: "pii-tabular", ...o }));

// CPU seconds of this process (user + system): on a shared machine wall time mostly measures
// the other jobs.
function time(fn) {
  const s = process.cpuUsage();
  const out = fn();
  const d = process.cpuUsage(s);
  return [(d.user + d.system) / 1e6, out];
}

const [tBase] = time(() => measureTable(records, { quasi, model: { k: 1 } }));
for (const [name, model, sensitive] of [
  ["mondrian-k5", { k: 5 }, undefined],
  ["mondrian-k5-l3-t0.2", { k: 5, l: 3, t: 0.2 }, "diagnosis"],
]) {
  const [t, { report }] = time(() =>
    anonymizeTable(records, { quasi, sensitive, model, domains: { zip: { kind: "prefix" } } }),
  );
  emit({
    case: name,
    rows: ROWS,
    quasiIdentifiers: quasi.length,
    seconds: r3(t),
    baselineSeconds: r3(tBase),
    ratio: r3(t / tBase),
    classes: report.classes,
    achieved: report.achieved,
    ncp: r3(report.informationLoss.ncp),
    prosecutorHighest: r3(report.risk.prosecutor.highest),
  });
}

const small = [
  ["age", "zip", "sex", "diagnosis"],
  ...rows.slice(0, 10_000).map((r) => [r[0], r[1], r[2], r[8]]),
];
const [tSmallBase] = time(() =>
  measureTable(small, { quasi: ["age", "zip", "sex"], model: { k: 1 } }),
);
const [tLattice, lattice] = time(() =>
  anonymizeTable(small, {
    quasi: ["age", "zip", "sex"],
    sensitive: "diagnosis",
    model: { k: 5, l: 2 },
    algorithm: "lattice",
    maxSuppression: 0.02,
    domains: { zip: { kind: "prefix" } },
  }),
);
emit({
  case: "lattice-k5-l2",
  rows: 10_000,
  quasiIdentifiers: 3,
  seconds: r3(tLattice),
  baselineSeconds: r3(tSmallBase),
  ratio: r3(tLattice / tSmallBase),
  nodes: lattice.report.lattice.nodes,
  levels: lattice.report.lattice.levels,
  suppressed: lattice.report.suppressed,
  ncp: r3(lattice.report.informationLoss.ncp),
});
