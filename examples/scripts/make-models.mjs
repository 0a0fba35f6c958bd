// Regenerates the demo models in examples/models deterministically with the built `mlsec train`
// (run `npm run build` first; the datasets come from make-datasets.mjs). Each model is trained
// from a seeded He initialisation on one onnxruntime thread, so a rerun with the same
// onnxruntime version writes the same weights.
//   digits-cnn.onnx:  conv 32 3x3, relu, maxpool, conv 64 3x3, relu, maxpool, fc 128, fc 10
//   digits-mlp.onnx:  784 → 128 → 10
//   tabular-mlp.onnx: 4 → 16 → 3 (standardized Iris features)
// Usage: npm run make:models [-- --only digits-mlp --out DIR]

import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    out: { type: "string", default: join(root, "examples", "models") },
  },
});
mkdirSync(values.out, { recursive: true });
const data = (name) => join(root, "examples", "data", name);

const MODELS = {
  "digits-cnn": [
    "--arch",
    "cnn",
    "--data",
    data("digits-train.npz"),
    "--val",
    data("digits-test.npz"),
    "--epochs",
    "8",
    "--batch-size",
    "64",
    "--optimizer",
    "adam",
    "--lr",
    "0.001",
    "--schedule",
    "cosine",
  ],
  "digits-mlp": [
    "--arch",
    "mlp",
    "--hidden",
    "128",
    "--data",
    data("digits-train.npz"),
    "--val",
    data("digits-test.npz"),
    "--epochs",
    "15",
    "--batch-size",
    "64",
    "--optimizer",
    "adam",
    "--lr",
    "0.001",
    "--schedule",
    "cosine",
  ],
  "tabular-mlp": [
    "--arch",
    "mlp",
    "--hidden",
    "16",
    "--data",
    data("tabular-train.npz"),
    "--val",
    data("tabular-test.npz"),
    "--epochs",
    "100",
    "--batch-size",
    "16",
    "--optimizer",
    "adam",
    "--lr",
    "0.01",
    "--weight-decay",
    "0.01",
    "--schedule",
    "cosine",
  ],
};

const names = values.only ?? Object.keys(MODELS);
for (const name of names) {
  const args = MODELS[name];
  if (args === undefined) {
    console.error(`unknown model ${name}; choose from ${Object.keys(MODELS).join(", ")}`);
    process.exit(2);
  }
  const out = join(values.out, `${name}.onnx`);
  const argv = ["--seed", "0", "--quiet", "train", ...args, "--threads", "1", "--out", out];
  console.log(`mlsec ${argv.join(" ")}`);
  const r = spawnSync(process.execPath, [join(root, "dist", "cli", "main.js"), ...argv], {
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 2);
}
