// Keras v3 `.keras` archives (keras.saving: zip of config.json, metadata.json,
// model.weights.h5): Lambda layers carry marshalled Python bytecode; custom classes load code.
import type { ScanContext } from "../context.js";
import { classifyImport } from "../rules/policy.js";

const MAX_NODES = 1_000_000;
const MAX_DEPTH = 200;

/** Keras functions that fetch or write files: config-driven calls to them are attacks. */
const KERAS_DENIED = /(^|\.)(get_file|save_model|save_weights|load_model)$/;

/**
 * A `{module, class_name, config}` object is imported at load time: Keras 3 resolves
 * `class_name: "function"` to `module.<config>` (CVE-2025-1550 loaded arbitrary functions this
 * way), and other classes to `module.class_name`. The scan policy's deny-list applies to them as
 * to pickle imports; any module outside Keras is a custom object.
 */
function checkModuleObject(
  module: string,
  className: string,
  config: unknown,
  layer: string,
  ctx: ScanContext,
): void {
  const name = className === "function" && typeof config === "string" ? config : className;
  const callable = `${module}.${name}`;
  const cls = classifyImport(ctx.policy, module, name);
  if (cls.kind === "denied" || KERAS_DENIED.test(callable)) {
    const reason = cls.kind === "denied" ? cls.rule.reason : "reads or writes files";
    ctx.push({
      ruleId: "keras.import.denied",
      severity: cls.kind === "denied" ? cls.rule.severity : "high",
      message: `layer ${layer} makes Keras import ${callable}, which ${reason}`,
      location: {},
      callable,
    });
    return;
  }
  if (!/^(keras|tf_keras|tensorflow\.keras)(\.|$)/.test(module)) {
    ctx.add("keras.custom-object", "medium", `layer ${layer} loads ${name} from module ${module}`);
  }
}

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
    if (o.class_name === "__lambda__") {
      ctx.add(
        "keras.lambda",
        "high",
        `layer ${String(layer ?? "?")} holds a serialized Python lambda (marshalled bytecode)`,
      );
    }
    if (typeof o.module === "string" && typeof o.class_name === "string") {
      checkModuleObject(o.module, o.class_name, o.config, String(layer ?? "?"), ctx);
    }
    for (const v of Object.values(o)) walk(v, depth + 1);
  };
  walk(config, 0);
  if (nodes > MAX_NODES) ctx.add("invalid.limit", "medium", `${label} is too large to check`);
}
