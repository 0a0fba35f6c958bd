// Artifact benchmark (run `npm run build` first). One JSON line per case; every case compares
// against a baseline measured in the same run on the same files, ratio = mlsec MB/s / baseline
// MB/s (> 1: mlsec faster). Files are in the page cache (a warm-up pass reads them first);
// each timing is the best of BENCH_REPS runs (default 3).
//   hash-*:     SHA-256 manifest of a model directory (BENCH_FILES files of BENCH_FILE_MB MiB)
//               with 0 (main thread), 1 and 2 worker threads, and 2 concurrent streams on the
//               main thread, vs `sha256sum` and `openssl dgst -sha256` over the same files
//               (one process, sequential). Lines carry the 1-minute load average.
//   sign/verify-vs-hash: signing and verifying the same model vs hashing it alone.
//   encrypt / decrypt: streaming AES-256-GCM of one BENCH_ENC_MB MiB file vs a plain file copy
//               (fs.copyFile) and vs node:crypto AES-256-GCM over the same segments in memory,
//               in wall time and in MB per CPU-second (the per-core figure).
//   openssl-ctr: `openssl enc -aes-256-ctr` on the same file, as the issue's reference point.
//   memory:     peak RSS of a fresh process encrypting the file vs a 16 MiB file (flat).
import { spawnSync } from "node:child_process";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { copyFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildManifest,
  decryptFile,
  encryptFile,
  generateSigningKey,
  keyVerifier,
  loadPrivateKey,
  loadPublicKey,
  signModel,
  verifyModel,
} from "../dist/artifacts/index.js";

const MB = 1024 * 1024;
const FILES = Number(process.env.BENCH_FILES ?? 8);
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 128);
const ENC_MB = Number(process.env.BENCH_ENC_MB ?? 512);

const dir = mkdtempSync(join(tmpdir(), "mlsec-bench-artifacts-"));
const model = join(dir, "model");
mkdirSync(model);

function line(name, baseline, mlsecMBs, baselineMBs, extra = {}) {
  console.log(
    JSON.stringify({
      bench: "artifacts",
      case: name,
      baseline,
      mlsecMBs: Number(mlsecMBs.toFixed(1)),
      baselineMBs: Number(baselineMBs.toFixed(1)),
      ratio: Number((mlsecMBs / baselineMBs).toFixed(3)),
      loadavg1m: Number(loadavg()[0].toFixed(1)),
      ...extra,
    }),
  );
}

const REPS = Number(process.env.BENCH_REPS ?? 3);

/** Best of REPS runs, in seconds (the machine may be shared: the minimum is the least noisy). */
async function time(f) {
  return (await timeWithCpu(f)).wall;
}

/**
 * Best wall time and best CPU time (user + system of this process, main thread and libuv pool)
 * of REPS runs, in seconds: MB per CPU-second is the "per core" figure, less sensitive to other
 * processes on a shared machine than wall time.
 */
async function timeWithCpu(f) {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPS; i++) {
    const usage = process.cpuUsage();
    const t = performance.now();
    await f();
    wall = Math.min(wall, (performance.now() - t) / 1000);
    const used = process.cpuUsage(usage);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { wall, cpu };
}

function streamHash(path) {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path, { highWaterMark: MB })
      .on("data", (c) => h.update(c))
      .on("end", () => resolve(h.digest("hex")))
      .on("error", reject);
  });
}

try {
  const chunk = randomBytes(FILE_MB * MB);
  const paths = [];
  for (let i = 0; i < FILES; i++) {
    chunk[0] = i; // distinct files
    const p = join(model, `shard-${i}.bin`);
    writeFileSync(p, chunk);
    paths.push(p);
  }
  const totalMB = FILES * FILE_MB;
  await buildManifest(model, { workers: 0 }); // warm the page cache

  const sha = await time(async () => {
    const r = spawnSync("sha256sum", paths, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
  });
  const shaMBs = totalMB / sha;
  // openssl dgst uses the CPU's SHA extensions like node:crypto does; coreutils may not.
  const dgst = await time(async () => {
    const r = spawnSync("openssl", ["dgst", "-sha256", ...paths], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl dgst failed: ${r.stderr}`);
  });
  const dgstMBs = totalMB / dgst;
  for (const workers of [0, 1, 2]) {
    const s = await time(() => buildManifest(model, { workers }));
    line(`hash-workers-${workers}`, "sha256sum", totalMB / s, shaMBs, { totalMB, files: FILES });
    line(`hash-workers-${workers}-vs-openssl`, "openssl dgst -sha256", totalMB / s, dgstMBs, {
      totalMB,
    });
  }
  // Signing and verifying a model: dominated by hashing (ratio = hash time / sign time).
  const signer = generateSigningKey("ecdsa-p256");
  const privateKey = loadPrivateKey(Buffer.from(signer.privatePem));
  const sigPath = join(dir, "model.sig");
  const hashS = await time(() => buildManifest(model, { workers: 2 }));
  const signS = await time(async () => {
    const { bundle } = await signModel(model, { privateKey, workers: 2 });
    writeFileSync(sigPath, JSON.stringify(bundle));
  });
  const verifier = keyVerifier(loadPublicKey(Buffer.from(signer.publicPem)));
  const verifyS = await time(() =>
    verifyModel(model, { signaturePath: sigPath, verifier, workers: 2 }),
  );
  line("sign-vs-hash", "hash only (2 workers)", totalMB / signS, totalMB / hashS, { totalMB });
  line("verify-vs-hash", "hash only (2 workers)", totalMB / verifyS, totalMB / hashS, { totalMB });

  // Concurrent streams on one thread: I/O overlaps but hashing stays on the main thread.
  const concurrent = await time(async () => {
    for (let i = 0; i < paths.length; i += 2)
      await Promise.all(paths.slice(i, i + 2).map(streamHash));
  });
  line("hash-2-streams-main-thread", "sha256sum", totalMB / concurrent, shaMBs, { totalMB });

  // Encryption of one large file.
  const plain = join(dir, "plain.bin");
  const big = Buffer.alloc(ENC_MB * MB);
  for (let i = 0; i < ENC_MB; i++) chunk.copy(big, i * MB, 0, MB);
  writeFileSync(plain, big);
  const key = { kind: "key", key: randomBytes(32) };
  const copyS = await time(() => copyFile(plain, join(dir, "copy.bin")));
  // The crypto alone: the same 1 MiB segments sealed in memory, no file I/O.
  const gcm = await timeWithCpu(async () => {
    const k = randomBytes(32);
    for (let at = 0; at < big.length; at += MB) {
      const c = createCipheriv("aes-256-gcm", k, randomBytes(12));
      c.update(big.subarray(at, at + MB));
      c.final();
      c.getAuthTag();
    }
  });
  const gcmS = gcm.wall;
  const enc = await timeWithCpu(() => encryptFile(plain, join(dir, "plain.enc"), { key }));
  const dec = await timeWithCpu(() =>
    decryptFile(join(dir, "plain.enc"), join(dir, "plain.dec"), { key }),
  );
  const encS = enc.wall;
  const decS = dec.wall;
  if (!readFileSync(join(dir, "plain.dec")).equals(big)) throw new Error("round trip failed");
  line("encrypt", "fs.copyFile", ENC_MB / encS, ENC_MB / copyS, { sizeMB: ENC_MB });
  line("encrypt-vs-gcm-in-memory", "node:crypto gcm in memory", ENC_MB / encS, ENC_MB / gcmS, {
    sizeMB: ENC_MB,
  });
  line("decrypt", "fs.copyFile", ENC_MB / decS, ENC_MB / copyS, { sizeMB: ENC_MB });
  line("decrypt-vs-gcm-in-memory", "node:crypto gcm in memory", ENC_MB / decS, ENC_MB / gcmS, {
    sizeMB: ENC_MB,
  });
  // Per core: MB per CPU-second of the whole process (file I/O included) vs the bare cipher.
  for (const [name, t] of [
    ["encrypt-per-cpu-second", enc],
    ["decrypt-per-cpu-second", dec],
  ]) {
    line(name, "node:crypto gcm in memory, per CPU-second", ENC_MB / t.cpu, ENC_MB / gcm.cpu, {
      sizeMB: ENC_MB,
    });
  }
  const ctr = spawnSync(
    "openssl",
    [
      "enc",
      "-aes-256-ctr",
      "-K",
      "00".repeat(32),
      "-iv",
      "00".repeat(16),
      "-in",
      plain,
      "-out",
      join(dir, "ctr.bin"),
    ],
    { encoding: "utf8" },
  );
  if (ctr.status === 0) {
    const ctrS = await time(async () => {
      spawnSync("openssl", [
        "enc",
        "-aes-256-ctr",
        "-K",
        "00".repeat(32),
        "-iv",
        "00".repeat(16),
        "-in",
        plain,
        "-out",
        join(dir, "ctr.bin"),
      ]);
    });
    line("encrypt-vs-openssl-ctr", "openssl enc -aes-256-ctr", ENC_MB / encS, ENC_MB / ctrS, {
      sizeMB: ENC_MB,
    });
  }
  // Peak RSS of a fresh process encrypting a small and a large file: flat in file size.
  const small = join(dir, "small.bin");
  writeFileSync(small, big.subarray(0, 16 * MB));
  const maxRss = (input) => {
    const code = `import { encryptFile } from ${JSON.stringify(new URL("../dist/artifacts/index.js", import.meta.url).href)};
      let peak = process.memoryUsage().rss;
      const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
      await encryptFile(${JSON.stringify(input)}, ${JSON.stringify(`${input}.enc`)}, { key: { kind: "key", key: Buffer.alloc(32, 1) } });
      clearInterval(timer);
      console.log(Math.max(peak, process.memoryUsage().rss));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout.trim()) / MB;
  };
  console.log(
    JSON.stringify({
      bench: "artifacts",
      case: "encrypt-memory",
      baseline: "16 MiB file",
      peakRssMB: Number(maxRss(plain).toFixed(1)),
      baselinePeakRssMB: Number(maxRss(small).toFixed(1)),
      sizeMB: ENC_MB,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
