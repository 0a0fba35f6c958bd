// Scans many files on worker threads (`--jobs N`); reports come back in input order.
import { Worker } from "node:worker_threads";
import { type ErrorCode, MlsecError, type ProgressListener } from "../core/index.js";
import { DEFAULT_POLICY } from "./rules/default-policy.js";
import {
  type FileReport,
  listFiles,
  type ScanOptions,
  type ScanResult,
  scanPaths,
  summarize,
} from "./scan-file.js";

type Reply =
  | { index: number; report: FileReport }
  | { index: number; error: { code: ErrorCode; message: string } };

export async function scanPathsParallel(
  paths: readonly string[],
  options: ScanOptions & { jobs: number; onProgress?: ProgressListener },
): Promise<ScanResult> {
  const files = listFiles(paths);
  const jobs = Math.min(options.jobs, files.length);
  if (jobs <= 1) return scanPaths(paths, options);
  const reports: FileReport[] = new Array(files.length);
  const workerUrl = new URL("./worker.js", import.meta.url);
  const workerData = { policy: options.policy ?? DEFAULT_POLICY, limits: options.limits ?? {} };
  const workers = Array.from({ length: jobs }, () => new Worker(workerUrl, { workerData }));
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker) => {
        if (next < files.length) {
          w.postMessage({ index: next, path: files[next] });
          next += 1;
        }
      };
      for (const w of workers) {
        w.on("message", (reply: Reply) => {
          if ("error" in reply) {
            reject(new MlsecError(reply.error.code, reply.error.message));
            return;
          }
          reports[reply.index] = reply.report;
          done += 1;
          options.onProgress?.({
            task: "scan",
            done,
            total: files.length,
            message: files[reply.index],
          });
          if (done === files.length) resolve();
          else feed(w);
        });
        w.on("error", reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { files: reports, summary: summarize(reports) };
}
