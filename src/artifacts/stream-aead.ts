// Segmented streaming AEAD for files at rest: the STREAM construction of Hoang, Reyhanitabar,
// Rogaway and Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance"
// (CRYPTO 2015), instantiated like Google Tink's AES-GCM-HKDF streaming AEAD: a per-file key
// from HKDF-SHA256 (RFC 5869) over a random salt, and nonce = prefix(7) || segment(4) ||
// last(1), so segments cannot be reordered, dropped, truncated or appended.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { MlsecError, type ProgressListener } from "../core/index.js";
import { writeAtomically } from "./atomic.js";
import {
  describeWrap,
  type KeySource,
  MAX_KMS_BLOB,
  unwrapDataKey,
  wrapDataKey,
  wrapLength,
} from "./key-wrap.js";

const MAGIC = Buffer.from("MLSECENC", "latin1");
const VERSION = 1;
const ALG_AES256_GCM_HKDF_SHA256 = 1;
/** magic, version, algorithm, segment size, salt, nonce prefix: bound into every key. */
const FIXED_LENGTH = 8 + 1 + 1 + 4 + 32 + 7;
const TAG = 16;
/** Longest possible header: fixed part, wrap length, KMS wrap with its largest blob. */
const MAX_HEADER = FIXED_LENGTH + 2 + 3 + MAX_KMS_BLOB;
export const DEFAULT_SEGMENT_SIZE = 1 << 20;
export const MIN_SEGMENT_SIZE = 16;
export const MAX_SEGMENT_SIZE = 64 << 20;
const MAX_SEGMENTS = 2 ** 32;

export interface StreamHeader {
  /** Bytes 0..FIXED_LENGTH: authenticated through the key derivation. */
  readonly fixed: Buffer;
  readonly segmentSize: number;
  readonly salt: Buffer;
  readonly noncePrefix: Buffer;
  /** The key-wrap section (replaced by re-keying). */
  readonly wrap: Buffer;
  /** Offset of the first segment. */
  readonly length: number;
}

function fixedHeader(segmentSize: number, salt: Buffer, noncePrefix: Buffer): Buffer {
  const fixed = Buffer.alloc(FIXED_LENGTH);
  MAGIC.copy(fixed, 0);
  fixed[8] = VERSION;
  fixed[9] = ALG_AES256_GCM_HKDF_SHA256;
  fixed.writeUInt32BE(segmentSize, 10);
  salt.copy(fixed, 14);
  noncePrefix.copy(fixed, 46);
  return fixed;
}

function serializeHeader(fixed: Buffer, wrap: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(wrap.length);
  return Buffer.concat([fixed, length, wrap]);
}

/** Parses the header at the start of `head` (at least the first MAX_HEADER bytes of the file). */
export function parseHeader(head: Buffer): StreamHeader {
  if (head.length < FIXED_LENGTH + 3 || !head.subarray(0, 8).equals(MAGIC)) {
    throw new MlsecError("E_ENCRYPTED_FORMAT", "not an mlsec encrypted file (bad magic)");
  }
  if (head[8] !== VERSION || head[9] !== ALG_AES256_GCM_HKDF_SHA256) {
    throw new MlsecError(
      "E_ENCRYPTED_FORMAT",
      `unsupported version ${head[8]} / algorithm ${head[9]}`,
    );
  }
  const segmentSize = head.readUInt32BE(10);
  if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
    throw new MlsecError("E_ENCRYPTED_FORMAT", `segment size ${segmentSize} out of bounds`);
  }
  const wrapLen = head.readUInt16BE(FIXED_LENGTH);
  if (
    wrapLen !== wrapLength(head.subarray(FIXED_LENGTH + 2)) ||
    head.length < FIXED_LENGTH + 2 + wrapLen
  ) {
    throw new MlsecError("E_ENCRYPTED_FORMAT", "malformed key-wrap section");
  }
  const fixed = Buffer.from(head.subarray(0, FIXED_LENGTH));
  return {
    fixed,
    segmentSize,
    salt: fixed.subarray(14, 46),
    noncePrefix: fixed.subarray(46, 53),
    wrap: Buffer.from(head.subarray(FIXED_LENGTH + 2, FIXED_LENGTH + 2 + wrapLen)),
    length: FIXED_LENGTH + 2 + wrapLen,
  };
}

function segmentKey(dataKey: Buffer, header: StreamHeader): Buffer {
  const info = Buffer.concat([Buffer.from("mlsec stream v1 segment key"), header.fixed]);
  return Buffer.from(hkdfSync("sha256", dataKey, header.salt, info, 32));
}

function nonceFor(prefix: Buffer, index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function seal(key: Buffer, prefix: Buffer, index: number, last: boolean, plain: Buffer): Buffer[] {
  const cipher = createCipheriv("aes-256-gcm", key, nonceFor(prefix, index, last));
  const body = cipher.update(plain);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

function unseal(key: Buffer, prefix: Buffer, index: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG) throw authFailure(index, "truncated segment");
  const decipher = createDecipheriv("aes-256-gcm", key, nonceFor(prefix, index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG));
  try {
    decipher.final();
  } catch {
    throw authFailure(index, last ? "last segment" : "segment");
  }
  return plain;
}

function authFailure(index: number, what: string): MlsecError {
  return new MlsecError(
    "E_DECRYPT_AUTH",
    `${what} ${index} failed authentication (tampered, truncated, reordered or appended)`,
    { details: { segment: index } },
  );
}

async function readFull(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      buffer.length - filled,
      position + filled,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

async function openInput(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot open ${path}`, { cause });
  }
}

/**
 * Segments in flight on each side of the cipher. The cipher runs synchronously on this thread
 * while reads ahead and writes behind run on libuv's pool, so file I/O overlaps the crypto instead
 * of adding to it; memory stays bounded by about 2 × depth segments.
 */
const PIPELINE_DEPTH = 4;

interface SegmentStages {
  read(index: number, buffer: Buffer): Promise<Buffer>;
  /** Must not keep `data`: its buffer is reused for a later read. */
  transform(index: number, data: Buffer): Buffer[];
  write(index: number, parts: Buffer[]): Promise<void>;
  /** Called in segment order once segment `index` is written. */
  progress(index: number): void;
}

async function pipelineSegments(
  count: number,
  bufferSize: number,
  stages: SegmentStages,
): Promise<void> {
  const depth = Math.min(PIPELINE_DEPTH, count);
  const buffers = Array.from({ length: depth }, () => Buffer.allocUnsafe(bufferSize));
  const reads: (Promise<Buffer> | undefined)[] = [];
  const writes: (Promise<void> | undefined)[] = [];
  // Failures are collected by the awaits below; this only keeps them from being "unhandled".
  const started = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => undefined);
    return promise;
  };
  try {
    for (let i = 0; i < depth; i++) reads[i] = started(stages.read(i, buffers[i] as Buffer));
    for (let i = 0; i < count; i++) {
      const slot = i % depth;
      const parts = stages.transform(i, (await reads[slot]) as Buffer);
      reads[slot] =
        i + depth < count ? started(stages.read(i + depth, buffers[slot] as Buffer)) : undefined;
      if (i >= depth) {
        await writes[slot];
        stages.progress(i - depth);
      }
      writes[slot] = started(stages.write(i, parts));
    }
    for (let i = Math.max(0, count - depth); i < count; i++) {
      await writes[i % depth];
      stages.progress(i);
    }
  } catch (error) {
    // Nothing may still be reading or writing when the caller closes the files.
    await Promise.allSettled([...reads, ...writes]);
    throw error;
  }
}

async function writeAll(sink: FileHandle, parts: Buffer[], position: number): Promise<void> {
  let at = position;
  let rest = parts.filter((part) => part.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await sink.writev(rest, at);
    if (bytesWritten === 0) throw new MlsecError("E_IO", "the output file accepts no more bytes");
    at += bytesWritten;
    let skip = bytesWritten;
    while (rest.length > 0 && skip >= (rest[0] as Buffer).length) {
      skip -= (rest[0] as Buffer).length;
      rest = rest.slice(1);
    }
    if (skip > 0) rest = [(rest[0] as Buffer).subarray(skip), ...rest.slice(1)];
  }
}

function changedInput(path: string): MlsecError {
  return new MlsecError("E_IO", `${path} changed size while it was being encrypted`, {
    hint: "encrypt a file that is not being written to",
  });
}

export interface EncryptOptions {
  readonly key: KeySource;
  readonly segmentSize?: number;
  readonly onProgress?: ProgressListener;
}

export interface StreamSummary {
  readonly plaintextBytes: number;
  readonly ciphertextBytes: number;
  readonly segments: number;
  readonly segmentSize: number;
  readonly keyKind: KeySource["kind"];
  readonly keyId?: string;
}

/** Encrypts `input` to `output` (atomically), one segment in memory at a time. */
export async function encryptFile(
  input: string,
  output: string,
  options: EncryptOptions,
): Promise<StreamSummary> {
  const segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  if (
    !Number.isInteger(segmentSize) ||
    segmentSize < MIN_SEGMENT_SIZE ||
    segmentSize > MAX_SEGMENT_SIZE
  ) {
    throw new MlsecError("E_INVALID_ARGUMENT", `segment size must be in [16, ${MAX_SEGMENT_SIZE}]`);
  }
  const source = await openInput(input);
  try {
    const total = (await source.stat()).size;
    if (Math.ceil(total / segmentSize) > MAX_SEGMENTS) {
      throw new MlsecError("E_LIMIT_EXCEEDED", "file too large for this segment size");
    }
    const dataKey = randomBytes(32);
    const fixed = fixedHeader(segmentSize, randomBytes(32), randomBytes(7));
    const headerBytes = serializeHeader(fixed, wrapDataKey(dataKey, options.key, fixed));
    const header = parseHeader(headerBytes);
    const key = segmentKey(dataKey, header);
    const segments = Math.max(1, Math.ceil(total / segmentSize));
    return await writeAtomically(output, async (temp) => {
      const sink = await open(temp, "wx", 0o600);
      try {
        await sink.write(headerBytes);
        await pipelineSegments(segments, segmentSize, {
          async read(index, buffer) {
            const length = Math.min(segmentSize, total - index * segmentSize);
            const view = buffer.subarray(0, length);
            if ((await readFull(source, view, index * segmentSize)) !== length)
              throw changedInput(input);
            return view;
          },
          transform: (index, plain) =>
            seal(key, header.noncePrefix, index, index === segments - 1, plain),
          write: (index, parts) =>
            writeAll(sink, parts, headerBytes.length + index * (segmentSize + TAG)),
          progress: (index) =>
            options.onProgress?.({
              task: "encrypt",
              done: Math.min(total, (index + 1) * segmentSize),
              total,
            }),
        });
        // The size came from stat(): a file that grew meanwhile would be silently cut short.
        if ((await source.read(Buffer.alloc(1), 0, 1, total)).bytesRead !== 0) {
          throw changedInput(input);
        }
        await sink.sync();
        const wrap = describeWrap(header.wrap);
        return {
          plaintextBytes: total,
          ciphertextBytes: headerBytes.length + total + segments * TAG,
          segments,
          segmentSize,
          keyKind: wrap.kind,
          ...(wrap.keyId ? { keyId: wrap.keyId } : {}),
        };
      } finally {
        await sink.close();
      }
    });
  } finally {
    await source.close();
  }
}

/** An encrypted file opened for random access: only the segments a read spans are decrypted. */
export interface EncryptedReader {
  /** Plaintext size. */
  readonly size: number;
  readonly segments: number;
  readonly segmentSize: number;
  readonly ciphertextBytes: number;
  readonly keyKind: KeySource["kind"];
  readonly keyId?: string;
  /** Plaintext bytes [position, position + length) (clipped to the end). */
  read(position: number, length: number): Promise<Buffer>;
  /** Decrypts and authenticates segment `index` whole. */
  segment(index: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** An opened encrypted file with its segment stages exposed, for whole-file decryption. */
interface SealedFile {
  readonly reader: EncryptedReader;
  readonly sealedSize: number;
  /** Reads sealed segment `index` into `buffer`; the returned view is `buffer`'s prefix. */
  readSealed(index: number, buffer: Buffer): Promise<Buffer>;
  unsealSegment(index: number, sealed: Buffer): Buffer;
}

export async function openEncrypted(path: string, keySource: KeySource): Promise<EncryptedReader> {
  return (await openSealed(path, keySource)).reader;
}

async function openSealed(path: string, keySource: KeySource): Promise<SealedFile> {
  const handle = await openInput(path);
  try {
    const fileSize = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(fileSize, MAX_HEADER));
    await readFull(handle, head, 0);
    const header = parseHeader(head);
    const dataKey = unwrapDataKey(header.wrap, keySource, header.fixed);
    const key = segmentKey(dataKey, header);
    const sealedSize = header.segmentSize + TAG;
    const body = fileSize - header.length;
    if (body < TAG) {
      throw new MlsecError("E_DECRYPT_AUTH", "the file is truncated: no complete segment");
    }
    const segments = Math.ceil(body / sealedSize);
    const lastSealed = body - (segments - 1) * sealedSize;
    if (lastSealed < TAG) throw authFailure(segments - 1, "truncated segment");
    const size = (segments - 1) * header.segmentSize + (lastSealed - TAG);
    const readSealed = async (index: number, buffer: Buffer): Promise<Buffer> => {
      const length = index === segments - 1 ? lastSealed : sealedSize;
      const view = buffer.subarray(0, length);
      const got = await readFull(handle, view, header.length + index * sealedSize);
      if (got !== length) throw authFailure(index, "truncated segment");
      return view;
    };
    const unsealSegment = (index: number, sealed: Buffer): Buffer =>
      unseal(key, header.noncePrefix, index, index === segments - 1, sealed);
    const readSegment = async (index: number, buffer: Buffer): Promise<Buffer> =>
      unsealSegment(index, await readSealed(index, buffer));
    const wrap = describeWrap(header.wrap);
    const reader: EncryptedReader = {
      size,
      segments,
      segmentSize: header.segmentSize,
      ciphertextBytes: fileSize,
      keyKind: wrap.kind,
      ...(wrap.keyId ? { keyId: wrap.keyId } : {}),
      segment(index) {
        if (!Number.isSafeInteger(index) || index < 0 || index >= segments) {
          throw new MlsecError("E_INVALID_ARGUMENT", `segment ${index} outside [0, ${segments})`);
        }
        return readSegment(index, Buffer.allocUnsafe(sealedSize));
      },
      async read(position, length) {
        if (
          !Number.isSafeInteger(position) ||
          !Number.isSafeInteger(length) ||
          position < 0 ||
          length < 0
        ) {
          throw new MlsecError(
            "E_INVALID_ARGUMENT",
            "read position and length must be integers ≥ 0",
          );
        }
        const end = Math.min(size, position + length);
        if (position >= end) return Buffer.alloc(0);
        const out = Buffer.allocUnsafe(end - position);
        const scratch = Buffer.allocUnsafe(sealedSize);
        let filled = 0;
        for (let i = Math.floor(position / header.segmentSize); filled < out.length; i++) {
          const plain = await readSegment(i, scratch);
          const from = i * header.segmentSize;
          const start = Math.max(position, from) - from;
          const stop = Math.min(end, from + plain.length) - from;
          plain.copy(out, filled, start, stop);
          filled += stop - start;
        }
        return out;
      },
      close: () => handle.close(),
    };
    return { reader, sealedSize, readSealed, unsealSegment };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export interface DecryptOptions {
  readonly key: KeySource;
  readonly onProgress?: ProgressListener;
}

/** Decrypts `input` to `output`; on any failure no output file is left behind. */
export async function decryptFile(
  input: string,
  output: string,
  options: DecryptOptions,
): Promise<StreamSummary> {
  const sealed = await openSealed(input, options.key);
  const { reader } = sealed;
  try {
    return await writeAtomically(output, async (temp) => {
      const sink = await open(temp, "wx", 0o600);
      try {
        // Every segment, including an empty last one, is authenticated before the rename.
        await pipelineSegments(reader.segments, sealed.sealedSize, {
          read: sealed.readSealed,
          transform: (index, data) => [sealed.unsealSegment(index, data)],
          write: (index, parts) => writeAll(sink, parts, index * reader.segmentSize),
          progress: (index) =>
            options.onProgress?.({ task: "decrypt", done: index + 1, total: reader.segments }),
        });
        await sink.sync();
      } finally {
        await sink.close();
      }
      return {
        plaintextBytes: reader.size,
        ciphertextBytes: reader.ciphertextBytes,
        segments: reader.segments,
        segmentSize: reader.segmentSize,
        keyKind: reader.keyKind,
        ...(reader.keyId ? { keyId: reader.keyId } : {}),
      };
    });
  } finally {
    await reader.close();
  }
}

export interface RekeyOptions {
  readonly oldKey: KeySource;
  readonly newKey: KeySource;
}

/**
 * Re-wraps the data key of `input` under a new key and writes the result to `output` (which may
 * be `input`): the segments are copied byte for byte, never decrypted.
 */
export async function rekeyFile(
  input: string,
  output: string,
  options: RekeyOptions,
): Promise<{ bytes: number; keyKind: KeySource["kind"]; keyId?: string }> {
  const source = await openInput(input);
  try {
    const fileSize = (await source.stat()).size;
    const head = Buffer.alloc(Math.min(fileSize, MAX_HEADER));
    await readFull(source, head, 0);
    const header = parseHeader(head);
    const dataKey = unwrapDataKey(header.wrap, options.oldKey, header.fixed);
    const headerBytes = serializeHeader(
      header.fixed,
      wrapDataKey(dataKey, options.newKey, header.fixed),
    );
    return await writeAtomically(output, async (temp) => {
      const sink = await open(temp, "wx", 0o600);
      try {
        await sink.write(headerBytes);
        const buffer = Buffer.allocUnsafe(4 << 20);
        for (let at = header.length; at < fileSize; ) {
          const n = await readFull(source, buffer, at);
          if (n === 0) break;
          await sink.write(buffer.subarray(0, n));
          at += n;
        }
        await sink.sync();
      } finally {
        await sink.close();
      }
      const wrap = describeWrap(parseHeader(headerBytes).wrap);
      return {
        bytes: headerBytes.length + fileSize - header.length,
        keyKind: wrap.kind,
        ...(wrap.keyId ? { keyId: wrap.keyId } : {}),
      };
    });
  } finally {
    await source.close();
  }
}
