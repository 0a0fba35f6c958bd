// Regenerates examples/models/digits-cnn-robust.onnx with the built `mlsec defend
// adversarial-training` (run `npm run build` first): PGD adversarial training (Madry et al. 2018;
// 7 steps of 2.5·eps/7 from a random start) at L∞ eps 0.3 of a fresh CNN (conv 32, conv 64,
// fc 256, fc 10) on the 8,000 images of digits-train.npz, eps ramped up over the first 5 of 20
// epochs, Adam with a one-cycle schedule peaking at 3e-3. On one onnxruntime thread, so a rerun
// with the same onnxruntime version writes the same weights. CPU-heavy (about 9x a standard
// epoch per epoch); the training time is printed at the end.
// Usage: node examples/scripts/make-robust-model.mjs [--out FILE]

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: "string", default: join(root, "examples", "models", "digits-cnn-robust.onnx") },
  },
});
const data = (name) => join(root, "examples", "data", name);
const argv = [
  "--seed",
  "0",
  "defend",
  "adversarial-training",
  "--data",
  data("digits-train.npz"),
  "--val",
  data("digits-test.npz"),
  "--method",
  "pgd",
  "--eps",
  "0.3",
  "--steps",
  "7",
  "--epochs",
  "20",
  "--ramp-epochs",
  "5",
  "--hidden",
  "256",
  "--batch-size",
  "100",
  "--optimizer",
  "adam",
  "--lr",
  "0.003",
  "--schedule",
  "one-cycle",
  "--val-samples",
  "500",
  "--val-steps",
  "10",
  "--threads",
  "1",
  "--out",
  values.out,
];
console.log(`mlsec ${argv.join(" ")}`);
const r = spawnSync(process.execPath, [join(root, "dist", "cli", "main.js"), ...argv], {
  stdio: "inherit",
});
process.exit(r.status ?? 2);
