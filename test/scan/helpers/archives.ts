// Builds zips (PKWARE APPNOTE 6.3.10), tars (ustar), .npy (NEP 1) and tiny ONNX protobufs
// byte by byte, including the malformed variants scanners must handle.
import { crc32, deflateRawSync } from "node:zlib";
import { PickleWriter } from "./pickle-writer.js";

const enc = new TextEncoder();
const bytesOf = (d: Uint8Array | string) => (typeof d === "string" ? enc.encode(d) : d);

export interface ZipMember {
  name: string;
  data: Uint8Array | string;
  /** Name written in the local header (defaults to `name`). */
  localName?: string;
  flags?: number;
  deflate?: boolean;
  /** CRC written to the headers (defaults to the right one). */
  crc?: number;
}

export function zip(members: readonly ZipMember[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const raw = bytesOf(m.data);
    const data = m.deflate ? new Uint8Array(deflateRawSync(raw)) : raw;
    const crc = m.crc ?? crc32(raw) >>> 0;
    const name = enc.encode(m.name);
    const localName = enc.encode(m.localName ?? m.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, m.flags ?? 0, true);
    local.setUint16(8, m.deflate ? 8 : 0, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, raw.length, true);
    local.setUint16(26, localName.length, true);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint16(8, m.flags ?? 0, true);
    cd.setUint16(10, m.deflate ? 8 : 0, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, data.length, true);
    cd.setUint32(24, raw.length, true);
    cd.setUint16(28, name.length, true);
    cd.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), localName, data);
    central.push(new Uint8Array(cd.buffer), name);
    offset += 30 + localName.length + data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  eocd.setUint16(8, members.length, true);
  eocd.setUint16(10, members.length, true);
  eocd.setUint32(12, cdSize, true);
  eocd.setUint32(16, offset, true);
  return concat([...chunks, ...central, new Uint8Array(eocd.buffer)]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface TarMember {
  name: string;
  data?: Uint8Array | string;
  type?: string;
  linkname?: string;
}

export function tar(members: readonly TarMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const data = bytesOf(m.data ?? "");
    const h = new Uint8Array(512);
    h.set(enc.encode(m.name).subarray(0, 100), 0);
    h.set(enc.encode("0000644\0"), 100);
    h.set(enc.encode("0000000\0"), 108);
    h.set(enc.encode("0000000\0"), 116);
    h.set(enc.encode(`${data.length.toString(8).padStart(11, "0")}\0`), 124);
    h.set(enc.encode("00000000000\0"), 136);
    h[156] = (m.type ?? "0").charCodeAt(0);
    if (m.linkname) h.set(enc.encode(m.linkname), 157);
    h.set(enc.encode("ustar\x0000"), 257);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(enc.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    parts.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

export function npy(descr: string, shape: string, data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const fixed = new Uint8Array(10);
  fixed.set([0x93, ...enc.encode("NUMPY"), 1, 0, header.length & 0xff, header.length >> 8]);
  return concat([fixed, enc.encode(header), data]);
}

/** What torch.save writes as data.pkl for {"weight": FloatTensor[2,2]} (protocol 2). */
export function torchStateDictPickle(): Uint8Array {
  return new PickleWriter()
    .proto(2)
    .global("collections", "OrderedDict")
    .emptyTuple()
    .reduce()
    .binput(0)
    .mark()
    .binunicode("weight")
    .global("torch._utils", "_rebuild_tensor_v2")
    .mark()
    .mark()
    .binunicode("storage")
    .global("torch", "FloatStorage")
    .binunicode("0")
    .binunicode("cpu")
    .int(4)
    .tuple()
    .op("Q") // BINPERSID
    .int(0)
    .int(2)
    .int(2)
    .tuple2()
    .int(2)
    .int(1)
    .tuple2()
    .raw(0x89) // NEWFALSE
    .global("collections", "OrderedDict")
    .emptyTuple()
    .reduce()
    .tuple()
    .reduce()
    .op("u") // SETITEMS
    .stop()
    .bytes();
}

/** A PyTorch zip checkpoint (torch.save >= 1.6 layout) around the given data.pkl. */
export function torchZip(dataPkl: Uint8Array, extra: readonly ZipMember[] = []): Uint8Array {
  const floats = new Float32Array([0.5, -1.25, 3.0, 1e-3]);
  return zip([
    { name: "archive/data.pkl", data: dataPkl },
    { name: "archive/byteorder", data: "little" },
    { name: "archive/data/0", data: new Uint8Array(floats.buffer) },
    { name: "archive/version", data: "3\n" },
    ...extra,
  ]);
}

// --- protobuf wire encoding (for ONNX fixtures) -------------------------------------------
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
export function lenField(field: number, body: Uint8Array | string): Uint8Array {
  const b = bytesOf(body);
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(b.length), ...b]);
}
export function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)]);
}

/** A ModelProto: ir_version 8, opset 17, one node, optionally an externally stored tensor. */
export function onnxModel(
  options: { domain?: string; externalLocation?: string } = {},
): Uint8Array {
  const node = concat([
    lenField(1, "x"),
    lenField(1, "w"),
    lenField(2, "y"),
    lenField(4, options.domain ? "MyOp" : "Add"),
    ...(options.domain ? [lenField(7, options.domain)] : []),
  ]);
  const tensorParts = [varintField(1, 4), varintField(2, 1), lenField(8, "w")];
  if (options.externalLocation !== undefined) {
    tensorParts.push(
      lenField(13, concat([lenField(1, "location"), lenField(2, options.externalLocation)])),
      varintField(14, 1),
    );
  } else {
    tensorParts.push(lenField(9, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer)));
  }
  const graph = concat([lenField(1, node), lenField(2, "g"), lenField(5, concat(tensorParts))]);
  return concat([
    varintField(1, 8),
    lenField(2, "mlsec-test"),
    lenField(7, graph),
    lenField(8, concat([lenField(1, ""), varintField(2, 17)])),
  ]);
}

/** A SavedModel proto: schema version 1, one MetaGraphDef whose graph has the given ops. */
export function savedModel(
  ops: readonly string[],
  functionOps: readonly string[] = [],
): Uint8Array {
  const node = (op: string, i: number) =>
    lenField(1, concat([lenField(1, `n${i}`), lenField(2, op)]));
  const fn = concat([
    lenField(1, concat([lenField(1, "fn")])),
    ...functionOps.map((op, i) => lenField(3, concat([lenField(1, `f${i}`), lenField(2, op)]))),
  ]);
  const graph = concat([
    ...ops.map(node),
    ...(functionOps.length > 0 ? [lenField(2, lenField(1, fn))] : []),
  ]);
  return concat([
    varintField(1, 1),
    lenField(2, concat([lenField(1, "meta"), lenField(2, graph)])),
  ]);
}

/** A GGUF v3 file with string metadata and one F32 tensor of 4 values. */
export function gguf(metadata: Readonly<Record<string, string>>, tensorOffset = 0): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  const u64 = (v: number) => {
    u32(v);
    u32(0);
  };
  const str = (s: string) => {
    const b = enc.encode(s);
    u64(b.length);
    parts.push(...b);
  };
  parts.push(...enc.encode("GGUF"));
  u32(3);
  u64(1);
  u64(Object.keys(metadata).length);
  for (const [k, v] of Object.entries(metadata)) {
    str(k);
    u32(8);
    str(v);
  }
  str("w");
  u32(1);
  u64(4);
  u32(0); // F32
  u64(tensorOffset);
  while (parts.length % 32 !== 0) parts.push(0);
  for (let i = 0; i < 16; i++) parts.push(0);
  return Uint8Array.from(parts);
}
