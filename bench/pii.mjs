// PII benchmark (run `npm run build` first). One JSON line per case.
//   quality-*:  span precision/recall/F1/F2 on presidio-research's synth_dataset_v2 (1,500 texts,
//               ../shared/data/pii), Presidio's label mapping, char IoU >= 0.5 and >= 0.9; the
//               baseline is Presidio's published result on the same file (default spaCy engine:
//               P 0.685 / R 0.603 / F2 0.618; transformers setup: 0.870 / 0.839 / 0.845),
//               ratio = mlsec F2 / baseline F2.
//               Next to the overall scores, heldOut: the same on the records of odd template_id
//               (the half never looked at while writing rules).
//   throughput-*: `analyze` over the same texts (docs/s, after ten warm-up passes) and over BENCH_MB MiB of English text
//               built from them (MB/s), vs a plain regex pass (email + digit runs) over the same
//               text in the same run; ratio = mlsec MB/s / baseline MB/s. Best of BENCH_REPS,
//               in CPU time of the process (mlsecMBs, baselineMBs) and in wall time
//               (mlsecWallMBs, baselineWallMBs).
//   throughput-readmes: the same over ordinary English prose — the README.md files of the installed
//               packages (node_modules, sorted by path, up to BENCH_MB MiB).
//   cli-readmes: `mlsec pii detect FILE --format json` end to end, in a child process, on files of
//               BENCH_CLI_MB and twice BENCH_CLI_MB MiB of the README prose (copies with shifted
//               digits): MB/s of the whole run on the larger file in CPU and wall time (cliMBs,
//               cliWallMBs), the CPU time of a run on a one-line file (startupCpuS), the rate once
//               started and warmed up (steadyMBs: the extra MiB over the extra CPU time of the
//               larger file) and what is left over as fixed cost (fixedCpuS: start-up, loading
//               the word lists, compiling hot code); baseline as above. With BENCH_CLI_HUGE=1, also
//               one run on ten times BENCH_CLI_MB MiB (hugeMBs, hugeWallMBs: CPU and wall time;
//               hugeRatio = hugeMBs / baselineMBs), and
//               with BENCH_CLI_JOBS=N one more with --jobs N (jobsMBs, jobsWallMBs, and
//               jobsWallSpeedup: wall time of one thread over wall time of N).
//   anonymize:  replace operator end to end (detect + rewrite), MB/s, same baseline.
//   recognizers-{text,readmes}: CPU ms per MB of each recognizer's detect() alone (a scan it
//               shares with others through a per-text cache counted in each), the phone
//               recognizer also with a cold number memo, and the analyzer's own work (context
//               words, overlaps, offsets: analyze over replayed findings).
// BENCH_BEFORE=path/to/an/older/dist/pii/index.js also times that build on the same text in the
// same run, interleaved with this one (afterMBs, beforeMBs, speedup = after / before).
// The long texts are not one text repeated: every copy shifts its digits, so per-value caches
// (phone-number validity) see as many distinct numbers as real data would.
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  analyze,
  anonymizeText,
  DEFAULT_RECOGNIZERS,
  evaluateSpans,
  fromPresidioDataset,
  makePhoneRecognizer,
  PRESIDIO_LABEL_MAP,
} from "../dist/pii/index.js";

const previous =
  process.env.BENCH_BEFORE === undefined
    ? undefined
    : await import(pathToFileURL(resolve(process.env.BENCH_BEFORE)).href);
const MB = 1024 * 1024;
const REPS = Number(process.env.BENCH_REPS ?? 3);
const TARGET_MB = Number(process.env.BENCH_MB ?? 8);
const dataPath = fileURLToPath(
  new URL("../../shared/data/pii/synth_dataset_v2.json", import.meta.url),
);

let data;
let heldOut;
try {
  const raw = JSON.parse(readFileSync(dataPath, "utf8"));
  data = fromPresidioDataset(raw);
  heldOut = fromPresidioDataset(raw.filter((d) => d.template_id % 2 === 1));
} catch {
  console.log(JSON.stringify({ bench: "pii", skipped: `${dataPath} is absent` }));
  process.exit(0);
}

const r3 = (x) => Math.round(x * 1000) / 1000;
const emit = (o) => console.log(JSON.stringify({ bench: "pii", ...o }));

const typeScores = (r) =>
  Object.fromEntries(
    Object.entries(r.perType).map(([t, s]) => [
      t,
      {
        p: r3(s.precision),
        r: r3(s.recall),
        f1: r3(s.f1),
        f2: r3(s.f2),
        tp: s.truePositives,
        fp: s.falsePositives,
        fn: s.falseNegatives,
      },
    ]),
  );
const overallScores = (r) => ({
  p: r3(r.overall.precision),
  r: r3(r.overall.recall),
  f1: r3(r.overall.f1),
  f2: r3(r.overall.f2),
});

for (const iou of [0.5, 0.9]) {
  const options = { labelMap: PRESIDIO_LABEL_MAP, iouThreshold: iou };
  const r = evaluateSpans(data, (t) => analyze(t), options);
  const h = evaluateSpans(heldOut, (t) => analyze(t), options);
  const perType = typeScores(r);
  for (const [name, base] of [
    ["presidio-spacy", { p: 0.685, r: 0.603, f2: 0.618 }],
    ["presidio-transformers", { p: 0.87, r: 0.839, f2: 0.845 }],
  ]) {
    emit({
      case: `quality-iou${iou}`,
      baseline: name,
      mlsec: overallScores(r),
      baselineScores: base,
      ratio: r3(r.overall.f2 / base.f2),
      ...(name === "presidio-spacy" ? { perType } : {}),
      heldOut: {
        records: heldOut.length,
        ...overallScores(h),
        ...(name === "presidio-spacy" ? { perType: typeScores(h) } : {}),
      },
    });
  }
}

// CPU seconds of this process (user + system): on a shared machine other jobs stretch wall time
// by whatever they take, CPU time far less. Best of REPS. `bestTimes` also keeps the best wall
// time.
function bestTimes(fn) {
  let cpu = Infinity;
  let wall = Infinity;
  for (let i = 0; i < REPS; i++) {
    const w = performance.now();
    const s = process.cpuUsage();
    fn();
    const d = process.cpuUsage(s);
    cpu = Math.min(cpu, (d.user + d.system) / 1e6);
    wall = Math.min(wall, (performance.now() - w) / 1e3);
  }
  return { cpu, wall };
}
const best = (fn) => bestTimes(fn).cpu;

/** The throughput fields of one case: CPU and wall MB/s of mlsec and of the naive baseline. */
function speeds(mb, mlsec, baseline) {
  return {
    mlsecMBs: r3(mb / mlsec.cpu),
    mlsecWallMBs: r3(mb / mlsec.wall),
    baselineMBs: r3(mb / baseline.cpu),
    baselineWallMBs: r3(mb / baseline.wall),
    ratio: r3(baseline.cpu / mlsec.cpu),
  };
}

/**
 * CPU ms per MB of each recognizer's detect() over `parts`, of the phone recognizer with a fresh
 * number memo each round, and of the analyzer's own work: analyze() over recognizers that replay
 * the findings computed beforehand.
 */
function recognizerCosts(parts, mb) {
  const perMB = (seconds) => r3((seconds * 1000) / mb);
  const costs = {};
  for (const r of DEFAULT_RECOGNIZERS) {
    costs[r.name] = perMB(
      best(() => {
        for (const p of parts) r.detect(p);
      }),
    );
  }
  costs["phone-cold-memo"] = perMB(
    best(() => {
      const phone = makePhoneRecognizer();
      for (const p of parts) phone.detect(p);
    }),
  );
  const replays = parts.map((p) =>
    DEFAULT_RECOGNIZERS.map((r) => {
      const found = r.detect(p);
      return { name: r.name, entities: r.entities, detect: () => found };
    }),
  );
  costs.analyzer = perMB(
    best(() => {
      for (let i = 0; i < parts.length; i++) analyze(parts[i], { recognizers: replays[i] });
    }),
  );
  return costs;
}

// Baseline: what a naive scanner does — one pass of two simple regexes.
const NAIVE = [/[\w.+-]+@[\w-]+\.[\w.]+/g, /\d[\d -]{6,}\d/g];
function naive(text) {
  let n = 0;
  for (const re of NAIVE) {
    re.lastIndex = 0;
    while (re.exec(text) !== null) n++;
  }
  return n;
}

const texts = data.map((d) => d.text);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
// Load the word lists and metadata, and warm the code up: a pass over 1,500 short texts is too
// short for the JIT to finish, and the steady rate is what this case reports (the cli case
// reports start-up and warm-up apart).
for (let pass = 0; pass < 10; pass++) for (const t of texts) analyze(t);
const tDocs = bestTimes(() => {
  for (const t of texts) analyze(t);
});
const tDocsBase = bestTimes(() => {
  for (const t of texts) naive(t);
});
emit({
  case: "throughput-docs",
  docs: texts.length,
  mb: r3(bytes / MB),
  mlsecDocsPerSec: Math.round(texts.length / tDocs.cpu),
  ...speeds(bytes / MB, tDocs, tDocsBase),
});

// One long English document: the benchmark sentences joined by newlines, repeated with shifted
// digits.
const joined = texts.join("\n");
const copies = Math.max(1, Math.round((TARGET_MB * MB) / Buffer.byteLength(joined)));
const big = Array.from({ length: copies }, (_, c) =>
  joined.replace(/\d/g, (d) => String((Number(d) + c) % 10)),
).join("\n");
const bigMB = Buffer.byteLength(big) / MB;
// Analyse in 1 MiB pieces cut at line ends, as the CLI streams plain text.
const pieces = [];
for (let pos = 0; pos < big.length; ) {
  let end = Math.min(big.length, pos + MB);
  if (end < big.length) end = big.indexOf("\n", end) + 1 || big.length;
  pieces.push(big.slice(pos, end));
  pos = end;
}
/**
 * This build against an older one (BENCH_BEFORE) on the same pieces: BENCH_REPS interleaved
 * rounds, the order alternating, each round on the pieces with their digits shifted once more, so
 * neither build's number memo sees a value twice; best round of each.
 */
function beforeFields(parts, mb) {
  if (previous === undefined) return {};
  previous.analyze(parts[0].slice(0, 1000));
  let now = Infinity;
  let before = Infinity;
  for (let round = 0; round < REPS; round++) {
    const shifted = parts.map((p) => p.replace(/\d/g, (d) => String((Number(d) + round + 1) % 10)));
    const timeOf = (build) =>
      best1(() => {
        for (const p of shifted) build.analyze(p);
      });
    if (round % 2 === 0) {
      now = Math.min(now, timeOf({ analyze }));
      before = Math.min(before, timeOf(previous));
    } else {
      before = Math.min(before, timeOf(previous));
      now = Math.min(now, timeOf({ analyze }));
    }
  }
  return { afterMBs: r3(mb / now), beforeMBs: r3(mb / before), speedup: r3(before / now) };
}
function best1(fn) {
  const s = process.cpuUsage();
  fn();
  const d = process.cpuUsage(s);
  return (d.user + d.system) / 1e6;
}
const tBig = bestTimes(() => {
  for (const p of pieces) analyze(p);
});
const tBigBase = bestTimes(() => naive(big));
emit({
  case: "throughput-text",
  mb: r3(bigMB),
  ...speeds(bigMB, tBig, tBigBase),
  ...beforeFields(pieces, bigMB),
});
const tAnon = bestTimes(() => {
  for (const p of pieces) anonymizeText(p, {});
});
emit({
  case: "anonymize-replace",
  mb: r3(bigMB),
  ...speeds(bigMB, tAnon, tBigBase),
});
emit({ case: "recognizers-text", mb: r3(bigMB), msPerMB: recognizerCosts(pieces, bigMB) });

// Ordinary English (technical prose with some code, URLs and e-mail addresses): READMEs.
function readmes(dir, out, budget) {
  let entries;
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (out.bytes >= budget) return;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) readmes(p, out, budget);
    else if (name === "README.md" && st.size > 2048) {
      const t = readFileSync(p, "utf8");
      out.parts.push(t);
      out.bytes += Buffer.byteLength(t);
    }
  }
}
const corpus = { parts: [], bytes: 0 };
readmes(fileURLToPath(new URL("../node_modules", import.meta.url)), corpus, TARGET_MB * MB);
if (corpus.bytes > 0) {
  const prose = corpus.parts.join("\n");
  const proseMB = Buffer.byteLength(prose) / MB;
  const prosePieces = [];
  for (let pos = 0; pos < prose.length; ) {
    let end = Math.min(prose.length, pos + MB);
    if (end < prose.length) end = prose.indexOf("\n", end) + 1 || prose.length;
    prosePieces.push(prose.slice(pos, end));
    pos = end;
  }
  const tProse = bestTimes(() => {
    for (const p of prosePieces) analyze(p);
  });
  const tProseBase = bestTimes(() => naive(prose));
  emit({
    case: "throughput-readmes",
    mb: r3(proseMB),
    files: corpus.parts.length,
    ...speeds(proseMB, tProse, tProseBase),
    ...beforeFields(prosePieces, proseMB),
  });
  emit({
    case: "recognizers-readmes",
    mb: r3(proseMB),
    msPerMB: recognizerCosts(prosePieces, proseMB),
  });
}

/**
 * The built CLI on `file` in a child process: its CPU seconds (user + system, read by a module
 * preloaded with --import at exit) and wall seconds.
 */
const CLI_MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const CPU_AT_EXIT =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("cpu:"+JSON.stringify(process.cpuUsage())))';
function cliRun(file, extra = []) {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ["--import", CPU_AT_EXIT, CLI_MAIN, "pii", "detect", file, "--format", "json", ...extra],
    { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * MB },
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = /cpu:(\{.*\})/.exec(run.stderr.toString());
  if (run.status !== 0 || cpu === null) {
    throw new Error(`pii detect failed (${run.status}): ${run.stderr.toString().slice(0, 500)}`);
  }
  const usage = JSON.parse(cpu[1]);
  return { cpu: (usage.user + usage.system) / 1e6, wall };
}

if (corpus.bytes > 0) {
  const CLI_MB = Number(process.env.BENCH_CLI_MB ?? 20);
  const dir = mkdtempSync(join(tmpdir(), "mlsec-bench-pii-"));
  try {
    const prose = corpus.parts.join("\n");
    /** A file of about `mib` MiB of the prose; returns its size in MiB. */
    const proseFile = (file, mib) => {
      const copies = Math.max(1, Math.round((mib * MB) / Buffer.byteLength(prose)));
      let bytes = 0;
      writeFileSync(file, "");
      for (let c = 0; c < copies; c++) {
        const copy = `${c > 0 ? "\n" : ""}${prose.replace(/\d/g, (d) => String((Number(d) + c) % 10))}`;
        appendFileSync(file, copy);
        bytes += Buffer.byteLength(copy);
      }
      return bytes / MB;
    };
    const small = join(dir, "prose.txt");
    const large = join(dir, "prose2.txt");
    const tiny = join(dir, "tiny.txt");
    const smallMB = proseFile(small, CLI_MB);
    const largeMB = proseFile(large, 2 * CLI_MB);
    writeFileSync(tiny, "Ann Lee lives in Paris.\n");
    let huge;
    if (process.env.BENCH_CLI_HUGE === "1") {
      const hugeFile = join(dir, "prose10.txt");
      const hugeMB = proseFile(hugeFile, 10 * CLI_MB);
      const run = cliRun(hugeFile);
      huge = {
        hugeMB: r3(hugeMB),
        hugeMBs: r3(hugeMB / run.cpu),
        hugeWallMBs: r3(hugeMB / run.wall),
      };
      const jobs = Number(process.env.BENCH_CLI_JOBS ?? 1);
      if (jobs > 1) {
        const parallel = cliRun(hugeFile, ["--jobs", String(jobs)]);
        Object.assign(huge, {
          jobs,
          jobsMBs: r3(hugeMB / parallel.cpu),
          jobsWallMBs: r3(hugeMB / parallel.wall),
          jobsWallSpeedup: r3(run.wall / parallel.wall),
        });
      }
      rmSync(hugeFile);
    }
    const best = { small: Infinity, large: Infinity, largeWall: Infinity, tiny: Infinity };
    for (let i = 0; i < REPS; i++) {
      best.small = Math.min(best.small, cliRun(small).cpu);
      const run = cliRun(large);
      best.large = Math.min(best.large, run.cpu);
      best.largeWall = Math.min(best.largeWall, run.wall);
      best.tiny = Math.min(best.tiny, cliRun(tiny).cpu);
    }
    const steady = (largeMB - smallMB) / (best.large - best.small);
    const largeText = readFileSync(large, "utf8");
    const base = bestTimes(() => naive(largeText));
    emit({
      case: "cli-readmes",
      mb: r3(largeMB),
      cliMBs: r3(largeMB / best.large),
      cliWallMBs: r3(largeMB / best.largeWall),
      startupCpuS: r3(best.tiny),
      steadyMBs: r3(steady),
      fixedCpuS: r3(best.large - largeMB / steady),
      ...huge,
      baselineMBs: r3(largeMB / base.cpu),
      ratio: r3(base.cpu / best.large),
      ...(huge === undefined ? {} : { hugeRatio: r3(huge.hugeMBs / (largeMB / base.cpu)) }),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
