import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import {
  encodeModel,
  loadModel,
  type ModelProto,
  saveModel,
  tensorToFloat32,
} from "../../src/onnx/index.js";
import { tinyLinearModel } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-model-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof MlsecError ? e.code : `not MlsecError: ${e}`;
  }
  return undefined;
}

/** The tiny model with W moved to an external file at `location`. */
function withExternalWeights(location: string, offset = 0, length?: number): ModelProto {
  const model = tinyLinearModel();
  const w = model.graph!.initializer[0];
  w.rawData = undefined;
  w.dataLocation = 1;
  w.externalData = [
    { key: "location", value: location },
    { key: "offset", value: String(offset) },
    ...(length === undefined ? [] : [{ key: "length", value: String(length) }]),
  ];
  return model;
}

describe("loadModel / saveModel", () => {
  it("saves atomically and loads back", async () => {
    const path = join(dir, "tiny.onnx");
    await saveModel(path, tinyLinearModel());
    const model = await loadModel(path);
    expect(model.graph?.node).toHaveLength(3);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });

  it("reads external data at an offset inside the model directory", async () => {
    const weights = new Float32Array([1, -1, 0.5, 2, -0.25, 0]);
    writeFileSync(
      join(dir, "weights.bin"),
      Buffer.concat([Buffer.alloc(16), Buffer.from(weights.buffer)]),
    );
    writeFileSync(join(dir, "ext.onnx"), encodeModel(withExternalWeights("weights.bin", 16, 24)));
    const model = await loadModel(join(dir, "ext.onnx"));
    expect([...tensorToFloat32(model.graph!.initializer[0])]).toEqual([...weights]);
  });

  it("refuses external data that escapes the model directory (path traversal, absolute, symlink)", async () => {
    const inner = mkdtempSync(join(dir, "inner-"));
    writeFileSync(join(dir, "secret.bin"), Buffer.alloc(24));
    symlinkSync(join(dir, "secret.bin"), join(inner, "link.bin"));
    for (const location of ["../secret.bin", "/etc/passwd", "link.bin"]) {
      writeFileSync(join(inner, "m.onnx"), encodeModel(withExternalWeights(location)));
      expect(await codeOf(loadModel(join(inner, "m.onnx")))).toBe("E_ONNX_EXTERNAL_DATA");
    }
  });

  it("refuses external ranges past the end of the file and missing files", async () => {
    writeFileSync(join(dir, "short.bin"), Buffer.alloc(8));
    writeFileSync(join(dir, "range.onnx"), encodeModel(withExternalWeights("short.bin", 0, 24)));
    expect(await codeOf(loadModel(join(dir, "range.onnx")))).toBe("E_ONNX_EXTERNAL_DATA");
    writeFileSync(join(dir, "gone.onnx"), encodeModel(withExternalWeights("gone.bin")));
    expect(await codeOf(loadModel(join(dir, "gone.onnx")))).toBe("E_ONNX_EXTERNAL_DATA");
  });

  it("gives E_FILE_NOT_FOUND for a missing model and E_ONNX_PARSE for a truncated one", async () => {
    expect(await codeOf(loadModel(join(dir, "nope.onnx")))).toBe("E_FILE_NOT_FOUND");
    const bytes = encodeModel(tinyLinearModel());
    writeFileSync(join(dir, "cut.onnx"), bytes.subarray(0, bytes.length / 2));
    expect(await codeOf(loadModel(join(dir, "cut.onnx")))).toBe("E_ONNX_PARSE");
  });
});
