// Random-access byte sources: scanners read only the bytes they need (never whole tensors).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface ByteSource {
  readonly size: number;
  /** Reads `length` bytes at `offset`, fewer at the end of the source. */
  read(offset: number, length: number): Uint8Array;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      bytes.subarray(Math.min(offset, bytes.length), Math.min(bytes.length, offset + length)),
  };
}

/** A window of another source (a stored archive member), without copying it. */
export function sliceSource(parent: ByteSource, start: number, size: number): ByteSource {
  const length = Math.max(0, Math.min(size, parent.size - start));
  return {
    size: length,
    read: (offset, n) => {
      if (offset >= length) return new Uint8Array(0);
      return parent.read(start + offset, Math.min(n, length - offset));
    },
  };
}

/** Bytes read up front when a file is opened: a smaller file is then held whole in memory. */
const FILE_HEAD = 64 * 1024;
/** Scratch space for that first read (scans are synchronous: one file at a time per thread). */
const scratch = Buffer.allocUnsafe(FILE_HEAD);

/**
 * A file opened for reading; call `close()` when done. Small files are read whole at open
 * (one read, no stat), large ones are read on demand.
 */
export function fileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  try {
    const head = scratch;
    let got = 0;
    while (got < FILE_HEAD) {
      const n = readSync(fd, head, got, FILE_HEAD - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got < FILE_HEAD) {
      closeSync(fd);
      // A copy (scratch is reused), and a plain Uint8Array: a Buffer's subarray() is slower, and
      // the pickle reader takes thousands of them.
      const bytes = new Uint8Array(got);
      bytes.set(head.subarray(0, got));
      return { ...memorySource(bytes), close: () => {} };
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const size = fstatSync(fd).size;
  return {
    size,
    read: (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(n);
      let done = 0;
      while (done < n) {
        const got = readSync(fd, buf, done, n - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, done);
    },
    close: () => closeSync(fd),
  };
}
