// Data-layer benchmark (run `npm run build` first): each case times mlsec against a baseline in
// the same run and prints one JSON line with the ratio baseline_ms / mlsec_ms (> 1: mlsec faster).
//   npz-decode:  decodeNpz (own bounded zip reader + node:zlib inflate + CRC check) vs
//                fflate.unzipSync + decodeNpy, on examples/data/digits-train.npz (25 MB raw).
//   npz-encode:  encodeNpz compressed vs stored (the ratio is the cost of DEFLATE).
//   csv-parse:   parseCsv (RFC 4180, numeric typing) vs naive split(",") + Number.
//   jsonl-parse: parseJsonl (bounded, depth-checked) vs split("\n") + JSON.parse.

import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import { decodeNpy, decodeNpz, encodeNpz, parseCsv, parseJsonl } from "../dist/data/index.js";

function time(fn, reps) {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

function report(name, mlsecMs, baselineMs, extra = {}) {
  const line = {
    bench: "data",
    case: name,
    mlsecMs: Number(mlsecMs.toFixed(2)),
    baselineMs: Number(baselineMs.toFixed(2)),
    ratio: Number((baselineMs / mlsecMs).toFixed(3)),
    ...extra,
  };
  console.log(JSON.stringify(line));
}

const npz = new Uint8Array(
  readFileSync(new URL("../examples/data/digits-train.npz", import.meta.url)),
);
const decoded = decodeNpz(npz);
const rawBytes = [...decoded.values()].reduce((s, a) => s + a.data.byteLength, 0);
report(
  "npz-decode",
  time(() => decodeNpz(npz), 5),
  time(() => {
    const files = unzipSync(npz);
    for (const name of Object.keys(files)) decodeNpy(files[name]);
  }, 5),
  { fileBytes: npz.length, rawBytes },
);

const arrays = Object.fromEntries(decoded);
report(
  "npz-encode",
  time(() => encodeNpz(arrays, { compress: true }), 2),
  time(() => encodeNpz(arrays, { compress: false }), 2),
  { note: "baseline = stored (no compression)" },
);

const rows = 20_000;
const cols = 10;
let csv = `${Array.from({ length: cols }, (_, j) => `f${j}`).join(",")}\n`;
for (let i = 0; i < rows; i++) {
  csv += `${Array.from({ length: cols }, (_, j) => ((i * 31 + j * 17) % 1000) / 7).join(",")}\n`;
}
report(
  "csv-parse",
  time(() => parseCsv(csv), 3),
  time(() => {
    const lines = csv.trimEnd().split("\n");
    const header = lines[0].split(",");
    lines.slice(1).map((l) => {
      const f = l.split(",");
      return Object.fromEntries(header.map((h, j) => [h, Number(f[j])]));
    });
  }, 3),
  { rows, cols, bytes: csv.length },
);

const jsonl = Array.from({ length: rows }, (_, i) =>
  JSON.stringify({ id: i, text: `row ${i}`, v: [i % 7, i % 11], label: i % 3 }),
).join("\n");
report(
  "jsonl-parse",
  time(() => parseJsonl(jsonl), 3),
  time(() => jsonl.split("\n").map((l) => JSON.parse(l)), 3),
  { rows, bytes: jsonl.length },
);
