// The file format of HE keys, queries and results: "MLSECHE1", a little-endian u32 header
// length, a JSON header {kind, meta, sections:[{name, bytes}]}, then the sections' bytes in
// order. Parsing is strict and bounded: these files cross the client/server trust boundary.

import { jsonDepth, MlsecError } from "../core/index.js";

const MAGIC = new TextEncoder().encode("MLSECHE1");
const MAX_HEADER_BYTES = 1 << 20;
const MAX_SECTIONS = 100_000;

export const CONTAINER_KINDS = ["client-keys", "server-keys", "query", "result"] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

export interface Container {
  readonly kind: ContainerKind;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly sections: ReadonlyMap<string, Uint8Array>;
}

export function packContainer(
  kind: ContainerKind,
  meta: Readonly<Record<string, unknown>>,
  sections: readonly (readonly [string, Uint8Array])[],
): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      kind,
      meta,
      sections: sections.map(([name, b]) => ({ name, bytes: b.length })),
    }),
  );
  const total = MAGIC.length + 4 + header.length + sections.reduce((a, [, b]) => a + b.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  let at = MAGIC.length + 4;
  out.set(header, at);
  at += header.length;
  for (const [, b] of sections) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const bad = (why: string) =>
  new MlsecError("E_HE_FORMAT", `not an mlsec HE file: ${why}`, {
    hint: "Pass a file written by `mlsec he keygen`, `encrypt` or `infer`, unmodified.",
  });

export function unpackContainer(bytes: Uint8Array, expected?: ContainerKind): Container {
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b))
    throw bad("bad magic");
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(
    MAGIC.length,
    true,
  );
  const start = MAGIC.length + 4;
  if (headerLength > MAX_HEADER_BYTES || start + headerLength > bytes.length) {
    throw bad(`header length ${headerLength} out of range`);
  }
  let header: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(start, start + headerLength),
    );
    if (jsonDepth(text) > 16) throw bad("header nested too deeply");
    header = JSON.parse(text);
  } catch (e) {
    if (e instanceof MlsecError) throw e;
    throw bad("header is not JSON");
  }
  const h = header as { kind?: unknown; meta?: unknown; sections?: unknown };
  if (typeof h !== "object" || h === null) throw bad("header is not an object");
  if (!CONTAINER_KINDS.includes(h.kind as ContainerKind))
    throw bad(`unknown kind ${String(h.kind)}`);
  if (typeof h.meta !== "object" || h.meta === null || Array.isArray(h.meta))
    throw bad("meta is not an object");
  if (!Array.isArray(h.sections) || h.sections.length > MAX_SECTIONS) throw bad("bad section list");
  const sections = new Map<string, Uint8Array>();
  let at = start + headerLength;
  for (const s of h.sections as unknown[]) {
    const { name, bytes: n } = (s ?? {}) as { name?: unknown; bytes?: unknown };
    if (typeof name !== "string" || sections.has(name)) throw bad("bad or duplicate section name");
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || at + n > bytes.length) {
      throw bad(`section ${name} overruns the file`);
    }
    sections.set(name, bytes.subarray(at, at + n));
    at += n;
  }
  if (at !== bytes.length) throw bad(`${bytes.length - at} trailing bytes`);
  const kind = h.kind as ContainerKind;
  if (expected !== undefined && kind !== expected) {
    throw new MlsecError("E_HE_FORMAT", `expected HE ${expected}, got ${kind}`, {
      hint: "Check the order of the file arguments.",
    });
  }
  return { kind, meta: h.meta as Record<string, unknown>, sections };
}

export function section(c: Container, name: string): Uint8Array {
  const s = c.sections.get(name);
  if (s === undefined) throw bad(`missing section ${name} in ${c.kind}`);
  return s;
}
