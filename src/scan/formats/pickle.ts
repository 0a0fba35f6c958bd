// Pickle streams: one pickle, or several in a row (legacy PyTorch: magic number, protocol,
// sys info, data, storage keys, then raw storage bytes; joblib; torch.save of several objects).
import type { ScanContext } from "../context.js";
import { pickleFindings } from "../pickle/findings.js";
import { tracePickle } from "../pickle/machine.js";
import type { PickleTrace } from "../pickle/trace.js";
import type { ByteSource } from "../source.js";

const MAX_PICKLES_PER_STREAM = 64;

/** Reads a whole pickle stream into memory, within the bound; false when it is too large. */
export function readPickleBytes(src: ByteSource, ctx: ScanContext): Uint8Array | undefined {
  if (src.size > ctx.limits.maxPickleBytes) {
    ctx.add(
      "invalid.limit",
      "medium",
      `pickle of ${src.size} bytes is over the ${ctx.limits.maxPickleBytes}-byte bound: not scanned`,
    );
    return undefined;
  }
  return src.read(0, src.size);
}

/**
 * Scans every pickle in the stream. The first must parse; later ones end at the first bytes
 * that are not a pickle (raw storage), but what such a partial pickle imports is still reported.
 */
export function scanPickleStream(
  bytes: Uint8Array,
  ctx: ScanContext,
  /** The first pickle's trace when the caller already has it (from detecting the format). */
  firstTrace?: PickleTrace,
): PickleTrace[] {
  const traces: PickleTrace[] = [];
  let offset = 0;
  while (offset < bytes.length && traces.length < MAX_PICKLES_PER_STREAM) {
    const trace =
      offset === 0 && firstTrace !== undefined
        ? firstTrace
        : tracePickle(bytes, offset, ctx.limits.pickle);
    traces.push(trace);
    const first = traces.length === 1;
    const findings = pickleFindings(trace, ctx.policy).filter(
      (f) => first || !f.ruleId.startsWith("invalid."),
    );
    for (const f of findings) {
      ctx.push({
        ...f,
        message: traces.length > 1 ? `pickle #${traces.length}: ${f.message}` : f.message,
      });
    }
    if (trace.status.kind !== "complete") break;
    offset = trace.end;
  }
  if (traces.length === MAX_PICKLES_PER_STREAM && offset < bytes.length) {
    ctx.add("invalid.limit", "medium", `more than ${MAX_PICKLES_PER_STREAM} pickles in one stream`);
  }
  return traces;
}

/**
 * Whether bytes without pickle magic (protocols 0 and 1) are a pickle: the first pickle parses
 * to its STOP opcode, or it imports and calls something before it breaks off (a truncated
 * payload still runs in a real unpickler up to the break).
 */
export function looksLikePickle(bytes: Uint8Array, ctx: ScanContext): boolean {
  const trace = tracePickle(bytes, 0, ctx.limits.pickle);
  if (trace.status.kind === "complete") return trace.opCount >= 2;
  return trace.imports.length > 0 && trace.calls.length > 0;
}
