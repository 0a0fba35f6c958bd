import { SingleBar } from "cli-progress";
import type { ProgressEvent, ProgressListener } from "../core/index.js";

/**
 * A progress listener drawing one bar on stderr. It draws only when stderr is a terminal and
 * --quiet is off, so logs and CI output stay clean.
 */
export function createProgressBar(enabled: boolean): ProgressListener & { stop(): void } {
  if (!enabled || !process.stderr.isTTY) {
    return Object.assign((_event: ProgressEvent) => {}, { stop: () => {} });
  }
  let bar: SingleBar | undefined;
  let task = "";
  const draw = (event: ProgressEvent) => {
    if (bar === undefined || event.task !== task) {
      bar?.stop();
      task = event.task;
      bar = new SingleBar({
        stream: process.stderr,
        format: `${event.task} [{bar}] {value}/{total} {message}`,
        hideCursor: true,
        clearOnComplete: true,
      });
      bar.start(event.total, event.done, { message: event.message ?? "" });
    }
    bar.setTotal(event.total);
    bar.update(event.done, { message: event.message ?? "" });
  };
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return Object.assign(draw, { stop });
}
