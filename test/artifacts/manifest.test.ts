import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildManifest,
  compareNames,
  diffResources,
  hashRanges,
  rootDigest,
  walkModel,
} from "../../src/artifacts/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";

const vectors = sharedDataPath("model-signing-vectors");
const tmp = mkdtempSync(join(tmpdir(), "mlsec-manifest-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function makeModel(name: string, files: Record<string, Buffer | string>): string {
  const root = join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
  }
  return root;
}

describe.skipIf(!vectors)(
  vectors ? "manifest matches the model_signing golden vectors" : SHARED_DATA_SKIP_REASON,
  () => {
    // Subject digests and resources from sigstore/model-transparency scripts/tests (see README).
    it("v1.1.0-elliptic-key: files, ignore-me ignored, signature file ignored", async () => {
      const dir = `${vectors}/v1.1.0-elliptic-key`;
      const m = await buildManifest(dir, {
        ignorePaths: ["ignore-me"],
        signaturePath: `${dir}/model.sig`,
        workers: 2,
      });
      expect(m.rootDigest).toBe("92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4");
      expect(m.resources.map((r) => r.name)).toEqual(["signme-1", "signme-2"]);
      expect(m.modelName).toBe("v1.1.0-elliptic-key");
    });

    it("v1.0.0-elliptic-key: a single-file model is the resource '.'", async () => {
      const m = await buildManifest(`${vectors}/v1.0.0-elliptic-key/signme-1`, { workers: 0 });
      expect(m.resources).toEqual([
        {
          name: ".",
          algorithm: "sha256",
          digest: "bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc",
        },
      ]);
      expect(m.rootDigest).toBe("afa48c8674afe334b8a7dea34f7b46ab256e9255edf8da2132792341b667a45b");
    });
  },
);

describe("manifest", () => {
  it("names are relative POSIX paths in component order; .git and user paths ignored", async () => {
    const root = makeModel("tree", {
      "a.txt": "1",
      "a/b": "2",
      "a/c/d.bin": "3",
      ".git/HEAD": "x",
      "logs/run.txt": "y",
      "model.sig": "{}",
    });
    const m = await buildManifest(root, {
      ignorePaths: ["logs/"],
      signaturePath: join(root, "model.sig"),
      workers: 0,
    });
    expect(m.resources.map((r) => r.name)).toEqual(["a/b", "a/c/d.bin", "a.txt"]);
    expect(m.resources[0].digest).toBe(sha("2"));
    expect(m.serialization.ignore_paths).toEqual([
      ".git",
      ".gitattributes",
      ".github",
      ".gitignore",
      "logs",
      "model.sig",
    ]);
  });

  it("shards: path:start:end per shard, empty files have none, digests of the byte ranges", async () => {
    const big = Buffer.alloc(25, 7);
    const root = makeModel("shards", { "w.bin": big, empty: "" });
    const m = await buildManifest(root, { method: "shards", shardSize: 10, workers: 2 });
    expect(m.resources.map((r) => r.name)).toEqual(["w.bin:0:10", "w.bin:10:20", "w.bin:20:25"]);
    expect(m.resources[2]).toEqual({
      name: "w.bin:20:25",
      algorithm: "sha256-sharded-10",
      digest: sha(big.subarray(20, 25)),
    });
    expect(m.serialization).toMatchObject({ method: "shards", shard_size: 10 });
  });

  it("refuses symlinks unless allowed", async () => {
    const root = makeModel("links", { "real.bin": "abc" });
    symlinkSync(join(root, "real.bin"), join(root, "link.bin"));
    expect(() => walkModel(root)).toThrow(expect.objectContaining({ code: "E_SYMLINK_REFUSED" }));
    const m = await buildManifest(root, { allowSymlinks: true, workers: 0 });
    expect(m.resources.map((r) => [r.name, r.digest])).toEqual([
      ["link.bin", sha("abc")],
      ["real.bin", sha("abc")],
    ]);
  });

  it("hash tasks opened with noFollow refuse a link swapped in after the walk", async () => {
    const root = makeModel("swap", { "real.bin": "abc" });
    const link = join(root, "swapped.bin");
    symlinkSync(join(root, "real.bin"), link);
    for (const workers of [0, 1]) {
      await expect(
        hashRanges([{ path: link, start: 0, noFollow: true }], { workers }),
      ).rejects.toMatchObject({ code: "E_SYMLINK_REFUSED" });
    }
  });

  it("a missing model is E_FILE_NOT_FOUND", async () => {
    await expect(buildManifest(join(tmp, "nope"))).rejects.toMatchObject({
      code: "E_FILE_NOT_FOUND",
    });
  });

  it("diffResources reports changed, missing and extra", () => {
    const a = [
      { name: "x", algorithm: "sha256", digest: sha("1") },
      { name: "y", algorithm: "sha256", digest: sha("2") },
    ];
    const b = [
      { name: "x", algorithm: "sha256", digest: sha("9") },
      { name: "z", algorithm: "sha256", digest: sha("3") },
    ];
    expect(diffResources(a, b)).toEqual({ changed: ["x"], missing: ["y"], extra: ["z"] });
    expect(diffResources(a, a)).toEqual({ changed: [], missing: [], extra: [] });
    expect(rootDigest(a)).toBe(
      sha(Buffer.concat([sha("1"), sha("2")].map((h) => Buffer.from(h, "hex")))),
    );
  });

  it("property: worker, in-thread and whole-buffer hashes agree on random ranges", async () => {
    const data = Buffer.alloc(3 * (1 << 20) + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 9)) & 255;
    const path = join(tmp, "ranges.bin");
    writeFileSync(path, data);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc
            .tuple(fc.nat(data.length), fc.nat(data.length))
            .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
          { minLength: 1, maxLength: 4 },
        ),
        async (ranges) => {
          const tasks = ranges.map(([start, end]) => ({ path, start, end }));
          const [inThread, pooled] = await Promise.all([
            hashRanges(tasks, { workers: 0 }),
            hashRanges(tasks, { workers: 2 }),
          ]);
          ranges.forEach(([s, e], i) => {
            const want = sha(data.subarray(s, e));
            expect(inThread[i].digest.toString("hex")).toBe(want);
            expect(pooled[i].digest.toString("hex")).toBe(want);
          });
        },
      ),
      { numRuns: 4 },
    );
  });

  it("property: compareNames is a total order consistent with path components", () => {
    const seg = fc.stringMatching(/^[a-c.]{1,3}$/);
    fc.assert(
      fc.property(
        fc.array(seg, { minLength: 1, maxLength: 3 }),
        fc.array(seg, { minLength: 1, maxLength: 3 }),
        (a, b) => {
          const x = a.join("/");
          const y = b.join("/");
          const c = compareNames(x, y);
          expect(Math.sign(c) + Math.sign(compareNames(y, x))).toBe(0);
          if (x === y) expect(c).toBe(0);
          if (a[0] !== b[0]) expect(Math.sign(c)).toBe(a[0] < b[0] ? -1 : 1);
        },
      ),
    );
  });
});
