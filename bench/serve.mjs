// mlsec serve under load (autocannon, loopback, bounded in time). Two gateways run as real
// `mlsec serve --config` processes in the same run: all defences off (anonymous, no rate
// limit, no detection, no audit file, raw logits) versus all on (API key, rate limit,
// query-stream detection in flag mode, JSONL audit, top-k rounded output); requests are
// one digits test image each, cycling over 200 images. The ratio of throughputs is the cost
// of the defences; server CPU time per request (from /proc) gives the same ratio free of the
// noise other jobs put on throughput. Then an overload case: 2x the measured sustainable rate for 30 s against a
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

function config(on, rowsPerSecond, audit, detect = on) {
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
    detection: detect
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

/** CPU time (user + system, all threads) of a process so far, in ms (Linux /proc, 100 Hz). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
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

// Three gateways run side by side: defences off, on without attack detection, all on. Rounds
// rotate their order so background load on this shared machine hits all alike; each gateway is
// warmed up (worker threads, JIT) first.
const VARIANTS = {
  off: { gateway: await startGateway("off", config(false, 1e9)), key: false },
  "on-no-detection": {
    gateway: await startGateway("nodet", config(true, 1e9, join(work, "nodet.jsonl"), false)),
    key: true,
  },
  on: { gateway: await startGateway("on", config(true, 1e9, join(work, "on.jsonl"))), key: true },
};
const names = Object.keys(VARIANTS);
for (const name of names)
  await load(VARIANTS[name].gateway.url, { duration: 2 }, VARIANTS[name].key);
const ROUNDS = Math.max(3, Math.round(SECONDS / 3));
const runs = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const { gateway, key: withKey } = VARIANTS[name];
    const before = cpuMs(gateway.pid);
    const r = await load(gateway.url, { duration: 1 }, withKey);
    r.serverCpuMs = cpuMs(gateway.pid) - before;
    runs[name].push(r);
  }
}
for (const name of names) await VARIANTS[name].gateway.stop();

const rate = (r) => (r["2xx"] + r.non2xx) / r.duration;
const cpuPerRequest = (r) => r.serverCpuMs / (r["2xx"] + r.non2xx);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round3 = (x) => Math.round(x * 1000) / 1000;
const common = { connections: CONNECTIONS, rounds: ROUNDS, secondsPerRound: 1 };
for (const name of names) {
  const results = runs[name];
  const record = {
    case: `serve defences ${name}`,
    ...common,
    requestsPerSecond: Math.round(median(results.map(rate)) * 10) / 10,
    serverCpuMsPerRequest: round3(median(results.map(cpuPerRequest))),
    p50Ms: median(results.map((r) => r.latency.p50)),
    p99Ms: median(results.map((r) => r.latency.p99)),
    ok2xx: results.reduce((s, r) => s + r["2xx"], 0),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    timeouts: results.reduce((s, r) => s + r.timeouts, 0),
  };
  if (name !== "off") {
    // Per-round ratios against the "off" run of the same round, then the median. Throughput on
    // this shared machine swings with other jobs; server CPU time per request does not, and
    // bounds throughput when the gateway has the cores to itself.
    const ratios = results.map((r, i) => rate(r) / rate(runs.off[i]));
    const cpuRatio = median(results.map((r, i) => cpuPerRequest(r) / cpuPerRequest(runs.off[i])));
    Object.assign(record, {
      throughputRatio: round3(median(ratios)),
      throughputRatioRange: [round3(Math.min(...ratios)), round3(Math.max(...ratios))],
      cpuPerRequestRatio: round3(cpuRatio),
      cpuCostPercent: Math.round((1 - 1 / cpuRatio) * 1000) / 10,
    });
  }
  print(record);
}
const sustainableRate = median(runs.on.map(rate));

// Overload: 2x what the defended gateway sustained, against a per-client limit at that rate.
const sustainable = Math.max(1, Math.floor(sustainableRate));
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
