// Keras HDF5 models (.h5, keras.saving legacy_h5_format): the root group's `model_config`
// attribute holds the model JSON. This is not an HDF5 parser: it finds that JSON by content
// (`{"class_name"`) in the first bytes of the file and checks it like a .keras config.
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";
import { scanKerasConfig } from "./keras.js";

const SEARCH_BYTES = 64 * 1024 * 1024;
const NEEDLE = new TextEncoder().encode('{"class_name"');

/** The JSON object starting at `start` (brace matching outside strings), or undefined. */
function jsonObjectAt(bytes: Uint8Array, start: number, max: number): Uint8Array | undefined {
  let depth = 0;
  let inString = false;
  const end = Math.min(bytes.length, start + max);
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c)
        i++; // backslash escape
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b) depth++;
    else if (b === 0x7d && --depth === 0) return bytes.subarray(start, i + 1);
  }
  return undefined;
}

export function scanHdf5(src: ByteSource, ctx: ScanContext): void {
  const window = src.read(0, Math.min(src.size, SEARCH_BYTES));
  const at = Buffer.from(window.buffer, window.byteOffset, window.length).indexOf(NEEDLE);
  if (at >= 0) {
    const json = jsonObjectAt(window, at, ctx.limits.maxHeaderBytes);
    if (json !== undefined) {
      ctx.add("hdf5.model-config", "info", "Keras model_config found by content and checked", {
        offset: at,
      });
      scanKerasConfig(new TextDecoder().decode(json), ctx);
      return;
    }
  }
  if (window.length === src.size) {
    ctx.add("hdf5.weights-only", "info", "no Keras model_config in the file: weights only");
    return;
  }
  ctx.add(
    "invalid.unsupported",
    "low",
    `no Keras model_config in the first ${SEARCH_BYTES} bytes; the rest of this HDF5 file is not scanned`,
  );
}
