// safetensors (huggingface/safetensors README "Format"): u64 header length, JSON header of
// {name: {dtype, shape, data_offsets: [begin, end)}} and an optional string map __metadata__.
// Tensor bytes are never read: every check uses the header and the file size.
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
  C64: 8,
};

export function scanSafetensors(src: ByteSource, ctx: ScanContext): void {
  const n = Number(new DataView(src.read(0, 8).slice().buffer).getBigUint64(0, true));
  if (n > ctx.limits.maxHeaderBytes) {
    ctx.add("invalid.limit", "medium", `safetensors header of ${n} bytes is over the bound`);
    return;
  }
  let errors = 0;
  const bad = (message: string) => {
    errors += 1;
    ctx.add("invalid.safetensors", "low", message);
  };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(src.read(8, n)));
  } catch {
    bad("header is not valid UTF-8 JSON");
    return;
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    bad("header is not a JSON object");
    return;
  }
  const dataSize = src.size - 8 - n;
  const spans: [number, number, string][] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      const ok =
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "string");
      if (!ok) bad("__metadata__ must map strings to strings");
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offsets = t?.data_offsets;
    const shape = t?.shape;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      typeof t.dtype !== "string"
    ) {
      bad(`tensor ${name}: dtype, shape or data_offsets malformed`);
      continue;
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataSize) {
      bad(`tensor ${name}: data_offsets [${begin}, ${end}) outside the ${dataSize} data bytes`);
      continue;
    }
    const width = DTYPE_BYTES[t.dtype];
    if (width === undefined) {
      ctx.add("safetensors.unknown-dtype", "low", `tensor ${name} has unknown dtype ${t.dtype}`);
    } else {
      const count = (shape as number[]).reduce((a, d) => a * d, 1);
      if (count * width !== end - begin) {
        bad(
          `tensor ${name}: ${t.dtype}${JSON.stringify(shape)} needs ${count * width} bytes, has ${end - begin}`,
        );
      }
    }
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin < covered) bad(`tensor ${name} overlaps the tensor before it`);
    else if (begin > covered) {
      ctx.add("safetensors.gap", "low", `${begin - covered} unused bytes before tensor ${name}`);
    }
    covered = Math.max(covered, end);
  }
  if (covered < dataSize && errors === 0) {
    ctx.add(
      "safetensors.trailing-data",
      "medium",
      `${dataSize - covered} bytes after the last tensor`,
    );
  }
}
