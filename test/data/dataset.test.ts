import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import {
  loadDataset,
  ndarray,
  readNpy,
  readNpz,
  saveDataset,
  toLabels,
  toTensor,
  writeNpy,
  writeNpz,
} from "../../src/data/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MlsecError);
    return (e as MlsecError).code;
  }
  return "none";
}

describe("loadDataset", () => {
  it("loads x as a float32 tensor and int64 y as Int32Array labels", async () => {
    for (const name of ["stored.npz", "deflated.npz"]) {
      const { x, y } = await loadDataset(fixture(name));
      expect(x.shape).toEqual([4, 1, 2, 3]);
      expect(x.data).toBeInstanceOf(Float32Array);
      expect(y).toEqual(Int32Array.from([0, 1, 2, 1]));
    }
  });

  it("gives typed errors for missing arrays, NaN, missing and corrupt files", async () => {
    expect(await codeOf(loadDataset(fixture("no-y.npz")))).toBe("E_DATA_MISSING_ARRAY");
    expect(await codeOf(loadDataset(fixture("nan-x.npz")))).toBe("E_NON_FINITE");
    expect(await codeOf(loadDataset(fixture("does-not-exist.npz")))).toBe("E_FILE_NOT_FOUND");
    expect(await codeOf(loadDataset(fixture("f4-2x3.npy")))).toBe("E_DATA_FORMAT");
    expect(await codeOf(loadDataset(fixture("deflated.npz"), { maxFileBytes: 10 }))).toBe(
      "E_LIMIT_EXCEEDED",
    );
    await expect(loadDataset(fixture("no-y.npz"))).rejects.toThrow(/no-y\.npz.*'y' \(found: x\)/);
  });

  it("inflates only x and y, but lists every array when one is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-data-"));
    const x = ndarray([2, 1], Float32Array.from([1, 2]));
    const y = ndarray([2], Int32Array.from([0, 1]));
    // Other arrays in the file are not inflated (see npz.test.ts for a corrupt one).
    const junk = ndarray([1], Uint8Array.from([1]));
    await writeNpz(join(dir, "ok.npz"), { x, y, junk });
    expect((await loadDataset(join(dir, "ok.npz"))).y).toEqual(Int32Array.from([0, 1]));
    await writeNpz(join(dir, "no-y.npz"), { x, junk });
    await expect(loadDataset(join(dir, "no-y.npz"))).rejects.toThrow(/found: x, junk/);
  });
});

describe("toTensor and toLabels", () => {
  it("converts every integer dtype that fits, refusing what does not", () => {
    expect(toLabels(ndarray([2], BigInt64Array.from([3n, -1n])))).toEqual(Int32Array.from([3, -1]));
    expect(toLabels(ndarray([2], Uint8Array.from([9, 255])))).toEqual(Int32Array.from([9, 255]));
    expect(() => toLabels(ndarray([1], BigInt64Array.from([2n ** 40n])))).toThrow(/32-bit/);
    expect(() => toLabels(ndarray([1], Float32Array.from([1])))).toThrow(MlsecError);
    expect(() => toLabels(ndarray([1, 1], Int32Array.from([1])))).toThrow(MlsecError);
  });

  it("converts numeric arrays to float32 and refuses Infinity", () => {
    expect([...toTensor(ndarray([2], Float64Array.from([0.5, -2]))).data]).toEqual([0.5, -2]);
    expect([...toTensor(ndarray([1], BigInt64Array.from([7n]))).data]).toEqual([7]);
    // 1e300 overflows float32 to Infinity.
    expect(() => toTensor(ndarray([1], Float64Array.from([1e300])), "x")).toThrow(/x holds/);
  });
});

describe("writers", () => {
  it("write atomically and read back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-data-"));
    const values = Float32Array.from([1, 2, 3, 4]);
    const x = ndarray([2, 2], values);
    await writeNpy(join(dir, "a.npy"), x);
    expect((await readNpy(join(dir, "a.npy"))).data).toEqual(x.data);
    await saveDataset(join(dir, "d.npz"), {
      x: { shape: [2, 2], data: values },
      y: Int32Array.from([1, 0]),
    });
    const back = await readNpz(join(dir, "d.npz"));
    expect(back.get("y")!.dtype).toBe("int64");
    expect((await loadDataset(join(dir, "d.npz"))).y).toEqual(Int32Array.from([1, 0]));
    await writeNpz(join(dir, "d.npz"), { z: x }, { compress: false });
    expect([...(await readNpz(join(dir, "d.npz"))).keys()]).toEqual(["z"]);
    expect(readdirSync(dir).sort()).toEqual(["a.npy", "d.npz"]); // no temp files left over
    expect(await codeOf(writeNpy(join(dir, "missing-dir", "a.npy"), x))).toBe("E_IO");
    expect(readdirSync(dir).sort()).toEqual(["a.npy", "d.npz"]);
  });

  it("refuses a path that is a directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-data-"));
    writeFileSync(join(dir, "f"), "x");
    expect(await codeOf(readNpz(dir))).toBe("E_FILE_NOT_FOUND");
  });
});

describe("PyTorch reference files in ../shared/data", () => {
  const cnn = sharedDataPath("torch-models/image-cnn-reference.npz");
  const mlp = sharedDataPath("torch-models/tabular-bn-mlp-reference.npz");
  const absent = cnn === undefined || mlp === undefined;
  it.skipIf(absent)(absent ? SHARED_DATA_SKIP_REASON : "reads them", async () => {
    const a = await readNpz(cnn!);
    expect([...a.keys()].sort()).toEqual(["input_gradient", "logits", "loss", "x", "y"]);
    const { x, y } = await loadDataset(cnn!);
    expect(x.shape.slice(1)).toEqual([3, 16, 16]);
    expect(y.length).toBe(x.shape[0]);
    expect(a.get("logits")!.shape).toEqual([x.shape[0], 5]);
    expect(a.get("input_gradient")!.shape).toEqual(x.shape);
    const t = await loadDataset(mlp!);
    expect(t.x.shape[1]).toBe(12);
    expect(Math.max(...t.y)).toBeLessThan(3);
    expect(readFileSync(mlp!).length).toBeGreaterThan(0);
  });
});
