// mlsec serve under load (autocannon, loopback, bounded in time). Two gateways run as real
// `mlsec serve --config` processes in the same run: all defences off (anonymous, no rate
// limit, no detection, no audit file, raw logits) versus all on (API key, rate limit,
// query-stream detection in flag mode, JSONL audit, top-k rounded output); requests are
// one digits test image each, cycling over 200 images. The ratio of throughputs is the cost
// of the defences. Then an overload case: 2x the measured sustainable rate for 30 s against a
// gateway whose per-client limit is the sustainable rate, counting 429s, timeouts, server
// memory and audit records against answered requests. Run `npm run build` first.
// Prints one JSON line per case. Environment: MLSEC_BENCH_SECONDS (default 10) per
// throughput case, MLSEC_BENCH_OVERLOAD_SECONDS (default 30).
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { loadDataset } from "../dist/data/index.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const SECONDS = Number(process.env.MLSEC_BENCH_SECONDS ?? 10);
const OVERLOAD_SECONDS = Number(process.env.MLSEC_BENCH_OVERLOAD_SECONDS ?? 30);
const CONNECTIONS = 16;
const work = mkdtempSync(join(tmpdir(), "mlsec-bench-serve-"));
const key = `mlsec_${randomBytes(32).toString("base64url")}`;
const sha256 = createHash("sha256").update(key).digest("hex");

const test = await loadDataset(join(ROOT, "examples/data/digits-test.npz"));
const bodies = Array.from({ length: 200 }, (_, i) =>
  JSON.stringify({ inputs: [Array.from(test.x.data.subarray(i * 784, (i + 1) * 784))] }),
);

const model = { name: "digits", path: join(ROOT, "examples/models/digits-cnn.onnx") };
const batching = { maxBatchSize: 32, maxDelayMs: 1, workers: 1, maxQueueRows: 256 };

function config(on, rowsPerSecond, audit) {
  return {
    server: { host: "127.0.0.1", port: 0 },
    models: [
      {
        ...model,
        batching,
        output: on ? { mode: "top-k", topK: 3, round: 3 } : { mode: "logits" },
      },
    ],
    auth: on ? { apiKeys: [{ id: "bench", sha256 }] } : { anonymous: true },
    rateLimit: { rowsPerSecond, burst: Math.max(1, Math.round(rowsPerSecond / 10)) },
    detection: on
      ? {
          mode: "flag",
          queryStream: {
            calibrationData: join(ROOT, "examples/data/digits-train.npz"),
            calibrationSamples: 1000,
          },
        }
      : { mode: "off" },
    audit: audit === undefined ? {} : { file: audit, flushIntervalMs: 250 },
  };
}

async function startGateway(name, cfg) {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  const child = spawn(process.execPath, [CLI, "serve", "--config", file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && out.includes("Ctrl-C")) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`gateway ${name} exited ${code}: ${err}`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url,
    pid: child.pid,
    stderr: () => err,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

function load(url, options, withKey = true) {
  const headers = { "content-type": "application/json", ...(withKey ? { "x-api-key": key } : {}) };
  return autocannon({
    url: `${url}/v1/models/digits/predict`,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    requests: bodies.map((body) => ({ method: "POST", body, headers })),
    ...options,
  });
}

function summary(r) {
  return {
    requestsPerSecond: Math.round(r.requests.average * 10) / 10,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok2xx: r["2xx"],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

function print(record) {
  console.log(JSON.stringify(record));
}

// Both gateways run side by side; rounds alternate off/on so background load on this shared
// machine hits both alike. Each gateway is warmed up (worker threads, JIT) first.
const off = await startGateway("off", config(false, 1e9));
const onAudit = join(work, "on-audit.jsonl");
const on = await startGateway("on", config(true, 1e9, onAudit));
await load(off.url, { duration: 2 }, false);
await load(on.url, { duration: 2 });
const ROUNDS = 3;
const runs = { off: [], on: [] };
for (let round = 0; round < ROUNDS; round++) {
  runs.off.push(await load(off.url, { duration: SECONDS / ROUNDS }, false));
  runs.on.push(await load(on.url, { duration: SECONDS / ROUNDS }));
}
await off.stop();
await on.stop();

function merged(results) {
  const total = results.reduce((s, r) => s + r["2xx"] + r.non2xx, 0);
  const seconds = results.reduce((s, r) => s + r.duration, 0);
  const median = (key) => results.map((r) => r.latency[key]).sort((a, b) => a - b)[1];
  return {
    requestsPerSecond: Math.round((total / seconds) * 10) / 10,
    p50Ms: median("p50"),
    p99Ms: median("p99"),
    ok2xx: results.reduce((s, r) => s + r["2xx"], 0),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
  };
}
const offResult = merged(runs.off);
const onResult = merged(runs.on);
const common = { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS };
print({ case: "serve defences off", ...common, ...offResult });
print({
  case: "serve defences on",
  ...common,
  ...onResult,
  throughputRatio:
    Math.round((onResult.requestsPerSecond / offResult.requestsPerSecond) * 1000) / 1000,
  costPercent:
    Math.round((1 - onResult.requestsPerSecond / offResult.requestsPerSecond) * 1000) / 10,
});

// Overload: 2x what the defended gateway sustained, against a per-client limit at that rate.
const sustainable = Math.max(1, Math.floor(onResult.requestsPerSecond));
const overAudit = join(work, "overload-audit.jsonl");
const over = await startGateway("overload", config(true, sustainable, overAudit));
const rssBefore = rssKiB(over.pid);
let rssMax = rssBefore;
const sampler = setInterval(() => {
  rssMax = Math.max(rssMax, rssKiB(over.pid));
}, 500);
const overResult = await load(over.url, {
  duration: OVERLOAD_SECONDS,
  connections: 64,
  overallRate: 2 * sustainable,
});
clearInterval(sampler);
rssMax = Math.max(rssMax, rssKiB(over.pid));
await over.stop();
const audited = readFileSync(overAudit, "utf8")
  .trim()
  .split("\n")
  .filter((l) => l !== "");
const decisions = {};
for (const line of audited) {
  const d = JSON.parse(line).decision;
  decisions[d] = (decisions[d] ?? 0) + 1;
}
const answered = overResult["2xx"] + overResult.non2xx;
print({
  case: "serve overload 2x",
  offeredRate: 2 * sustainable,
  limitRowsPerSecond: sustainable,
  seconds: OVERLOAD_SECONDS,
  ...summary(overResult),
  status429: overResult.statusCodeStats?.["429"]?.count ?? 0,
  status503: overResult.statusCodeStats?.["503"]?.count ?? 0,
  answered,
  auditRecords: audited.length,
  auditDecisions: decisions,
  // Requests still in flight when autocannon stops are answered and audited but not counted
  // by autocannon, so the audit may hold a few more records than `answered`.
  everyAnsweredRequestAudited: audited.length >= answered,
  rssBeforeMiB: Math.round(rssBefore / 1024),
  rssMaxMiB: Math.round(rssMax / 1024),
});
