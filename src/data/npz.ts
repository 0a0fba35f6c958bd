// NumPy .npz: a ZIP archive of .npy members named "<array>.npy" (numpy.savez / savez_compressed,
// numpy/lib/npyio.py). Members may be STORED or DEFLATE-compressed.

import { zipSync } from "fflate";
import { MlsecError } from "../core/index.js";
import type { NdArray } from "./ndarray.js";
import { decodeNpy, encodeNpy, type NpyLimits } from "./npy.js";
import { listZip, readZip, type ZipLimits } from "./zip.js";

export type NpzLimits = NpyLimits & ZipLimits;

export interface NpzReadOptions extends NpzLimits {
  /** Decode only these arrays (names without ".npy"); the others are not even inflated. */
  readonly names?: readonly string[];
}

export interface NpzWriteOptions {
  /** DEFLATE-compress the members (like numpy.savez_compressed); default true. */
  readonly compress?: boolean;
}

/** Array names in an .npz archive (member names without ".npy"), without decoding them. */
export function listNpz(bytes: Uint8Array, limits: NpzLimits = {}): string[] {
  return listZip(bytes, limits).map((e) => arrayName(e.name));
}

const arrayName = (member: string) => (member.endsWith(".npy") ? member.slice(0, -4) : member);

/** Decodes an .npz archive held in memory into named arrays (the ".npy" suffix dropped). */
export function decodeNpz(bytes: Uint8Array, options: NpzReadOptions = {}): Map<string, NdArray> {
  const wanted = options.names === undefined ? undefined : new Set(options.names);
  const limits = options;
  const members = readZip(bytes, limits, (m) => wanted === undefined || wanted.has(arrayName(m)));
  const arrays = new Map<string, NdArray>();
  for (const [member, data] of members) {
    const name = arrayName(member);
    if (arrays.has(name)) {
      throw new MlsecError("E_DATA_FORMAT", `.npz holds array ${JSON.stringify(name)} twice`);
    }
    try {
      arrays.set(name, decodeNpy(data, limits));
    } catch (e) {
      if (e instanceof MlsecError) {
        throw new MlsecError(e.code, `.npz member ${JSON.stringify(member)}: ${e.message}`, {
          hint: e.hint,
          cause: e,
          details: { ...e.details, member },
        });
      }
      throw e;
    }
  }
  return arrays;
}

/** Encodes named arrays as an .npz archive. Names must be non-empty and free of "/" and NUL. */
export function encodeNpz(
  arrays: ReadonlyMap<string, NdArray> | Readonly<Record<string, NdArray>>,
  options: NpzWriteOptions = {},
): Uint8Array {
  const entries = arrays instanceof Map ? [...arrays] : Object.entries(arrays);
  const level = options.compress === false ? 0 : 6;
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [name, array] of entries) {
    if (name.length === 0 || name.length > 255 || /[\u0000-\u001f/\\]/.test(name)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `invalid array name ${JSON.stringify(name)}`);
    }
    files[`${name}.npy`] = [encodeNpy(array), { level }];
  }
  // A fixed local timestamp (ZIP stores local time) keeps archives byte-for-byte reproducible.
  return zipSync(files, { mtime: new Date(1980, 0, 1, 12) });
}
