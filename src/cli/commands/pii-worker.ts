// A worker thread of `pii detect --jobs N`: analyses the batches of texts it is sent, each with the
// options it was started with, and answers with their findings packed into one Float64Array
// (typed arrays are handed over without a copy).

import { parentPort, workerData } from "node:worker_threads";
import { toMlsecError } from "../../core/errors.js";
import { type AnalyzeOptions, analyze } from "../../pii/analyzer.js";
import type { PackedFindings, WorkerAnswer, WorkerOptions } from "./pii-workers.js";

const { withText, ...options } = workerData as WorkerOptions;
const analyzeOptions: AnalyzeOptions = options;

function pack(texts: readonly string[]): PackedFindings {
  const types: string[] = [];
  const numbers: number[] = [];
  const strings: (string | undefined)[] = [];
  const counts: number[] = [];
  for (const text of texts) {
    const findings = analyze(text, analyzeOptions);
    counts.push(findings.length);
    for (const f of findings) {
      let type = types.indexOf(f.type);
      if (type < 0) type = types.push(f.type) - 1;
      numbers.push(type, f.start, f.end, f.score);
      strings.push(withText ? f.text : undefined, f.detail);
    }
  }
  return { types, counts, numbers: Float64Array.from(numbers), strings };
}

parentPort?.on("message", ({ id, texts }: { id: number; texts: string[] }) => {
  let answer: WorkerAnswer;
  try {
    answer = { id, findings: pack(texts) };
  } catch (error) {
    const e = toMlsecError(error);
    answer = { id, error: { code: e.code, message: e.message, hint: e.hint, details: e.details } };
  }
  const transfer = "findings" in answer ? [answer.findings.numbers.buffer as ArrayBuffer] : [];
  parentPort?.postMessage(answer, transfer);
});
