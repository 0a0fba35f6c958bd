// Regenerates the polynomial-activation demo models for `mlsec he` (CKKS evaluates only
// additions and multiplications, so the activation is x², as in CryptoNets, Gilad-Bachrach et
// al. 2016). Trained with the mlsec trainer from a seeded He initialisation on one thread
// (run `npm run build` first; datasets come from make-datasets.mjs).
//   tabular-poly.onnx: 4 → 16 → x² → 3 (standardized Iris features)
//   digits-poly.onnx:  conv 4 maps 7x7 stride 3 → x² → fc 10 (the conv is lowered to a
//                      256x784 matrix for HE); training images are augmented with ±1 px shifts.
// Usage: node examples/scripts/make-poly-models.mjs [--only digits-poly] [--out DIR]

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = (p) => join(root, "dist", p);
const { createRng } = await import(dist("core/index.js"));
const { loadDataset } = await import(dist("data/index.js"));
const {
  A,
  BOUNDS_METADATA_KEY,
  boundsMetadataValue,
  DataType,
  GraphBuilder,
  makeModel,
  saveModel,
} = await import(dist("onnx/index.js"));
const { train } = await import(dist("onnx/trainer/index.js"));
const { heUniform, zeros, TRAINING_KEY, withMetadata } = await import(
  dist("onnx/architectures/index.js")
);

const { values } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    out: { type: "string", default: join(root, "examples", "models") },
  },
});
mkdirSync(values.out, { recursive: true });
const data = (name) => join(root, "examples", "data", name);

function dense(g, x, name, out, inp, rng) {
  const w = g.initializer(heUniform(`${name}.weight`, [out, inp], inp, rng));
  const b = g.initializer(zeros(`${name}.bias`, [out]));
  return g.op("Gemm", [x, w, b], { transB: A.int(1) });
}

const square = (g, x) => g.op("Mul", [x, x]);

function finish(g, logits, classes, bounds, arch) {
  g.add("Identity", [logits], {}, { outputs: ["logits"] });
  g.addOutput("logits", DataType.FLOAT, ["batch", classes]);
  return makeModel(g.build(), {
    metadata: {
      [BOUNDS_METADATA_KEY]: boundsMetadataValue(bounds),
      "mlsec.architecture": JSON.stringify(arch),
    },
  });
}

function tabularPoly(rng) {
  const g = new GraphBuilder(undefined, "mlsec_tabular_poly");
  g.addInput("input", DataType.FLOAT, ["batch", 4]);
  const h = square(g, dense(g, "input", "fc1", 16, 4, rng));
  return finish(g, dense(g, h, "fc2", 3, 16, rng), 3, [-Infinity, Infinity], {
    arch: "poly-mlp",
    hidden: [16],
    activation: "square",
  });
}

function digitsPoly(rng) {
  const g = new GraphBuilder(undefined, "mlsec_digits_poly");
  g.addInput("input", DataType.FLOAT, ["batch", 1, 28, 28]);
  const k = g.initializer(heUniform("conv1.weight", [4, 1, 7, 7], 49, rng));
  const kb = g.initializer(zeros("conv1.bias", [4]));
  const c = g.op("Conv", ["input", k, kb], {
    kernel_shape: A.ints([7, 7]),
    strides: A.ints([3, 3]),
  });
  const h = g.op("Flatten", [square(g, c)], { axis: A.int(1) });
  return finish(g, dense(g, h, "fc1", 10, 256, rng), 10, [0, 1], {
    arch: "poly-cnn",
    conv: { maps: 4, kernel: 7, stride: 3 },
    activation: "square",
  });
}

/** The training set plus copies shifted by one pixel in each of four directions. */
function shifted(ds) {
  const [n, , h, w] = ds.x.shape;
  const moves = [
    [0, 1],
    [0, -1],
    [1, 0],
    [-1, 0],
  ];
  const out = new Float32Array(ds.x.data.length * (moves.length + 1));
  out.set(ds.x.data);
  moves.forEach(([dy, dx], m) => {
    const base = (m + 1) * ds.x.data.length;
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < h; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= h) continue;
        for (let x = 0; x < w; x++) {
          const sx = x - dx;
          if (sx < 0 || sx >= w) continue;
          out[base + i * h * w + y * w + x] = ds.x.data[i * h * w + sy * w + sx];
        }
      }
    }
  });
  const y = new Int32Array(ds.y.length * (moves.length + 1));
  for (let m = 0; m <= moves.length; m++) y.set(ds.y, m * ds.y.length);
  return { x: { shape: [n * (moves.length + 1), 1, h, w], data: out }, y };
}

const MODELS = {
  "tabular-poly": {
    build: tabularPoly,
    train: data("tabular-train.npz"),
    val: data("tabular-test.npz"),
    options: { epochs: 150, batchSize: 16, learningRate: 0.01 },
  },
  "digits-poly": {
    build: digitsPoly,
    train: data("digits-train.npz"),
    val: data("digits-test.npz"),
    augment: shifted,
    options: { epochs: 12, batchSize: 64, learningRate: 0.002 },
  },
};

for (const name of values.only ?? Object.keys(MODELS)) {
  const spec = MODELS[name];
  if (spec === undefined) {
    console.error(`unknown model ${name}; choose from ${Object.keys(MODELS).join(", ")}`);
    process.exit(2);
  }
  const rng = createRng(0);
  const trainSet = await loadDataset(spec.train);
  const validation = await loadDataset(spec.val);
  const result = await train(spec.build(rng), spec.augment ? spec.augment(trainSet) : trainSet, {
    ...spec.options,
    optimizer: { type: "adam" },
    schedule: { type: "cosine" },
    rng,
    validation,
    intraOpThreads: 1,
  });
  const summary = {
    optimizer: "adam",
    ...spec.options,
    valAccuracy: result.validation?.accuracy,
    seed: 0,
  };
  const out = join(values.out, `${name}.onnx`);
  await saveModel(out, withMetadata(result.model, { [TRAINING_KEY]: JSON.stringify(summary) }));
  console.log(`${name}: validation accuracy ${result.validation?.accuracy} -> ${out}`);
}
