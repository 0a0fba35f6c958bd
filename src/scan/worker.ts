// Worker-thread entry for parallel scans: scans the files it is sent, one at a time.
import { parentPort, workerData } from "node:worker_threads";
import { toMlsecError } from "../core/index.js";
import type { ScanLimits } from "./context.js";
import type { ScanPolicy } from "./rules/policy.js";
import { scanFile } from "./scan-file.js";

const { policy, limits } = workerData as { policy: ScanPolicy; limits: Partial<ScanLimits> };

parentPort?.on("message", (job: { index: number; path: string }) => {
  try {
    parentPort?.postMessage({ index: job.index, report: scanFile(job.path, { policy, limits }) });
  } catch (error) {
    const e = toMlsecError(error);
    parentPort?.postMessage({ index: job.index, error: { code: e.code, message: e.message } });
  }
});
