// Datasets as first-class artifacts, lineage to exact dataset versions, retention flags,
// encryption at rest, tokens and signed audit checkpoints: on every store backend.

import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, loadPrivateKey, signModel } from "../../src/artifacts/index.js";
import { MlsecError } from "../../src/core/index.js";
import {
  localBlobStore,
  Registry,
  verifyAuditLog,
  verifyCheckpoint,
} from "../../src/registry/index.js";
import { BACKENDS, type TestStore } from "../store/backends.js";

const ONNX = new URL("../../examples/models/tabular-mlp.onnx", import.meta.url).pathname;
const NPZ = new URL("../../examples/data/tabular-train.npz", import.meta.url).pathname;
const SMALL = new URL("../fixtures/scan/benign-p1.pkl", import.meta.url).pathname;
const MALICIOUS = new URL("../fixtures/scan/malicious-p0.pkl", import.meta.url).pathname;
const DAY = 86_400_000;

async function rejects(p: Promise<unknown>, code: string): Promise<MlsecError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(MlsecError);
  expect((e as MlsecError).code).toBe(code);
  return e as MlsecError;
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`registry datasets and security: ${backend.name}`, () => {
    let t: TestStore;
    let dir: string;
    let reg: Registry;
    let clock = Date.UTC(2026, 0, 1);
    // A ticking clock keeps audit entries ordered; tests jump it forward past retention periods.
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    const key = randomBytes(32);

    beforeAll(async () => {
      t = await backend.open();
      dir = mkdtempSync(join(tmpdir(), "mlsec-registry-ds-"));
      reg = await Registry.open(t.store, {
        blobs: localBlobStore(join(dir, "blobs")),
        now,
        blobKey: { kind: "key", key },
      });
      await reg.init("alice");
      await reg.grant("alice", "pat", "publisher");
      await reg.grant("alice", "bob", "reader");
    });
    afterAll(async () => {
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a dataset declares purpose and retention; its versions are scanned and digested", async () => {
      await rejects(
        reg.create("pat", { name: "iris", kind: "dataset", retentionDays: 30 }),
        "E_INVALID_ARGUMENT",
      );
      await rejects(
        reg.create("pat", { name: "iris", kind: "dataset", purpose: "x", retentionDays: 0 }),
        "E_INVALID_ARGUMENT",
      );
      await rejects(
        reg.create("bob", { name: "iris", kind: "dataset", purpose: "x", retentionDays: 3 }),
        "E_REGISTRY_DENIED",
      );
      await reg.create("pat", {
        name: "iris",
        kind: "dataset",
        purpose: "train the flower classifier",
        retentionDays: 30,
      });
      await rejects(reg.create("pat", { name: "iris", kind: "model" }), "E_REGISTRY_CONFLICT");
      const csv = join(dir, "iris.csv");
      writeFileSync(csv, "sepal,petal,label\n5.1,1.4,0\n");
      const v1 = await reg.publish("pat", { model: "iris", path: csv });
      expect(v1).toMatchObject({ status: "published", version: { version: 1 } });
      const v2 = await reg.publish("pat", { model: "iris", path: NPZ });
      expect(v2.status).toBe("published");
      if (v1.status !== "published" || v2.status !== "published") return;
      expect(v1.version.expiresAt).toBe(
        new Date(Date.parse(v1.version.createdAt) + 30 * DAY).toISOString(),
      );
      // A malicious "dataset" (a pickle) is still refused.
      const bad = await reg.publish("pat", { model: "iris", path: MALICIOUS });
      expect(bad.status).toBe("rejected");
      const shown = await reg.show("bob", "iris");
      expect(shown.model).toMatchObject({
        kind: "dataset",
        purpose: "train the flower classifier",
        retentionDays: 30,
      });
      expect(shown.expired).toEqual([]);
      expect((await reg.list("bob", { kind: "dataset" })).map((m) => m.name)).toEqual(["iris"]);
    });

    it("a model version's lineage names exact dataset versions; expiry is flagged", async () => {
      await reg.setAlias("pat", "iris", "current", 1, "first cut");
      const r = await reg.publish("pat", {
        model: "flowers",
        path: ONNX,
        datasets: ["iris@current"],
      });
      expect(r.status).toBe("published");
      if (r.status !== "published") return;
      const iris1 = (await reg.show("bob", "iris")).versions[0];
      expect(r.version.lineage.datasets).toEqual([
        { dataset: "iris", version: 1, digest: iris1?.digest },
      ]);
      // The alias moving later does not move the lineage.
      await reg.setAlias("pat", "iris", "current", 2, "more rows");
      expect((await reg.show("bob", "flowers")).versions[0]?.lineage.datasets[0]?.version).toBe(1);
      await rejects(
        reg.publish("pat", { model: "flowers2", path: ONNX, datasets: ["flowers@1"] }),
        "E_INVALID_ARGUMENT",
      );
      await rejects(
        reg.publish("pat", { model: "flowers2", path: ONNX, datasets: ["iris@9"] }),
        "E_REGISTRY_NOT_FOUND",
      );
      // 31 days later both iris versions are past retention.
      clock += 31 * DAY;
      const flowers = await reg.show("bob", "flowers");
      expect(flowers.expired).toMatchObject([{ dataset: "iris", version: 1, usedBy: 1 }]);
      expect((await reg.show("bob", "iris")).expired.map((e) => e.version)).toEqual([1, 2]);
      const report = await reg.expired("bob");
      expect(report).toMatchObject([
        { dataset: "iris", version: 1, usedBy: ["flowers@1"] },
        { dataset: "iris", version: 2, usedBy: [] },
      ]);
      // Training on expired data is refused by the publish check.
      const late = await reg.publish("pat", {
        model: "flowers",
        path: join(dir, "iris.csv"),
        datasets: ["iris@2"],
      });
      expect(late.status).toBe("rejected");
      if (late.status === "rejected") expect(late.reasons.join()).toMatch(/retention period/);
    });

    it("encryption at rest: the blob on disk is ciphertext, pull decrypts and verifies", async () => {
      const policy = {
        requireCleanScan: true,
        requireSignature: false,
        trustedKeys: [],
        requireEncryption: true,
      };
      await reg.setPolicy("alice", policy, "secret");
      const r = await reg.publish("pat", { model: "secret", path: SMALL });
      expect(r.status).toBe("published");
      if (r.status !== "published") return;
      expect(r.version.encryption).toMatchObject({ keyKind: "key" });
      const onDisk = reg.blobs.pathOf(r.version.digest, true);
      expect(readFileSync(onDisk).subarray(0, 8).toString("latin1")).toBe("MLSECENC");
      expect(existsSync(reg.blobs.pathOf(r.version.digest))).toBe(false);
      const out = join(dir, "secret.onnx");
      await reg.pull("bob", "secret@1", out);
      expect(readFileSync(out)).toEqual(readFileSync(SMALL));
      // A flipped ciphertext byte fails authentication and writes nothing.
      const original = readFileSync(onDisk);
      const bad = Buffer.from(original);
      bad[bad.length - 20] ^= 1;
      writeFileSync(onDisk, bad);
      await rejects(reg.pull("bob", "secret@1", join(dir, "x.onnx")), "E_DECRYPT_AUTH");
      expect(existsSync(join(dir, "x.onnx"))).toBe(false);
      writeFileSync(onDisk, original);
      // Without the registry key the policy cannot be met: rejected with the reason.
      const keyless = await Registry.open(t.store, { blobs: localBlobStore(join(dir, "blobs")) });
      const refused = await keyless.publish("pat", { model: "secret", path: ONNX });
      expect(refused.status).toBe("rejected");
      if (refused.status === "rejected") expect(refused.reasons[0]).toMatch(/encryption at rest/);
      await rejects(keyless.pull("bob", "secret@1", join(dir, "y.onnx")), "E_INVALID_ARGUMENT");
      // Rescan reads encrypted blobs through the key.
      const changes = await reg.rescan("alice");
      expect(changes).toEqual([]);
    });

    it("pull re-verifies a signed version with the keys trusted now", async () => {
      const trusted = generateSigningKey("ecdsa-p256");
      const other = generateSigningKey("ecdsa-p256");
      const policy = (keys: string[]) => ({
        requireCleanScan: true,
        requireSignature: true,
        trustedKeys: keys,
      });
      await reg.setPolicy("alice", policy([trusted.publicPem]), "signed");
      const model = join(dir, "signed.onnx");
      copyFileSync(ONNX, model);
      const { bundle } = await signModel(model, {
        privateKey: loadPrivateKey(Buffer.from(trusted.privatePem)),
        workers: 0,
      });
      const sig = join(dir, "signed.sig");
      writeFileSync(sig, JSON.stringify(bundle));
      const r = await reg.publish("pat", { model: "signed", path: model, signaturePath: sig });
      expect(r.status).toBe("published");
      await reg.pull("bob", "signed@1", join(dir, "s1.onnx"));
      expect(readFileSync(join(dir, "s1.onnx"))).toEqual(readFileSync(ONNX));
      // The key is dropped from the policy: the version no longer passes at pull.
      await reg.setPolicy("alice", policy([other.publicPem]), "signed");
      const target = join(dir, "s2.onnx");
      await rejects(reg.pull("bob", "signed@1", target), "E_SIGNATURE_INVALID");
      expect(existsSync(target)).toBe(false);
    });

    it("rescan reports a blob altered on disk as tampered and demotes its aliases", async () => {
      const r = await reg.publish("pat", {
        model: "victim",
        path: MALICIOUS.replace("malicious-p0", "benign-p3"),
      });
      if (r.status !== "published") throw new Error("publish failed");
      await reg.setAlias("pat", "victim", "production", 1, "ok");
      const blob = reg.blobs.pathOf(r.version.digest);
      const original = readFileSync(blob);
      writeFileSync(blob, Buffer.concat([original, Buffer.from("x")]));
      try {
        const changes = await reg.rescan("alice", { demote: true });
        expect(changes).toContainEqual({
          model: "victim",
          version: 1,
          before: "safe",
          after: "tampered",
          aliasesRemoved: ["production"],
        });
      } finally {
        writeFileSync(blob, original);
      }
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
    });

    it("tokens: shown once, stored as HMAC, revocable, expiring; issuing for others is admin", async () => {
      const { token, info } = await reg.createToken("bob", { label: "laptop", ttlDays: 1 });
      expect(token).toMatch(/^mlsec_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(await reg.authenticate(token)).toBe("bob");
      // biome-ignore lint/suspicious/noExplicitAny: the test reads the table behind the API.
      const db = t.store.db as Kysely<any>;
      const row = await db
        .selectFrom("registry_tokens")
        .selectAll()
        .where("id", "=", info.id)
        .executeTakeFirst();
      expect(JSON.stringify(row)).not.toContain(token.slice(24));
      const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
      expect(await reg.authenticate(flipped)).toBeUndefined();
      expect(await reg.authenticate("mlsec_0000000000000000_" + "A".repeat(43))).toBeUndefined();
      await rejects(reg.createToken("bob", { principal: "alice" }), "E_REGISTRY_DENIED");
      await rejects(reg.createToken("nobody"), "E_REGISTRY_DENIED");
      // A grant on one model is enough for a token of one's own.
      await reg.grant("alice", "dana", "reader", "iris");
      const dana = await reg.createToken("dana");
      expect(await reg.authenticate(dana.token)).toBe("dana");
      await reg.revokeToken("dana", dana.info.id);
      const own = await reg.listTokens("dana");
      expect(own.map((x) => [x.principal, x.revokedAt !== null])).toEqual([["dana", true]]);
      const all = await reg.listTokens("alice");
      expect(new Set(all.map((x) => x.principal))).toEqual(new Set(["bob", "dana"]));
      expect(JSON.stringify(all)).not.toMatch(/secret|hmac/i);
      const forPat = await reg.createToken("alice", { principal: "pat" });
      expect(await reg.authenticate(forPat.token)).toBe("pat");
      await rejects(reg.revokeToken("bob", forPat.info.id), "E_REGISTRY_DENIED");
      await reg.revokeToken("pat", forPat.info.id);
      expect(await reg.authenticate(forPat.token)).toBeUndefined();
      clock += 2 * DAY;
      expect(await reg.authenticate(token)).toBeUndefined();
    });

    it("signed checkpoints: a cut tail and a forged checkpoint are both caught", async () => {
      const k = generateSigningKey("ed25519");
      const other = generateSigningKey("ed25519");
      await rejects(reg.checkpoint("pat", createPrivateKey(k.privatePem)), "E_REGISTRY_DENIED");
      const cp = await reg.checkpoint("alice", createPrivateKey(k.privatePem));
      const text = JSON.stringify(cp);
      const trusted = [createPublicKey(k.publicPem)];
      expect(verifyCheckpoint(text, trusted)).toEqual(cp);
      expect(() => verifyCheckpoint(text, [createPublicKey(other.publicPem)])).toThrow(MlsecError);
      const forged = JSON.stringify({ ...cp, entries: cp.entries - 1 });
      expect(() => verifyCheckpoint(forged, trusted)).toThrow(/does not verify/);
      expect((await verifyAuditLog(t.store, cp)).valid).toBe(true);
      // biome-ignore lint/suspicious/noExplicitAny: the test edits the table behind the API.
      const db = t.store.db as Kysely<any>;
      const tail = await db
        .selectFrom("registry_audit")
        .selectAll()
        .orderBy("seq", "desc")
        .limit(2)
        .execute();
      await db
        .deleteFrom("registry_audit")
        .where(
          "seq",
          "in",
          tail.map((r) => r.seq),
        )
        .execute();
      const cut = await verifyAuditLog(t.store, cp);
      expect(cut.valid).toBe(false);
      for (const row of tail.reverse()) await db.insertInto("registry_audit").values(row).execute();
      expect((await verifyAuditLog(t.store, cp)).valid).toBe(true);
    });
  });
}
