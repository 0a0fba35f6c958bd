// Tar archives (POSIX.1-2001 ustar/pax, IEEE Std 1003.1 "pax" format; GNU long names 'L').
// Legacy PyTorch checkpoints are tars of pickles (sys_info, pickle, storages, tensors).
import type { ScanContext } from "../context.js";
import { decodeUtf8 } from "../pickle/strings.js";
import type { ByteSource } from "../source.js";
import { sliceSource } from "../source.js";
import { checkMemberName } from "./archive-names.js";

const BLOCK = 512;

function field(block: Uint8Array, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return decodeUtf8(nul < 0 ? raw : raw.subarray(0, nul));
}

/** Octal number, or GNU base-256 when the high bit of the first byte is set. */
function number(block: Uint8Array, offset: number, length: number): number | undefined {
  if (block[offset] & 0x80) {
    let v = 0;
    for (let i = 1; i < length; i++) v = v * 256 + block[offset + i];
    return v;
  }
  const text = field(block, offset, length).trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined;
}

function checksumOk(block: Uint8Array): boolean {
  const stored = number(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return stored === sum;
}

/** Scans every regular member of a tar archive by content. */
export function scanTar(src: ByteSource, ctx: ScanContext): void {
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + BLOCK <= src.size) {
    const header = src.read(offset, BLOCK);
    if (header.every((b) => b === 0)) return; // end-of-archive marker
    if (!checksumOk(header)) {
      ctx.add("invalid.tar", "low", "tar header checksum is wrong", { offset });
      return;
    }
    const size = number(header, 124, 12);
    if (size === undefined) {
      ctx.add("invalid.tar", "low", "tar header has a bad size field", { offset });
      return;
    }
    const type = String.fromCharCode(header[156] || 0x30);
    const dataAt = offset + BLOCK;
    if (dataAt + size > src.size) {
      ctx.add("invalid.tar", "low", "tar member runs past the end of the archive", { offset });
      return;
    }
    const prefix = field(header, 345, 155);
    const base = field(header, 0, 100);
    const name = paxPath ?? longName ?? (prefix === "" ? base : `${prefix}/${base}`);
    if (type === "L" || type === "x") {
      const text = decodeUtf8(src.read(dataAt, Math.min(size, ctx.limits.maxHeaderBytes)));
      if (type === "L") longName = text.replace(/\0+$/, "");
      else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1];
    } else {
      longName = undefined;
      paxPath = undefined;
      ctx.entries += 1;
      if (ctx.entries > ctx.limits.maxEntries) {
        ctx.add("invalid.limit", "medium", `more than ${ctx.limits.maxEntries} archive entries`);
        return;
      }
      checkMemberName(ctx, name);
      if (type === "1" || type === "2") {
        const target = field(header, 157, 100);
        checkMemberName(ctx, target, `link target of ${name}:`);
        if (type === "2") {
          ctx.add("archive.symlink", "low", `member ${name} is a symbolic link to ${target}`);
        }
      } else if (type === "0" || type === "7") {
        ctx.nested(sliceSource(src, dataAt, size), name);
      }
    }
    offset = dataAt + Math.ceil(size / BLOCK) * BLOCK;
  }
}
