import { describe, expect, it } from "vitest";
import { scanBytes } from "../../../src/scan/index.js";
import { zip } from "../helpers/archives.js";

// Keras 3 configs name functions and classes by module: loading them imports that module.
const keras = (layer: object) =>
  zip([
    { name: "metadata.json", data: '{"keras_version": "3.3.3"}' },
    {
      name: "config.json",
      data: JSON.stringify({ class_name: "Sequential", config: { layers: [layer] } }),
    },
  ]);
const dense = (activation: object) => ({
  module: "keras.layers",
  class_name: "Dense",
  config: { name: "d", units: 2, activation },
});
const rules = (r: { findings: readonly { ruleId: string }[] }) => r.findings.map((f) => f.ruleId);

describe("Keras configs: imported functions and classes", () => {
  it("a Keras activation function is safe", () => {
    const relu = { module: "keras.activations", class_name: "function", config: "relu" };
    expect(scanBytes(keras(dense(relu)), "m.keras")).toMatchObject({ verdict: "safe" });
  });

  it("a function from a denied module (builtins.exec, os.system) is malicious", () => {
    for (const [module, name] of [
      ["builtins", "exec"],
      ["os", "system"],
    ]) {
      const fn = { module, class_name: "function", config: name, registered_name: "function" };
      const r = scanBytes(keras(dense(fn)), "m.keras");
      expect(r.verdict).toBe("malicious");
      expect(rules(r)).toEqual(["keras.import.denied"]);
      expect(r.callables).toEqual([`${module}.${name}`]);
    }
  });

  it("Keras' own file helpers (get_file) are malicious when a config calls them", () => {
    const fn = { module: "keras.utils", class_name: "function", config: "get_file" };
    expect(rules(scanBytes(keras(dense(fn)), "m.keras"))).toEqual(["keras.import.denied"]);
  });

  it("serialized lambdas are malicious; classes from other modules are suspicious", () => {
    const lambda = { class_name: "__lambda__", config: { code: "4wEAAAAAAAAA" } };
    expect(rules(scanBytes(keras(dense(lambda)), "m.keras"))).toEqual(["keras.lambda"]);
    const custom = { module: "my_layers", class_name: "Fancy", config: { name: "f" } };
    const r = scanBytes(keras(custom), "m.keras");
    expect(r.verdict).toBe("suspicious");
    expect(rules(r)).toEqual(["keras.custom-object"]);
  });
});
