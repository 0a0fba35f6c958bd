// Keras HDF5 models (.h5, keras.saving legacy_h5_format): the root group's `model_config`
// attribute holds the model JSON (and `training_config` the compile arguments), read here from
// the parsed HDF5 structure and checked like a .keras config. Tensor data is never read.
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";
import { Hdf5FormatError, type Hdf5Root, readHdf5Root } from "./hdf5-reader.js";
import { scanKerasConfig } from "./keras.js";

/** Root attributes Keras deserializes into objects when the model loads. */
const CONFIG_ATTRIBUTES = ["model_config", "training_config"];

export function scanHdf5(src: ByteSource, ctx: ScanContext): void {
  let root: Hdf5Root;
  try {
    root = readHdf5Root(src, { maxStringBytes: ctx.limits.maxHeaderBytes });
  } catch (error) {
    if (!(error instanceof Hdf5FormatError)) throw error;
    ctx.add("invalid.hdf5", "low", `malformed HDF5: ${error.message}`);
    return;
  }
  for (const what of root.unsupported) {
    ctx.add("invalid.unsupported", "low", `${what}: not read, and the model config may be there`);
  }
  let configs = 0;
  for (const name of CONFIG_ATTRIBUTES) {
    const attribute = root.attributes.find((a) => a.name === name);
    if (attribute === undefined) continue;
    if (attribute.strings === undefined) {
      ctx.add("invalid.hdf5", "low", `root attribute ${name} is not a string`);
      continue;
    }
    configs += 1;
    ctx.add("hdf5.model-config", "info", `Keras ${name} read from the root group and checked`);
    for (const text of attribute.strings) scanKerasConfig(text, ctx, `HDF5 attribute ${name}`);
  }
  if (configs === 0 && root.unsupported.length === 0) {
    ctx.add("hdf5.weights-only", "info", "no Keras model_config in the file: weights only");
  }
}
