import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseKeyFile } from "../../src/artifacts/index.js";
import { localBlobStore, Registry } from "../../src/registry/index.js";
import { openStore, resolveStoreConfig } from "../../src/store/index.js";
import { gateway, image, MODEL, post, tempDir } from "./helpers.js";

/** A SQLite registry holding digits-cnn as version 1, its blobs encrypted at rest. */
async function registryWithModel() {
  const dir = tempDir();
  const dbPath = join(dir, "registry.db");
  const keyFile = join(dir, "blob.key");
  writeFileSync(keyFile, randomBytes(32).toString("hex"));
  const store = await openStore(resolveStoreConfig(dbPath, {}));
  try {
    const registry = await Registry.open(store, {
      blobs: localBlobStore(join(dir, "blobs")),
      blobKey: { kind: "key", key: parseKeyFile(readFileSync(keyFile)) },
    });
    await registry.init("alice", {
      requireCleanScan: true,
      requireSignature: false,
      trustedKeys: [],
      requireEncryption: true,
    });
    const result = await registry.publish("alice", { model: "digits", path: MODEL });
    expect(result.status).toBe("published");
  } finally {
    await store.close();
  }
  return { dir, dbPath, keyFile };
}

const source = (r: { dbPath: string; keyFile: string }, extra: object = {}) => ({
  store: r.dbPath,
  ref: "digits@latest",
  actor: "alice",
  blobKeyFile: r.keyFile,
  requireSignature: false,
  ...extra,
});

describe("serving from the registry", () => {
  it("serves a verified, decrypted registry version under its version number", async () => {
    const r = await registryWithModel();
    const gw = await gateway({
      models: [{ name: "digits", registry: source(r), batching: { workers: 0 } }],
    });
    try {
      const answer = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] });
      expect(answer.status).toBe(200);
      expect(answer.json.version).toBe("1");
    } finally {
      await gw.close();
    }
  });

  it("refuses unsigned versions, unknown users and a blob altered on disk", async () => {
    const r = await registryWithModel();
    const start = (extra: object) =>
      gateway({
        models: [{ name: "digits", registry: source(r, extra), batching: { workers: 0 } }],
      });
    await expect(start({ requireSignature: true })).rejects.toMatchObject({
      code: "E_GATEWAY_CONFIG",
    });
    await expect(start({ actor: "mallory" })).rejects.toMatchObject({ code: "E_REGISTRY_DENIED" });
    const blobDir = join(r.dir, "blobs");
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) =>
        statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)],
      );
    for (const blob of walk(blobDir)) writeFileSync(blob, "tampered");
    await expect(start({})).rejects.toMatchObject({ code: "E_ENCRYPTED_FORMAT" });
  });
});
