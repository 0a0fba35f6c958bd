// Artifact benchmark (run `npm run build` first). One JSON line per case; every case compares
// against a baseline measured in the same run on the same files, ratio = mlsec MB/s / baseline
// MB/s (> 1: mlsec faster). Files are in the page cache (a warm-up pass reads them first);
// each timing is the best of BENCH_REPS runs (default 3).
//   hash-*:     SHA-256 manifest of a model directory (BENCH_FILES files of BENCH_FILE_MB MiB)
//               with 0 (main thread), 1 and 2 worker threads, and 2 concurrent streams on the
//               main thread, vs `sha256sum` over the same files (one process, sequential).
//   encrypt / decrypt: streaming AES-256-GCM of one BENCH_ENC_MB MiB file vs a plain file copy
//               (fs.copyFile) and vs node:crypto AES-256-GCM over one in-memory buffer.
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
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildManifest, decryptFile, encryptFile } from "../dist/artifacts/index.js";

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
      ...extra,
    }),
  );
}

const REPS = Number(process.env.BENCH_REPS ?? 3);

/** Best of REPS runs, in seconds (the machine may be shared: the minimum is the least noisy). */
async function time(f) {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    await f();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
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
  for (const workers of [0, 1, 2]) {
    const s = await time(() => buildManifest(model, { workers }));
    line(`hash-workers-${workers}`, "sha256sum", totalMB / s, shaMBs, { totalMB, files: FILES });
  }
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
  const gcmS = await time(async () => {
    const c = createCipheriv("aes-256-gcm", randomBytes(32), randomBytes(12));
    c.update(big);
    c.final();
    c.getAuthTag();
  });
  const encS = await time(() => encryptFile(plain, join(dir, "plain.enc"), { key }));
  const decS = await time(() =>
    decryptFile(join(dir, "plain.enc"), join(dir, "plain.dec"), { key }),
  );
  if (!readFileSync(join(dir, "plain.dec")).equals(big)) throw new Error("round trip failed");
  line("encrypt", "fs.copyFile", ENC_MB / encS, ENC_MB / copyS, { sizeMB: ENC_MB });
  line("encrypt-vs-gcm-one-buffer", "node:crypto gcm, one buffer", ENC_MB / encS, ENC_MB / gcmS, {
    sizeMB: ENC_MB,
  });
  line("decrypt", "fs.copyFile", ENC_MB / decS, ENC_MB / copyS, { sizeMB: ENC_MB });
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
      await encryptFile(${JSON.stringify(input)}, ${JSON.stringify(`${input}.enc`)}, { key: { kind: "key", key: Buffer.alloc(32, 1) } });
      console.log(process.resourceUsage().maxRSS);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout.trim()) / 1024;
  };
  console.log(
    JSON.stringify({
      bench: "artifacts",
      case: "encrypt-memory",
      baseline: "16 MiB file",
      maxRssMB: Number(maxRss(plain).toFixed(1)),
      baselineMaxRssMB: Number(maxRss(small).toFixed(1)),
      sizeMB: ENC_MB,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
