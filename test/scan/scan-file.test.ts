import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanBytes, scanFile, scanPaths } from "../../src/scan/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";
import {
  concat,
  gguf,
  npy,
  onnxModel,
  savedModel,
  tar,
  torchStateDictPickle,
  torchZip,
  zip,
} from "./helpers/archives.js";
import { orderedDictPickle, osSystemPickle, PickleWriter } from "./helpers/pickle-writer.js";

const rules = (r: { findings: readonly { ruleId: string }[] }) => r.findings.map((f) => f.ruleId);

describe("PyTorch zip checkpoints", () => {
  it("a genuine-looking state dict is safe and reads as zip", () => {
    const r = scanBytes(torchZip(torchStateDictPickle()), "model.pt");
    expect(r).toMatchObject({ format: "zip", verdict: "safe", findings: [] });
  });

  it("a malicious data.pkl is malicious, located in its member", () => {
    const r = scanBytes(torchZip(osSystemPickle(2)), "model.pt");
    expect(r.verdict).toBe("malicious");
    expect(r.findings[0].location.members).toEqual(["archive/data.pkl"]);
    expect(r.callables).toEqual(["os.system"]);
  });

  it("finds a protocol 0 pickle hidden under a tensor-data name", () => {
    const bytes = torchZip(torchStateDictPickle(), [
      { name: "archive/data/7", data: osSystemPickle(0) },
    ]);
    const r = scanBytes(bytes, "model.pt");
    expect(r.verdict).toBe("malicious");
    expect(r.findings[0].location.members).toEqual(["archive/data/7"]);
  });

  it("reads members whose local-header name differs, or with the encryption flag set", () => {
    const mismatch = zip([
      { name: "archive/version", localName: "archive/data.pkl", data: osSystemPickle(2) },
    ]);
    const r1 = scanBytes(mismatch, "m.pt");
    expect(r1.verdict).toBe("malicious");
    expect(rules(r1)).toContain("zip.name-mismatch");
    const encrypted = zip([{ name: "archive/data.pkl", data: osSystemPickle(2), flags: 1 }]);
    const r2 = scanBytes(encrypted, "m.pt");
    expect(r2.verdict).toBe("malicious");
    expect(rules(r2)).toContain("zip.encrypted-flag");
  });

  it("reads deflated members with a wrong CRC", () => {
    const r = scanBytes(
      zip([{ name: "a/data.pkl", data: osSystemPickle(4), deflate: true, crc: 1234 }]),
      "m.zip",
    );
    expect(r.verdict).toBe("malicious");
    expect(rules(r)).toContain("zip.crc-mismatch");
  });

  it("flags path traversal in member names", () => {
    const r = scanBytes(zip([{ name: "../../etc/cron.d/x", data: "hi" }]), "m.zip");
    expect(r.verdict).toBe("malicious");
    expect(rules(r)).toContain("archive.path-traversal");
  });

  it("bounds zip bombs and nesting depth", () => {
    const bomb = zip([{ name: "big.bin", data: new Uint8Array(4 * 1024 * 1024), deflate: true }]);
    const r = scanBytes(bomb, "b.zip", { limits: { maxMemberBytes: 1024 * 1024 } });
    expect(r.verdict).toBe("suspicious");
    expect(rules(r)).toContain("archive.bomb");
    let nested = osSystemPickle(2);
    for (let i = 0; i < 12; i++) nested = zip([{ name: `level${i}.zip`, data: nested }]);
    const deep = scanBytes(nested, "deep.zip");
    expect(rules(deep)).toContain("archive.depth");
    expect(deep.verdict).toBe("suspicious");
    const shallow = scanBytes(
      zip([{ name: "in.zip", data: torchZip(osSystemPickle(2)) }]),
      "x.zip",
    );
    expect(shallow.verdict).toBe("malicious");
    expect(shallow.findings[0].location.members).toEqual(["in.zip", "archive/data.pkl"]);
  });

  it("treats tensor data that happens to look like zlib/ONNX/SavedModel/safetensors as data", () => {
    const lookalikes = [
      [0x78, 0x9c, 1, 2, 3, 4, 5, 6], // zlib header, then garbage
      [0x08, 0x01, 0x12, 0x7f, 0, 0, 0, 0], // SavedModel start, overrunning
      [0x08, 0x07, 0x12, 0x40, 1, 2, 3, 4], // ONNX start, overrunning
      [5, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0, 0, 0, 0, 0, 0, 0], // int64 [5, 123]: safetensors-like
    ].map((bytes, i) => ({ name: `archive/data/${i + 10}`, data: Uint8Array.from(bytes) }));
    const r = scanBytes(torchZip(torchStateDictPickle(), lookalikes), "model.pt");
    expect(r).toMatchObject({ verdict: "safe", findings: [] });
  });

  it("reports a truncated zip as invalid", () => {
    const whole = torchZip(torchStateDictPickle());
    const r = scanBytes(whole.subarray(0, whole.length - 30), "m.pt");
    expect(r.verdict).toBe("invalid");
  });
});

describe("other containers", () => {
  it("legacy PyTorch: several pickles in a row, then raw storage bytes", () => {
    const magic = new PickleWriter().proto(2).raw(0x8a, 2, 0x6a, 0x19).stop().bytes();
    const legacy = concat([
      magic,
      new PickleWriter().proto(2).int(2).stop().bytes(), // protocol version
      orderedDictPickle(), // sys info stand-in
      osSystemPickle(2), // the data pickle
      new Uint8Array([0x10, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]), // raw storage
    ]);
    const r = scanBytes(legacy, "old.pt");
    expect(r.format).toBe("pickle");
    expect(r.verdict).toBe("malicious");
    expect(r.findings[0].message).toMatch(/^pickle #4:/);
  });

  it("legacy PyTorch tar, and path traversal in tar names", () => {
    const r = scanBytes(
      tar([
        { name: "sys_info", data: orderedDictPickle() },
        { name: "pickle", data: osSystemPickle(2) },
        { name: "storages", data: new Uint8Array(16) },
      ]),
      "old.tar",
    );
    expect(r).toMatchObject({ format: "tar", verdict: "malicious" });
    const t = scanBytes(
      tar([
        { name: "../x", data: "a" },
        { name: "l", type: "2", linkname: "/etc" },
      ]),
      "t.tar",
    );
    expect(rules(t)).toEqual([
      "archive.path-traversal",
      "archive.path-traversal",
      "archive.symlink",
    ]);
  });

  it("gzip-compressed joblib pickle", () => {
    const r = scanBytes(new Uint8Array(gzipSync(osSystemPickle(3))), "model.joblib");
    expect(r).toMatchObject({ format: "gzip", verdict: "malicious" });
  });

  it("npy: object dtype pickles are scanned; a plain array is safe; a lying header is caught", () => {
    expect(scanBytes(npy("|O", "(1,)", osSystemPickle(2)), "a.npy").verdict).toBe("malicious");
    const floats = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    expect(scanBytes(npy("<f4", "(3,)", floats), "a.npy")).toMatchObject({
      format: "npy",
      verdict: "safe",
    });
    const lying = scanBytes(npy("<f4", "(3,)", osSystemPickle(2)), "a.npy");
    expect(lying.verdict).toBe("malicious");
    expect(rules(lying)).toContain("npy.hidden-pickle");
    const npz = scanBytes(
      zip([{ name: "x.npy", data: npy("|O", "(1,)", osSystemPickle(4)) }]),
      "d.npz",
    );
    expect(npz.verdict).toBe("malicious");
  });

  it("safetensors: consistent header is safe; overlaps and out-of-file offsets are invalid", () => {
    const st = (header: object, dataBytes: number) => {
      const h = new TextEncoder().encode(JSON.stringify(header));
      const len = new Uint8Array(8);
      new DataView(len.buffer).setBigUint64(0, BigInt(h.length), true);
      return concat([len, h, new Uint8Array(dataBytes)]);
    };
    const good = st(
      {
        __metadata__: { format: "pt" },
        a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        b: { dtype: "I64", shape: [1], data_offsets: [8, 16] },
      },
      16,
    );
    expect(scanBytes(good, "m.safetensors")).toMatchObject({
      format: "safetensors",
      verdict: "safe",
    });
    const overlap = st(
      {
        a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        b: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
      },
      12,
    );
    expect(scanBytes(overlap, "m.safetensors").verdict).toBe("invalid");
    const outside = st({ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, 8);
    expect(scanBytes(outside, "m.safetensors").verdict).toBe("invalid");
    const meta = st({ __metadata__: { n: 3 } }, 0);
    expect(scanBytes(meta, "m.safetensors").verdict).toBe("invalid");
  });

  it("ONNX: plain model is safe; traversing external data and custom domains are flagged", () => {
    expect(scanBytes(onnxModel(), "m.onnx")).toMatchObject({ format: "onnx", verdict: "safe" });
    const ext = scanBytes(onnxModel({ externalLocation: "../../../etc/passwd" }), "m.onnx");
    expect(ext.verdict).toBe("malicious");
    expect(rules(ext)).toEqual(["onnx.external-data-traversal"]);
    expect(scanBytes(onnxModel({ externalLocation: "weights.bin" }), "m.onnx").verdict).toBe(
      "safe",
    );
    const custom = scanBytes(onnxModel({ domain: "com.example.evil" }), "m.onnx");
    expect(custom.verdict).toBe("suspicious");
    expect(rules(custom)).toEqual(["onnx.custom-domain"]);
  });

  it("Keras .keras: Lambda layers are malicious, plain configs safe", () => {
    const config = (cls: string) =>
      JSON.stringify({
        class_name: "Sequential",
        config: { layers: [{ class_name: cls, module: "keras.layers", config: { name: "l1" } }] },
      });
    const keras = (cls: string) =>
      zip([
        { name: "metadata.json", data: '{"keras_version": "3.3.3"}' },
        { name: "config.json", data: config(cls) },
      ]);
    expect(scanBytes(keras("Dense"), "m.keras").verdict).toBe("safe");
    const lambda = scanBytes(keras("Lambda"), "m.keras");
    expect(lambda.verdict).toBe("malicious");
    expect(rules(lambda)).toEqual(["keras.lambda"]);
  });

  it("SavedModel: file and Python-function ops are flagged, checkpoint ops are not", () => {
    const benign = scanBytes(
      savedModel(["Const", "MatMul", "SaveV2", "RestoreV2"]),
      "saved_model.pb",
    );
    expect(benign).toMatchObject({ format: "savedmodel", verdict: "safe" });
    const bad = scanBytes(savedModel(["Const", "ReadFile"], ["EagerPyFunc"]), "saved_model.pb");
    expect(bad.verdict).toBe("malicious");
    expect(bad.findings.map((f) => f.message.split(" ")[2])).toEqual(["ReadFile", "EagerPyFunc"]);
  });

  it("GGUF: chat templates with sandbox escapes are malicious, plain templates safe", () => {
    const plain = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}";
    expect(scanBytes(gguf({ "tokenizer.chat_template": plain }), "m.gguf")).toMatchObject({
      format: "gguf",
      verdict: "safe",
    });
    const evil =
      "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('echo hi').read() }}";
    const r = scanBytes(gguf({ "tokenizer.chat_template": evil }), "m.gguf");
    expect(r.verdict).toBe("malicious");
    expect(rules(r)).toEqual(["gguf.chat-template"]);
    expect(scanBytes(gguf({}, 1 << 20), "m.gguf").verdict).toBe("invalid");
    const whole = gguf({ "general.name": "x" });
    expect(scanBytes(whole.subarray(0, 30), "m.gguf").verdict).toBe("invalid");
  });

  it("a pickle disguised by its extension is itself a finding", () => {
    const r = scanBytes(orderedDictPickle(), "model.safetensors");
    expect(r.verdict).toBe("malicious");
    expect(rules(r)).toEqual(["format.extension-mismatch"]);
    expect(scanBytes(orderedDictPickle(), "model.pkl").verdict).toBe("safe");
  });

  it("unrecognised content is skipped and never reported as safe", () => {
    const r = scanBytes(new TextEncoder().encode("# readme\nhello\n"), "README.md");
    expect(r).toMatchObject({ format: "unknown", verdict: "invalid", skipped: true });
  });
});

describe("files and directories", () => {
  it("scans a directory recursively and summarises", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-scan-"));
    writeFileSync(join(dir, "good.pt"), torchZip(torchStateDictPickle()));
    writeFileSync(join(dir, "bad.pkl"), osSystemPickle(0));
    const result = scanPaths([dir]);
    expect(result.files.map((f) => [f.path.slice(dir.length + 1), f.verdict])).toEqual([
      ["bad.pkl", "malicious"],
      ["good.pt", "safe"],
    ]);
    expect(result.summary).toMatchObject({ files: 2, verdicts: { malicious: 1, safe: 1 } });
    expect(scanFile(join(dir, "good.pt")).verdict).toBe("safe");
    expect(() => scanPaths([join(dir, "missing")])).toThrow(/cannot read/);
  });
});

describe("no false positives on genuine files", () => {
  const torchModels = sharedDataPath("torch-models");
  it.skipIf(torchModels === undefined)(
    `PyTorch-exported ONNX models and NumPy .npz references are safe (${SHARED_DATA_SKIP_REASON})`,
    () => {
      const result = scanPaths([torchModels!]);
      const models = result.files.filter((f) => /\.(onnx|npz)$/.test(f.path));
      expect(models.length).toBeGreaterThanOrEqual(4);
      for (const f of models) expect([f.path, f.verdict, f.findings]).toEqual([f.path, "safe", []]);
    },
  );
});

describe("robustness (fuzz)", () => {
  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const r = scanBytes(bytes, "x.bin");
        expect(["malicious", "suspicious", "invalid", "safe"]).toContain(r.verdict);
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws on mutated archives, and never calls a mutated malicious zip safe", () => {
    const base = torchZip(osSystemPickle(2));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const b = Uint8Array.from(base);
          for (const [i, v] of edits) b[i] = v;
          const r = scanBytes(b, "m.pt");
          expect(["malicious", "suspicious", "invalid", "safe"]).toContain(r.verdict);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
