// Regenerates examples/models/digits-cnn-dp.onnx with the built `mlsec privacy train` (run
// `npm run build` first): DP-SGD (Abadi et al. 2016) of a fresh CNN (conv 32, conv 64, fc 32,
// fc 10) on the 8,000 images of digits-train.npz: Poisson sampling at rate 256/8000, every
// example's gradient clipped to norm 1, Gaussian noise with the smallest noise multiplier that
// keeps epsilon <= 2.9 at delta 1e-5 after 20 epochs (640 steps; RDP accountant), Adam at 2e-3.
// Seed 0. Prints the epsilon and the test accuracy after every epoch.
// Usage: node examples/scripts/make-dp-model.mjs [--out FILE]

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(root, "examples", "models", "digits-cnn-dp.onnx") },
  },
});
const data = (name) => join(root, "examples", "data", name);
const argv = [
  "--seed",
  "0",
  "privacy",
  "train",
  "--arch",
  "cnn",
  "--data",
  data("digits-train.npz"),
  "--val",
  data("digits-test.npz"),
  "--target-epsilon",
  "2.9",
  "--delta",
  "1e-5",
  "--clip",
  "1.0",
  "--batch-size",
  "256",
  "--epochs",
  "20",
  "--hidden",
  "32",
  "--out",
  values.out,
];
console.log(`mlsec ${argv.join(" ")}`);
const r = spawnSync(process.execPath, [join(root, "dist", "cli", "main.js"), ...argv], {
  stdio: "inherit",
});
process.exit(r.status ?? 2);
