// Registry over HTTP on loopback: 50 parallel pushes of distinct versions of one model and 500
// parallel pulls, checked for lost or duplicated versions, byte-exact pulls and an intact audit
// chain. Baseline in the same run: the same publishes and pulls called directly on the library
// one after another. SQLite always; PostgreSQL too when MLSEC_BENCH_PG is set (or the local
// server at postgres://postgres@127.0.0.1:5432/test answers). Run `npm run build` first.
// Prints one JSON line per case.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createRng } from "../dist/core/index.js";
import { buildMlp } from "../dist/onnx/architectures/index.js";
import { saveModel } from "../dist/onnx/index.js";
import {
  createRegistryServer,
  localBlobStore,
  Registry,
  verifyAuditLog,
} from "../dist/registry/index.js";
import { openStore, parseStoreUrl } from "../dist/store/index.js";

const PUSHES = 50;
const PULLS = 500;
const PG_URL = process.env.MLSEC_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test";

const work = mkdtempSync(join(tmpdir(), "mlsec-bench-registry-"));
const sha = (b) => createHash("sha256").update(b).digest("hex");

/** Distinct small ONNX MLPs (different seeds): each scans safe and hashes differently. */
async function makeModels(prefix, n, seed0) {
  const dir = join(work, prefix);
  mkdirSync(dir);
  const paths = [];
  for (let i = 0; i < n; i++) {
    const model = buildMlp({
      inputShape: [4],
      numClasses: 3,
      hidden: [8],
      rng: createRng(seed0 + i),
    });
    const path = join(dir, `m${i}.onnx`);
    await saveModel(path, model);
    paths.push(path);
  }
  return paths;
}

async function postgresUp() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function openBackend(name) {
  if (name === "sqlite") {
    return { store: await openStore(parseStoreUrl(join(work, "reg.db"))), drop: async () => {} };
  }
  const schema = `mlsec_bench_${randomBytes(4).toString("hex")}`;
  const store = await openStore(parseStoreUrl(`${PG_URL}?schema=${schema}`));
  return {
    store,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

async function run(backend) {
  const { store, drop } = await openBackend(backend);
  const reg = await Registry.open(store, { blobs: localBlobStore(join(work, `blobs-${backend}`)) });
  await reg.init("alice");
  await reg.grant("alice", "pat", "publisher");
  await reg.grant("alice", "bob", "reader");
  const pat = (await reg.createToken("pat")).token;
  const bob = (await reg.createToken("bob")).token;
  const server = await createRegistryServer({ registry: reg });
  const base = await server.listen(0);
  try {
    // Baseline: library calls one after another (no HTTP, no concurrency).
    const direct = await makeModels(`direct-${backend}`, PUSHES, 1000);
    let t = performance.now();
    for (const path of direct) {
      const r = await reg.publish("pat", { model: "direct", path });
      if (r.status !== "published") throw new Error(`baseline publish rejected: ${r.reasons}`);
    }
    const directPushMs = performance.now() - t;
    const pullDir = join(work, `pulls-${backend}`);
    mkdirSync(pullDir);
    t = performance.now();
    for (let i = 0; i < PULLS; i++) {
      await reg.pull("bob", `direct@${(i % PUSHES) + 1}`, join(pullDir, `p${i}.onnx`));
    }
    const directPullMs = performance.now() - t;

    // The same over HTTP one at a time: separates the cost of HTTP from that of concurrency.
    const sequential = await makeModels(`seq-${backend}`, PUSHES, 9000);
    t = performance.now();
    for (const [i, path] of sequential.entries()) {
      const r = await fetch(`${base}/v1/models/sequential/versions?filename=m${i}.onnx`, {
        method: "POST",
        headers: { authorization: `Bearer ${pat}`, "content-type": "application/octet-stream" },
        body: readFileSync(path),
      });
      if (r.status !== 201) throw new Error(`sequential push: ${r.status} ${await r.text()}`);
    }
    const sequentialPushMs = performance.now() - t;

    // 50 parallel pushes over HTTP, each a distinct model file.
    const files = await makeModels(`http-${backend}`, PUSHES, 5000);
    const bytes = files.map((f) => readFileSync(f));
    t = performance.now();
    const pushed = await Promise.all(
      bytes.map(async (body, i) => {
        const r = await fetch(`${base}/v1/models/fraud/versions?filename=m${i}.onnx`, {
          method: "POST",
          headers: { authorization: `Bearer ${pat}`, "content-type": "application/octet-stream" },
          body,
        });
        return { status: r.status, body: await r.json(), i };
      }),
    );
    const pushMs = performance.now() - t;
    const failed = pushed.filter((p) => p.status !== 201);
    if (failed.length > 0) throw new Error(`pushes failed: ${JSON.stringify(failed[0])}`);
    const numbers = pushed.map((p) => p.body.version.version).sort((a, b) => a - b);
    const noLostOrDuplicated = numbers.every((n, k) => n === k + 1);
    const shown = await reg.show("bob", "fraud");
    const stored = shown.versions.length === PUSHES && noLostOrDuplicated;
    const byVersion = new Map(pushed.map((p) => [p.body.version.version, sha(bytes[p.i])]));

    // 500 parallel pulls over HTTP, spread over the 50 versions, each checked byte for byte.
    t = performance.now();
    const pulled = await Promise.all(
      Array.from({ length: PULLS }, async (_, k) => {
        const v = (k % PUSHES) + 1;
        const r = await fetch(`${base}/v1/models/fraud/versions/${v}/blob`, {
          headers: { authorization: `Bearer ${bob}` },
        });
        const body = Buffer.from(await r.arrayBuffer());
        return r.status === 200 && sha(body) === byVersion.get(v);
      }),
    );
    const pullMs = performance.now() - t;
    const audit = await verifyAuditLog(store);
    const line = {
      bench: "registry",
      backend,
      pushes: PUSHES,
      pulls: PULLS,
      noLostOrDuplicatedVersion: stored,
      pullsByteExact: pulled.filter(Boolean).length,
      auditChainValid: audit.valid,
      auditEntries: audit.entries,
      httpParallelPushesPerSec: Math.round((PUSHES / pushMs) * 1000 * 10) / 10,
      httpParallelPullsPerSec: Math.round((PULLS / pullMs) * 1000),
      httpSequentialPushesPerSec: Math.round((PUSHES / sequentialPushMs) * 1000 * 10) / 10,
      directSequentialPublishesPerSec: Math.round((PUSHES / directPushMs) * 1000 * 10) / 10,
      directSequentialPullsPerSec: Math.round((PULLS / directPullMs) * 1000),
      pushRatioHttpParallelVsDirect: Math.round((directPushMs / pushMs) * 100) / 100,
      pullRatioHttpParallelVsDirect: Math.round((directPullMs / pullMs) * 100) / 100,
    };
    console.log(JSON.stringify(line));
    if (!stored || pulled.some((ok) => !ok) || !audit.valid) process.exitCode = 1;
  } finally {
    await server.close();
    await store.close();
    await drop();
  }
}

try {
  await run("sqlite");
  if (await postgresUp()) await run("postgres");
  else
    console.log(
      JSON.stringify({ bench: "registry", backend: "postgres", skipped: "not reachable" }),
    );
} finally {
  rmSync(work, { recursive: true, force: true });
}
