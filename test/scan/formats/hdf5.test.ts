import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hdf5FormatError, readHdf5Root } from "../../../src/scan/formats/hdf5-reader.js";
import { scanBytes } from "../../../src/scan/index.js";
import { memorySource } from "../../../src/scan/source.js";

// Real HDF5 files written by the HDF5 C library (h5wasm), in both on-disk generations: the
// earliest format (superblock 0, version 1 object headers, as h5py writes by default) and the
// latest (superblock 3, OHDR/OCHK headers); strings variable-length (global heap) or fixed.
const tmp = mkdtempSync(join(tmpdir(), "mlsec-h5-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await h5wasm.ready;
});

type Libver = "earliest" | "latest";
let n = 0;

function h5(
  attrs: Record<string, string>,
  libver: Libver,
  dtype: string | null = null,
): Uint8Array {
  const path = join(tmp, `m${n++}.h5`);
  const file = new h5wasm.File(path, "w", {
    libver: libver === "earliest" ? ["earliest", "latest"] : "latest",
  });
  for (const [name, value] of Object.entries(attrs))
    file.create_attribute(name, value, null, dtype);
  file.create_group("model_weights").create_dataset({ name: "w", data: new Float32Array(64) });
  file.close();
  return new Uint8Array(readFileSync(path));
}

const sequential = (cls: string) =>
  JSON.stringify({
    class_name: "Sequential",
    config: { layers: [{ class_name: cls, config: { name: "layer0", function: "a}b\\" } }] },
  });
const rules = (r: { findings: readonly { ruleId: string }[] }) => r.findings.map((f) => f.ruleId);
const variants: [Libver, string | null][] = [
  ["earliest", null],
  ["earliest", "S4096"],
  ["latest", null],
  ["latest", "S4096"],
];

describe("Keras .h5: the root group's model_config attribute, parsed from HDF5", () => {
  it.each(variants)("%s format, dtype %s: Lambda is malicious, Dense is safe", (libver, dtype) => {
    const attrs = (cls: string) => ({ model_config: sequential(cls), keras_version: "2.15.0" });
    const safe = scanBytes(h5(attrs("Dense"), libver, dtype), "m.h5");
    expect(safe).toMatchObject({ format: "hdf5", verdict: "safe" });
    expect(rules(safe)).toEqual(["hdf5.model-config"]);
    const lambda = scanBytes(h5(attrs("Lambda"), libver, dtype), "m.h5");
    expect(lambda.verdict).toBe("malicious");
    expect(rules(lambda)).toEqual(["hdf5.model-config", "keras.lambda"]);
  });

  it("the README's fixture (written by make-h5.mjs) is malicious", () => {
    const bytes = readFileSync(new URL("../../fixtures/scan/keras-lambda.h5", import.meta.url));
    const r = scanBytes(new Uint8Array(bytes), "keras-lambda.h5");
    expect(r).toMatchObject({ format: "hdf5", verdict: "malicious" });
    expect(rules(r)).toEqual(["hdf5.model-config", "keras.lambda"]);
  });

  it("reads every root attribute with its string value", () => {
    const root = readHdf5Root(
      memorySource(h5({ backend: "tensorflow", keras_version: "2.15.0" }, "earliest")),
      { maxStringBytes: 1 << 20 },
    );
    expect(root.superblockVersion).toBe(0);
    expect(root.attributes).toEqual([
      { name: "backend", strings: ["tensorflow"] },
      { name: "keras_version", strings: ["2.15.0"] },
    ]);
  });

  it("training_config is checked too (custom objects load code)", () => {
    const training = JSON.stringify({
      loss: { class_name: "Evil", module: "evil.losses", config: {} },
    });
    const r = scanBytes(
      h5({ model_config: sequential("Dense"), training_config: training }, "latest"),
      "m.h5",
    );
    expect(r.verdict).toBe("suspicious");
    expect(rules(r)).toContain("keras.custom-object");
  });

  it("a weights-only file is safe", () => {
    const r = scanBytes(h5({ note: "weights" }, "latest"), "w.h5");
    expect(r).toMatchObject({ verdict: "safe" });
    expect(rules(r)).toEqual(["hdf5.weights-only"]);
  });

  it("attributes in dense storage are not read, so the file is never called safe", () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a${i}`, "x"]));
    const r = scanBytes(h5({ ...many, model_config: sequential("Lambda") }, "latest"), "m.h5");
    expect(r.verdict).not.toBe("safe");
  });

  it("truncated and corrupt files are invalid, with a reason", () => {
    const whole = h5({ model_config: sequential("Dense") }, "earliest");
    for (const cut of [8, 40, 100, 300]) {
      const r = scanBytes(whole.subarray(0, cut), "m.h5");
      expect(r.verdict).toBe("invalid");
      expect(rules(r)).toEqual(["invalid.hdf5"]);
    }
  });

  it("never throws on mutated files and never reads past a bound (fuzz)", () => {
    const seeds = variants.map(([libver, dtype]) =>
      h5({ model_config: sequential("Lambda") }, libver, dtype),
    );
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (which, edits) => {
          const bytes = seeds[which].slice();
          for (const [at, value] of edits) bytes[8 + (at % (bytes.length - 8))] = value;
          try {
            readHdf5Root(memorySource(bytes), { maxStringBytes: 1 << 16 });
          } catch (error) {
            expect(error).toBeInstanceOf(Hdf5FormatError);
          }
          const r = scanBytes(bytes, "m.h5");
          expect(["malicious", "suspicious", "invalid", "safe"]).toContain(r.verdict);
        },
      ),
      { numRuns: 300 },
    );
  });
});
