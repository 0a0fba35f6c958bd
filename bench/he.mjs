// CKKS encrypted inference figures (issue 12); run `npm run build` first.
//   node bench/he.mjs [--limit N] [--workers W] [--memory-runs R] [--skip-digits]
// Prints one JSON line per case:
//   primitives: SEAL op timings at the digits parameters (N=8192, 4 primes);
//   digits:     the digits polynomial CNN over the test set, encrypted vs the plaintext ONNX
//               model (accuracy, agreement, max logit error, amortized ms/sample with SIMD
//               packing and W workers); ratio = encrypted / plaintext ms per sample;
//   latency:    one image alone (encrypt, evaluate in a warm worker, decrypt), median of 5;
//   memory:     RSS and external (WASM) memory over R inferences of the tabular model in one
//               server (flat = no leak); run with `node --expose-gc` to sample after a GC.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../", import.meta.url));
const dist = (p) => join(root, "dist", p);
const he = await import(dist("he/index.js"));
const { loadSeal } = await import(dist("he/seal.js"));
const { HeContext } = await import(dist("he/context.js"));
const { loadDataset } = await import(dist("data/index.js"));
const { loadModel, OnnxClassifier } = await import(dist("onnx/index.js"));
const { createHash } = await import("node:crypto");
const { readFileSync } = await import("node:fs");
const os = await import("node:os");

const { values } = parseArgs({
  options: {
    limit: { type: "string", default: "2000" },
    workers: { type: "string", default: "2" },
    "memory-runs": { type: "string", default: "1000" },
    "skip-digits": { type: "boolean", default: false },
  },
});
const line = (o) =>
  console.log(JSON.stringify({ ...o, loadavg: os.loadavg().map((l) => +l.toFixed(2)) }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function primitives() {
  const seal = await loadSeal();
  const params = he.selectParameters({
    depth: 3,
    slotsNeeded: 1024,
    security: 128,
    maxBitCount: (n) => seal.CoeffModulus.MaxBitCount(n, seal.SecurityLevel.tc128),
  });
  const ctx = HeContext.fromParameters(seal, params);
  const keygen = seal.KeyGenerator(ctx.context);
  const sk = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const relin = keygen.createRelinKeys();
  const galois = keygen.createGaloisKeys(Int32Array.from([1]));
  const enc = seal.Encryptor(ctx.context, pk, sk);
  const values = new Float64Array(ctx.slots).map((_, i) => i / ctx.slots);
  const pt = ctx.encodeAt(values, 2 ** params.scaleBits, 0);
  const ct = enc.encryptSymmetric(pt);
  const time = (body, reps = 20) => {
    body();
    const t = performance.now();
    for (let i = 0; i < reps; i++) body();
    return (performance.now() - t) / reps;
  };
  const ev = ctx.evaluator;
  const rotate = time(() => ev.rotateVector(ct, 1, galois).delete());
  const mulPlain = time(() => ev.multiplyPlain(ct, pt).delete());
  const mulRelinRescale = time(() => {
    const r = ev.multiply(ct, ct);
    ev.relinearize(r, relin, r);
    ev.rescaleToNext(r, r);
    r.delete();
  });
  const encode = time(() => ctx.encodeAt(values, 2 ** params.scaleBits, 0).delete());
  const seeded = enc.encryptSymmetricSerializable(pt);
  const z = seal.ComprModeType.zstd;
  line({
    case: "primitives",
    polyModulusDegree: params.polyModulusDegree,
    coeffModulusBits: params.coeffModulusBits,
    ms: { rotate, multiplyPlain: mulPlain, multiplyRelinRescale: mulRelinRescale, encode },
    bytes: {
      seededSymmetricCiphertext: seeded.saveArray(z).length,
      publicKeyCiphertext: enc.encrypt(pt).saveArray(z).length,
    },
  });
  for (const o of [seeded, pt, ct, enc, galois, relin, pk, sk, keygen]) o.delete();
  ctx.dispose();
}

async function digits(limit, workers) {
  const path = join(root, "examples/models/digits-poly.onnx");
  const model = await loadModel(path);
  const plan = he.planFromOnnx(model);
  const data = await loadDataset(join(root, "examples/data/digits-test.npz"));
  const n = Math.min(limit, data.y.length);
  const x = { shape: [n, 1, 28, 28], data: data.x.data.subarray(0, n * 784) };
  const classifier = await OnnxClassifier.create(model);
  await classifier.predict(x);
  const t = performance.now();
  const plaintextLogits = await classifier.predict(x);
  const plainMs = (performance.now() - t) / n;
  const r = await he.runDemo({
    plan,
    modelSha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
    x,
    labels: data.y.subarray(0, n),
    plaintextLogits,
    security: 128,
    workers,
  });
  line({
    case: "digits",
    samples: n,
    workers,
    plaintextAccuracy: r.plaintextAccuracy,
    encryptedAccuracy: r.encryptedAccuracy,
    agreement: r.agreement,
    maxLogitError: r.maxLogitError,
    msPerSample: r.msPerSample,
    samplesPerSecond: r.samplesPerSecond,
    msPerCiphertext: r.msPerCiphertext,
    samplesPerCiphertext: r.meta.layout.samplesPerCiphertext,
    layers: r.layers,
    clientMs: r.clientMs,
    bytes: r.bytes,
    plaintextMsPerSample: plainMs,
    ratio: r.msPerSample / plainMs,
  });
  return { plan, path };
}

async function latency({ plan, path }) {
  const keys = await he.generateKeys(plan, {
    security: 128,
    modelSha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
  });
  const client = await he.HeClient.open(keys.clientKeys);
  const pool = new he.HeWorkerPool(keys.serverKeys, plan, 1);
  await pool.ready();
  const data = await loadDataset(join(root, "examples/data/digits-test.npz"));
  const runs = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const query = client.encrypt([data.x.data.subarray(i * 784, (i + 1) * 784)]);
    const result = await pool.inferQuery(query);
    client.decrypt(result);
    if (i > 0) runs.push(performance.now() - t);
  }
  await pool.close();
  client.dispose();
  line({ case: "latency", model: "digits-poly", msPerImage: median(runs), runs });
}

async function memory(runs) {
  const path = join(root, "examples/models/tabular-poly.onnx");
  const plan = he.planFromOnnx(await loadModel(path));
  const keys = await he.generateKeys(plan, { security: 128, modelSha256: "bench" });
  const client = await he.HeClient.open(keys.clientKeys);
  const server = await he.HeServer.open(keys.serverKeys, plan);
  const data = await loadDataset(join(root, "examples/data/tabular-test.npz"));
  const query = client.encrypt(
    Array.from({ length: 30 }, (_, i) => data.x.data.subarray(i * 4, i * 4 + 4)),
  );
  const rss = [];
  const external = [];
  const t = performance.now();
  for (let i = 1; i <= runs; i++) {
    client.decrypt(server.inferQuery(query));
    if (i % Math.max(1, Math.floor(runs / 10)) !== 0) continue;
    globalThis.gc?.();
    const m = process.memoryUsage();
    rss.push(Math.round(m.rss / 2 ** 20));
    // SEAL's WebAssembly heap is counted in `external`.
    external.push(Math.round(m.external / 2 ** 20));
  }
  const ms = (performance.now() - t) / runs;
  server.dispose();
  client.dispose();
  line({
    case: "memory",
    inferences: runs,
    gc: typeof globalThis.gc === "function",
    rssMiB: rss,
    externalMiB: external,
    msPerInference: ms,
  });
}

await primitives();
if (!values["skip-digits"]) {
  const d = await digits(Number(values.limit), Number(values.workers));
  await latency(d);
}
await memory(Number(values["memory-runs"]));
