// Keras v3 `.keras` archives (keras.saving: zip of config.json, metadata.json,
// model.weights.h5): Lambda layers carry marshalled Python bytecode; custom classes load code.
import type { ScanContext } from "../context.js";

const MAX_NODES = 1_000_000;
const MAX_DEPTH = 200;

/** Checks a Keras model config (JSON text) for Lambda layers and non-Keras classes. */
export function scanKerasConfig(text: string, ctx: ScanContext, label = "config.json"): void {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    ctx.add("invalid.keras", "low", `${label} is not valid JSON`);
    return;
  }
  let nodes = 0;
  const walk = (value: unknown, depth: number): void => {
    nodes += 1;
    if (nodes > MAX_NODES || depth > MAX_DEPTH || value === null || typeof value !== "object") {
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) walk(v, depth + 1);
      return;
    }
    const o = value as Record<string, unknown>;
    const layer =
      typeof o.config === "object" && o.config !== null
        ? (o.config as Record<string, unknown>).name
        : undefined;
    if (o.class_name === "Lambda" || o.class_name === "TFOpLambda") {
      ctx.add(
        "keras.lambda",
        "high",
        `layer ${String(layer ?? "?")} is a ${o.class_name} layer: its Python code runs when the model loads (safe_mode=False)`,
      );
    }
    if (
      typeof o.module === "string" &&
      !/^(keras|tf_keras|tensorflow\.keras)(\.|$)/.test(o.module)
    ) {
      ctx.add(
        "keras.custom-object",
        "medium",
        `layer ${String(layer ?? "?")} loads class ${String(o.class_name)} from module ${o.module}`,
      );
    }
    for (const v of Object.values(o)) walk(v, depth + 1);
  };
  walk(config, 0);
  if (nodes > MAX_NODES) ctx.add("invalid.limit", "medium", `${label} is too large to check`);
}
