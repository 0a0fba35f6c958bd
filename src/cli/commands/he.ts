// `mlsec he keygen|encrypt|infer|decrypt|demo`: CKKS encrypted inference (issue 12). The client
// keeps client.mlhe (secret key); the server gets server.mlhe (public, relinearization and the
// plan's Galois keys) and query files, and returns result files only the client can decrypt.
import { createHash } from "node:crypto";
import { chmod, mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { HePlan, PlanOptions, SecurityLevel } from "../../he/index.js";
import type { CommandContext } from "../context.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { emit, table } from "../output.js";
import { action, EXIT_OK, MlsecError } from "../runner.js";

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const MAX_HE_FILE_BYTES = 2 ** 31;
const SECURITY = ["128", "192", "256"] as const;

const fmt = (x: number, digits = 4) => Number(x.toPrecision(digits)).toString();
const kb = (bytes: number) => `${fmt(bytes / 1024)} KiB`;

interface PlanFlags {
  approximateDegree?: number;
  interval: number;
}

function planOptions(flags: PlanFlags): PlanOptions {
  return flags.approximateDegree === undefined
    ? {}
    : { approximate: { degree: flags.approximateDegree, interval: flags.interval } };
}

async function readModel(path: string, options: PlanOptions) {
  const { readFileBounded } = await import("../../core/index.js");
  const { parseModel } = await import("../../onnx/index.js");
  const { planFromOnnx } = await import("../../he/index.js");
  const bytes = await readFileBounded(path, MAX_HE_FILE_BYTES);
  const model = parseModel(bytes);
  return {
    model,
    plan: planFromOnnx(model, options),
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/** A key path: the file itself, or `name` inside a key directory. */
async function keyFile(path: string, name: string): Promise<string> {
  const s = await stat(path).catch(() => undefined);
  return s?.isDirectory() ? join(path, name) : path;
}

async function readHeFile(path: string): Promise<Uint8Array> {
  const { readFileBounded } = await import("../../core/index.js");
  return readFileBounded(path, MAX_HE_FILE_BYTES);
}

async function keygen(
  ctx: CommandContext,
  flags: PlanFlags & { model: string; out: string; security: (typeof SECURITY)[number] },
): Promise<number> {
  const { generateKeys, describePlan } = await import("../../he/index.js");
  const { writeFileAtomic } = await import("../../core/index.js");
  const options = planOptions(flags);
  const { plan, sha256 } = await readModel(flags.model, options);
  const keys = await generateKeys(plan, {
    security: Number(flags.security) as SecurityLevel,
    modelSha256: sha256,
    planOptions: options,
  });
  await mkdir(flags.out, { recursive: true });
  const clientPath = join(flags.out, "client.mlhe");
  const serverPath = join(flags.out, "server.mlhe");
  await writeFileAtomic(clientPath, keys.clientKeys);
  await chmod(clientPath, 0o600);
  await writeFileAtomic(serverPath, keys.serverKeys);
  const { params, layout } = keys.meta;
  const result = {
    keyId: keys.meta.keyId,
    files: { client: clientPath, server: serverPath },
    plan: describePlan(plan),
    notes: plan.notes,
    parameters: {
      polyModulusDegree: params.polyModulusDegree,
      coeffModulusBits: params.coeffModulusBits,
      scaleBits: params.scaleBits,
      security: params.security,
      depth: params.depth,
    },
    explanation: params.explanation,
    samplesPerCiphertext: layout.samplesPerCiphertext,
    rotations: keys.meta.rotations,
    bytes: {
      ...keys.bytes,
      clientFile: keys.clientKeys.length,
      serverFile: keys.serverKeys.length,
    },
  };
  emit(ctx, "he keygen", result, (r) =>
    [
      `key ${r.keyId}: ${r.files.client} (secret, keep it) and ${r.files.server} (send to the server)`,
      ...r.plan.map((l) => `  ${l}`),
      ...r.notes.map((n) => `  note: ${n}`),
      `CKKS N=${r.parameters.polyModulusDegree}, primes [${r.parameters.coeffModulusBits}] bits, scale 2^${r.parameters.scaleBits}, ${r.parameters.security}-bit security`,
      ...r.explanation.map((e) => `  ${e}`),
      `${r.samplesPerCiphertext} samples per ciphertext; ${r.rotations.length} Galois keys`,
      table([
        ["  secret key", kb(r.bytes.secretKey)],
        ["  public key", kb(r.bytes.publicKey)],
        ["  relin keys", kb(r.bytes.relinKeys)],
        ["  Galois keys", kb(r.bytes.galoisKeys)],
        ["  server file", kb(r.bytes.serverFile)],
      ]),
    ].join("\n"),
  );
  return EXIT_OK;
}

async function samplesOf(path: string, limit: number | undefined) {
  const { loadDataset } = await import("../../data/index.js");
  const data = await loadDataset(path);
  const n = Math.min(limit ?? data.y.length, data.y.length);
  const features = data.x.data.length / Math.max(1, data.y.length);
  return {
    n,
    features,
    x: { shape: [n, ...data.x.shape.slice(1)], data: data.x.data.subarray(0, n * features) },
    y: data.y.subarray(0, n),
  };
}

async function encrypt(
  ctx: CommandContext,
  flags: { keys: string; data: string; out: string; limit?: number },
): Promise<number> {
  const { HeClient } = await import("../../he/index.js");
  const { writeFileAtomic } = await import("../../core/index.js");
  const client = await HeClient.open(await readHeFile(await keyFile(flags.keys, "client.mlhe")));
  try {
    const { n, features, x } = await samplesOf(flags.data, flags.limit);
    const samples = Array.from({ length: n }, (_, i) =>
      x.data.subarray(i * features, (i + 1) * features),
    );
    const started = performance.now();
    const query = client.encrypt(samples);
    const ms = performance.now() - started;
    await writeFileAtomic(flags.out, query);
    const result = {
      out: flags.out,
      samples: n,
      ciphertexts: Math.ceil(n / client.meta.layout.samplesPerCiphertext),
      bytes: query.length,
      ms,
    };
    emit(
      ctx,
      "he encrypt",
      result,
      (r) =>
        `${r.samples} samples in ${r.ciphertexts} seeded ciphertext(s), ${kb(r.bytes)} -> ${r.out} (${fmt(r.ms)} ms)`,
    );
  } finally {
    client.dispose();
  }
  return EXIT_OK;
}

async function infer(
  ctx: CommandContext,
  flags: { model: string; keys: string; query: string; out: string; workers: number },
): Promise<number> {
  const { HeServer, HeWorkerPool, unpackContainer } = await import("../../he/index.js");
  const { writeFileAtomic } = await import("../../core/index.js");
  const serverKeys = await readHeFile(await keyFile(flags.keys, "server.mlhe"));
  const header = unpackContainer(serverKeys, "server-keys");
  const { plan, sha256 } = await readModel(
    flags.model,
    (header.meta.planOptions ?? {}) as PlanOptions,
  );
  if (header.meta.modelSha256 !== sha256) {
    throw new MlsecError(
      "E_HE_KEY_MISMATCH",
      `the keys were made for another model than ${flags.model}`,
      {
        hint: "Run `mlsec he keygen --model` with the model the server evaluates.",
      },
    );
  }
  const query = await readHeFile(flags.query);
  const started = performance.now();
  let setupMs: number;
  let result: Uint8Array;
  let layers: { name: string; ms: number }[];
  if (flags.workers > 1) {
    const pool = new HeWorkerPool(serverKeys, plan, flags.workers);
    try {
      await pool.ready();
      setupMs = performance.now() - started;
      result = await pool.inferQuery(query);
    } finally {
      layers = await pool.close();
    }
  } else {
    const server = await HeServer.open(serverKeys, plan);
    try {
      setupMs = performance.now() - started;
      result = server.inferQuery(query);
      layers = server.timings.map((t) => ({ ...t }));
    } finally {
      server.dispose();
    }
  }
  const ms = performance.now() - started - setupMs;
  await writeFileAtomic(flags.out, result);
  const samples = unpackContainer(result, "result").meta.count as number;
  const out = {
    out: flags.out,
    samples,
    ms,
    setupMs,
    msPerSample: ms / samples,
    workers: flags.workers,
    layers,
    bytes: result.length,
  };
  emit(ctx, "he infer", out, (r) =>
    [
      `${r.samples} encrypted samples evaluated in ${fmt(r.ms)} ms (${fmt(r.msPerSample)} ms/sample, ${r.workers} worker(s); ${fmt(r.setupMs)} ms to load keys and encode the weights) -> ${r.out}, ${kb(r.bytes)}`,
      table(r.layers.map((l) => [`  ${l.name}`, `${fmt(l.ms)} ms`])),
    ].join("\n"),
  );
  return EXIT_OK;
}

async function decrypt(
  ctx: CommandContext,
  flags: { keys: string; result: string; labels?: string },
): Promise<number> {
  const { HeClient } = await import("../../he/index.js");
  const client = await HeClient.open(await readHeFile(await keyFile(flags.keys, "client.mlhe")));
  try {
    const logits = client.decrypt(await readHeFile(flags.result));
    const predictions = logits.map((row) => row.indexOf(Math.max(...row)));
    let accuracy: number | undefined;
    if (flags.labels !== undefined) {
      const { y } = await samplesOf(flags.labels, logits.length);
      if (y.length < logits.length) {
        throw new MlsecError(
          "E_SHAPE_MISMATCH",
          `${flags.labels} has ${y.length} labels for ${logits.length} results`,
        );
      }
      accuracy = predictions.filter((p, i) => p === y[i]).length / predictions.length;
    }
    const result = {
      samples: logits.length,
      predictions,
      logits: logits.map((row) => Array.from(row, (v) => Number(v.toPrecision(7)))),
      ...(accuracy === undefined ? {} : { accuracy }),
    };
    emit(ctx, "he decrypt", result, (r) =>
      [
        `${r.samples} results decrypted; predicted classes: ${r.predictions.join(" ")}`,
        ...(r.accuracy === undefined ? [] : [`accuracy ${fmt(r.accuracy)}`]),
      ].join("\n"),
    );
  } finally {
    client.dispose();
  }
  return EXIT_OK;
}

async function demo(
  ctx: CommandContext,
  flags: PlanFlags & {
    model: string;
    data?: string;
    limit?: number;
    workers: number;
    security: (typeof SECURITY)[number];
  },
): Promise<number> {
  const { runDemo, describePlan, evaluatePlan } = await import("../../he/index.js");
  const { argmaxRows } = await import("../../core/index.js");
  const polynomialLogits = (plan: HePlan, data: Float32Array, n: number) => {
    const rows = Array.from({ length: n }, (_, i) =>
      evaluatePlan(plan, data.subarray(i * plan.inputSize, (i + 1) * plan.inputSize)),
    );
    return { shape: [n, plan.outputSize], data: Float32Array.from(rows.flatMap((r) => [...r])) };
  };
  const accuracyOf = (pred: Int32Array, labels: Int32Array) =>
    pred.filter((p, i) => p === labels[i]).length / labels.length;
  const { OnnxClassifier } = await import("../../onnx/index.js");
  const options = planOptions(flags);
  const { model, plan, sha256 } = await readModel(flags.model, options);
  const dataPath =
    flags.data ??
    (plan.inputSize === 784
      ? root("examples/data/digits-test.npz")
      : plan.inputSize === 4
        ? root("examples/data/tabular-test.npz")
        : undefined);
  if (dataPath === undefined)
    throw new MlsecError("E_USAGE", "give --data: a labelled .npz test set for this model");
  const { x, y } = await samplesOf(dataPath, flags.limit);
  const onnxLogits = await (await OnnxClassifier.create(model)).predict(x);
  // With fitted activations the plaintext reference is the polynomial model, not the original.
  const plaintextLogits =
    options.approximate === undefined ? onnxLogits : polynomialLogits(plan, x.data, y.length);
  const r = await runDemo({
    plan,
    modelSha256: sha256,
    x,
    labels: y,
    plaintextLogits,
    security: Number(flags.security) as SecurityLevel,
    workers: flags.workers,
  });
  const { params } = r.meta;
  const result = {
    ...(options.approximate === undefined
      ? {}
      : { originalAccuracy: accuracyOf(argmaxRows(onnxLogits), y) }),
    plaintextAccuracy: r.plaintextAccuracy,
    encryptedAccuracy: r.encryptedAccuracy,
    agreement: r.agreement,
    maxLogitError: r.maxLogitError,
    msPerSample: r.msPerSample,
    samplesPerSecond: r.samplesPerSecond,
    msPerCiphertext: r.msPerCiphertext,
    samples: r.samples,
    ciphertexts: r.ciphertexts,
    samplesPerCiphertext: r.meta.layout.samplesPerCiphertext,
    workers: r.workers,
    bytes: r.bytes,
    clientMs: r.clientMs,
    layers: r.layers,
    plan: describePlan(plan),
    notes: plan.notes,
    parameters: {
      polyModulusDegree: params.polyModulusDegree,
      coeffModulusBits: params.coeffModulusBits,
      scaleBits: params.scaleBits,
      security: params.security,
      depth: params.depth,
      galoisKeys: r.meta.rotations.length,
    },
    data: dataPath,
  };
  emit(ctx, "he demo", result, (o) =>
    [
      `${o.samples} samples, CKKS N=${o.parameters.polyModulusDegree} depth ${o.parameters.depth} (${o.parameters.security}-bit), ${o.samplesPerCiphertext} samples/ciphertext, ${o.workers} worker(s)`,
      ...(o.originalAccuracy === undefined
        ? []
        : [`original model (before fitting activations): accuracy ${fmt(o.originalAccuracy)}`]),
      `accuracy: plaintext ${fmt(o.plaintextAccuracy)}, encrypted ${fmt(o.encryptedAccuracy)}; agreement ${fmt(o.agreement)}; max logit error ${o.maxLogitError.toExponential(2)}`,
      `server: ${fmt(o.msPerSample)} ms/sample (${fmt(o.samplesPerSecond)} samples/s), ${fmt(o.msPerCiphertext)} ms per ciphertext`,
      table(o.layers.map((l) => [`  ${l.name}`, `${fmt(l.ms)} ms/ciphertext`])),
      `bytes: query ${kb(o.bytes.query)} (${kb(o.bytes.queryPerCiphertext)}/ciphertext), result ${kb(o.bytes.result)}, Galois keys ${kb(o.bytes.galoisKeys)}, relin keys ${kb(o.bytes.relinKeys)}, public key ${kb(o.bytes.publicKey)}`,
    ].join("\n"),
  );
  return EXIT_OK;
}

function planFlags(cmd: Command): Command {
  return cmd
    .option(
      "--approximate-degree <d>",
      "replace ReLU/sigmoid/GELU/tanh by least-squares polynomials of this degree (1-8)",
      parseInteger("--approximate-degree", 1, 8),
    )
    .option(
      "--interval <a>",
      "the approximations fit on [-a, a]",
      parseNumber("--interval", 1e-6, 1e6),
      4,
    );
}

export function registerHe(program: Command): void {
  const he = program
    .command("he")
    .description(
      "homomorphically encrypted inference (CKKS, Microsoft SEAL): the server classifies what it cannot read",
    );
  const security = (cmd: Command) =>
    cmd.option(
      "--security <bits>",
      "128, 192 or 256 (HE standard)",
      parseChoice("--security", SECURITY),
      "128",
    );
  planFlags(
    security(
      he
        .command("keygen")
        .description(
          "pick CKKS parameters for a model and write client.mlhe (secret) and server.mlhe",
        )
        .requiredOption("--model <path>", "ONNX model (Gemm/MatMul/Conv + polynomial activations)")
        .requiredOption("--out <dir>", "directory for the key files"),
    ),
  ).action(action(keygen));
  he.command("encrypt")
    .description("encrypt samples of an .npz (x) into a query file, with the client's secret key")
    .requiredOption("--keys <path>", "client.mlhe or the key directory")
    .requiredOption("--data <path>", ".npz with x [N, ...]")
    .requiredOption("--out <path>", "query file to write")
    .option("--limit <n>", "only the first n samples", parseInteger("--limit", 1))
    .action(action(encrypt));
  he.command("infer")
    .description("evaluate the model on an encrypted query with the server keys only")
    .requiredOption("--model <path>", "the ONNX model the keys were made for")
    .requiredOption("--keys <path>", "server.mlhe or the key directory")
    .requiredOption("--query <path>", "query file from `mlsec he encrypt`")
    .requiredOption("--out <path>", "result file to write")
    .option(
      "--workers <n>",
      "worker threads (ciphertexts in parallel)",
      parseInteger("--workers", 1, 64),
      1,
    )
    .action(action(infer));
  he.command("decrypt")
    .description("decrypt a result file into logits and predicted classes")
    .requiredOption("--keys <path>", "client.mlhe or the key directory")
    .requiredOption("--result <path>", "result file from `mlsec he infer`")
    .option("--labels <path>", ".npz with y, to report accuracy")
    .action(action(decrypt));
  planFlags(
    security(
      he
        .command("demo")
        .description(
          "the whole round trip locally: accuracy vs the plaintext model, timings and bytes",
        )
        .requiredOption("--model <path>", "ONNX model, e.g. examples/models/tabular-poly.onnx")
        .option(
          "--data <path>",
          "labelled .npz (default: the example test set matching the model's input)",
        )
        .option("--limit <n>", "only the first n samples", parseInteger("--limit", 1))
        .option("--workers <n>", "server worker threads", parseInteger("--workers", 1, 64), 1),
    ),
  ).action(action(demo));
}
