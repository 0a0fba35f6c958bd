// GGUF model files (ggml docs/gguf.md, versions 1-3): header, metadata key/values and tensor
// infos read with bounds; chat templates (Jinja) checked for sandbox escapes, the
// llama-cpp-python CVE-2024-34359 pattern (`__init__.__globals__['os'].popen`).
import type { ScanContext } from "../context.js";
import type { Severity } from "../findings.js";
import type { ByteSource } from "../source.js";

const MAX_KV = 1_000_000;
const MAX_TENSORS = 1_000_000;
const MAX_ARRAY = 100_000_000;
const MAX_STRING = 64 * 1024 * 1024;
const MAX_DIMS = 8;
const CHUNK = 256 * 1024;
/** Byte widths of the fixed-size value types (type ids 0-7, 10-12). */
const WIDTH: Readonly<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const STRING = 8;
const ARRAY = 9;

class Bad extends Error {}

class Cursor {
  pos = 0;
  private at = -1;
  private chunk: Uint8Array = new Uint8Array(0);
  constructor(
    private readonly src: ByteSource,
    readonly wide: boolean, // version >= 2: u64 counts and string lengths
  ) {}
  private ensure(n: number): number {
    if (this.pos + n > this.src.size) throw new Bad(`truncated at byte ${this.pos}`);
    if (this.pos < this.at || this.pos + n > this.at + this.chunk.length) {
      this.at = this.pos;
      this.chunk = this.src.read(this.pos, Math.max(n, CHUNK));
    }
    const off = this.pos - this.at;
    this.pos += n;
    return off;
  }
  u32(): number {
    const o = this.ensure(4);
    return new DataView(this.chunk.buffer, this.chunk.byteOffset).getUint32(o, true);
  }
  u64(): number {
    const o = this.ensure(8);
    const v = new DataView(this.chunk.buffer, this.chunk.byteOffset).getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Bad(`value ${v} out of range`);
    return Number(v);
  }
  count(): number {
    return this.wide ? this.u64() : this.u32();
  }
  skip(n: number): void {
    if (this.pos + n > this.src.size) throw new Bad(`truncated at byte ${this.pos}`);
    this.pos += n;
  }
  string(keep: boolean): string {
    const n = this.count();
    if (n > MAX_STRING) throw new Bad(`string of ${n} bytes at byte ${this.pos}`);
    if (!keep) {
      this.skip(n);
      return "";
    }
    const start = this.pos;
    this.skip(n);
    return new TextDecoder().decode(this.src.read(start, n));
  }
}

/** Jinja constructs that escape the sandbox, most dangerous first. */
const TEMPLATE_RULES: readonly [RegExp, Severity, string][] = [
  [/__globals__|__builtins__|__subclasses__|__import__/, "critical", "reaches Python globals"],
  [/\b(popen|system|subprocess|os\.|eval|exec)\b/, "critical", "names a command runner"],
  [
    /__class__|__mro__|__base__|__bases__|__init__|__dict__|__getattribute__/,
    "high",
    "walks Python object internals",
  ],
  [/\b(cycler|joiner|lipsum|self)\b\s*\.\s*_/, "high", "reaches private template internals"],
];

function checkTemplate(ctx: ScanContext, key: string, template: string): void {
  for (const [pattern, severity, what] of TEMPLATE_RULES) {
    const m = pattern.exec(template);
    if (m !== null) {
      ctx.add(
        "gguf.chat-template",
        severity,
        `${key} ${what} (${JSON.stringify(m[0])}): a Jinja sandbox escape runs code when the template renders`,
      );
      return;
    }
  }
}

export function scanGguf(src: ByteSource, ctx: ScanContext): void {
  const head = src.read(4, 4);
  const version = head.length === 4 ? new DataView(head.slice().buffer).getUint32(0, true) : 0;
  if (version < 1 || version > 3) {
    ctx.add("invalid.gguf", "low", `unsupported GGUF version ${version}`);
    return;
  }
  const c = new Cursor(src, version >= 2);
  c.pos = 8;
  try {
    const tensors = c.count();
    const kvs = c.count();
    if (tensors > MAX_TENSORS || kvs > MAX_KV) {
      ctx.add(
        "invalid.limit",
        "medium",
        `GGUF declares ${tensors} tensors and ${kvs} metadata keys`,
      );
      return;
    }
    let alignment = 32;
    for (let i = 0; i < kvs; i++) {
      const key = c.string(true);
      const type = c.u32();
      const isTemplate = key.startsWith("tokenizer.chat_template");
      if (type === STRING) {
        const value = c.string(isTemplate);
        if (isTemplate) checkTemplate(ctx, key, value);
      } else if (type === ARRAY) {
        const itemType = c.u32();
        const n = c.count();
        if (n > MAX_ARRAY) throw new Bad(`array of ${n} items in ${key}`);
        if (itemType === STRING) for (let j = 0; j < n; j++) c.string(false);
        else if (WIDTH[itemType] !== undefined) c.skip(n * WIDTH[itemType]);
        else throw new Bad(`array of type ${itemType} in ${key}`);
      } else if (WIDTH[type] !== undefined) {
        if (key === "general.alignment" && type === 4) alignment = c.u32();
        else c.skip(WIDTH[type]);
      } else throw new Bad(`value type ${type} for key ${key}`);
    }
    if (alignment === 0 || alignment % 8 !== 0) {
      ctx.add("invalid.gguf", "low", `general.alignment ${alignment} is not a multiple of 8`);
      return;
    }
    const offsets: number[] = [];
    for (let i = 0; i < tensors; i++) {
      c.string(false);
      const dims = c.u32();
      if (dims > MAX_DIMS) throw new Bad(`tensor ${i} has ${dims} dimensions`);
      for (let d = 0; d < dims; d++) c.u64();
      c.u32(); // ggml type
      offsets.push(c.u64());
    }
    const dataStart = Math.ceil(c.pos / alignment) * alignment;
    for (const offset of offsets) {
      if (offset % alignment !== 0 || dataStart + offset > src.size) {
        ctx.add(
          "invalid.gguf",
          "low",
          `tensor data offset ${offset} is misaligned or past the end`,
        );
        return;
      }
    }
  } catch (error) {
    if (!(error instanceof Bad)) throw error;
    ctx.add("invalid.gguf", "low", `GGUF metadata is malformed: ${error.message}`);
  }
}
