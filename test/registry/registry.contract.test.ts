// The registry contract: the same behaviour on every store backend (SQLite, PostgreSQL).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, loadPrivateKey, signModel } from "../../src/artifacts/index.js";
import { MlsecError } from "../../src/core/index.js";
import {
  localBlobStore,
  type PublishPolicy,
  Registry,
  verifyAuditLog,
} from "../../src/registry/index.js";
import { BACKENDS, type TestStore } from "../store/backends.js";

const ONNX = new URL("../../examples/models/tabular-mlp.onnx", import.meta.url).pathname;
const OTHER_ONNX = new URL("../../examples/models/digits-mlp.onnx", import.meta.url).pathname;
const MALICIOUS = new URL("../fixtures/scan/malicious-p0.pkl", import.meta.url).pathname;

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
  describe.skipIf(!backend.available)(`registry contract: ${backend.name}`, () => {
    let t: TestStore;
    let dir: string;
    let reg: Registry;
    let model: string;
    // A fixed clock keeps audit entries reproducible; it ticks so entries stay ordered.
    let tick = 0;
    const now = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000);

    beforeAll(async () => {
      t = await backend.open();
      dir = mkdtempSync(join(tmpdir(), "mlsec-registry-"));
      model = join(dir, "model.onnx");
      copyFileSync(ONNX, model);
      reg = await Registry.open(t.store, { blobs: localBlobStore(join(dir, "blobs")), now });
    });
    afterAll(async () => {
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("init makes the first user admin, and only the first", async () => {
      expect(await reg.init("alice")).toEqual({ bootstrapped: true });
      expect(await reg.init("mallory")).toEqual({ bootstrapped: false });
      await rejects(reg.grant("mallory", "mallory", "admin"), "E_REGISTRY_DENIED");
      await reg.grant("alice", "bob", "reader");
      await reg.grant("alice", "pat", "publisher");
    });

    it("refuses names that could escape a path, and digests that are not SHA-256", async () => {
      for (const name of ["../etc", "a/b", "..", "", "A", "x".repeat(129)]) {
        await rejects(reg.publish("pat", { model: name, path: model }), "E_INVALID_ARGUMENT");
      }
      await rejects(reg.grant("alice", "../root", "admin"), "E_INVALID_ARGUMENT");
      expect(() => reg.blobs.pathOf("sha256:../../etc/passwd")).toThrow(MlsecError);
      expect(() => reg.blobs.pathOf(`sha512:${"a".repeat(64)}`)).toThrow(MlsecError);
    });

    it("publishes an immutable, content-addressed version with lineage", async () => {
      const r = await reg.publish("pat", {
        model: "fraud",
        path: model,
        metrics: { accuracy: 0.91 },
        dataDigest: "sha256:ab12",
        codeRevision: "deadbeef",
        description: "fraud scorer",
        tags: ["tabular", "tabular", "prod"],
      });
      expect(r.status).toBe("published");
      if (r.status !== "published") return;
      expect(r.createdModel).toBe(true);
      expect(r.version).toMatchObject({
        model: "fraud",
        version: 1,
        format: "onnx",
        metrics: { accuracy: 0.91 },
        lineage: { dataDigest: "sha256:ab12", codeRevision: "deadbeef", parent: null },
        createdBy: "pat",
      });
      expect(r.version.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(existsSync(reg.blobs.pathOf(r.version.digest))).toBe(true);
      // Same content again: versions are immutable and content-addressed.
      await rejects(reg.publish("pat", { model: "fraud", path: model }), "E_REGISTRY_CONFLICT");
      // A directory model: two ONNX graphs (every file must scan clean, so no loose JSON here).
      const dirModel = join(dir, "v2");
      mkdirSync(dirModel);
      copyFileSync(ONNX, join(dirModel, "model.onnx"));
      copyFileSync(OTHER_ONNX, join(dirModel, "head.onnx"));
      const v2 = await reg.publish("pat", { model: "fraud", path: dirModel, parent: "fraud@1" });
      expect(v2).toMatchObject({ status: "published" });
      if (v2.status !== "published") return;
      expect(v2.version.version).toBe(2);
      expect(v2.version.lineage.parent).toBe("fraud@1");
      await rejects(
        reg.publish("pat", { model: "fraud", path: OTHER_ONNX, parent: "fraud@9" }),
        "E_REGISTRY_NOT_FOUND",
      );
      const shown = await reg.show("bob", "fraud");
      expect(shown.model).toMatchObject({ owner: "pat", tags: ["prod", "tabular"] });
      expect(shown.versions.map((v) => v.version)).toEqual([1, 2]);
    });

    it("rejects a version that fails the scan policy, with reasons and no state", async () => {
      const before = (await reg.show("alice", "fraud")).versions.length;
      const r = await reg.publish("pat", { model: "fraud", path: MALICIOUS });
      expect(r.status).toBe("rejected");
      if (r.status !== "rejected") return;
      expect(r.reasons[0]).toMatch(/scan verdict is malicious/);
      expect(existsSync(reg.blobs.pathOf(r.digest))).toBe(false);
      expect((await reg.show("alice", "fraud")).versions.length).toBe(before);
      const last = (await reg.auditEntries("alice")).at(-1);
      expect(last).toMatchObject({ actor: "pat", action: "publish", outcome: "rejected" });
    });

    it("denies by default and audits denials", async () => {
      await rejects(reg.publish("bob", { model: "fraud", path: model }), "E_REGISTRY_DENIED");
      await rejects(reg.setAlias("bob", "fraud", "production", 1, "go"), "E_REGISTRY_DENIED");
      await rejects(reg.show("carol", "fraud"), "E_REGISTRY_DENIED");
      expect(await reg.list("carol")).toEqual([]);
      const denied = (await reg.auditEntries("alice")).filter((e) => e.outcome === "denied");
      expect(denied.map((e) => `${e.actor}:${e.action}`)).toEqual([
        "mallory:grant",
        "bob:publish",
        "bob:alias.set",
        "carol:show",
      ]);
      // A grant on one model does not reach another.
      await reg.grant("alice", "carol", "publisher", "fraud");
      expect((await reg.list("carol")).map((m) => m.name)).toEqual(["fraud"]);
      await rejects(reg.publish("carol", { model: "other", path: model }), "E_REGISTRY_DENIED");
      expect(await reg.revoke("alice", "carol", "fraud")).toBe(true);
      await rejects(reg.show("carol", "fraud"), "E_REGISTRY_DENIED");
    });

    it("moves aliases with a recorded reason", async () => {
      expect(await reg.setAlias("pat", "fraud", "production", 1, "passed eval")).toEqual({
        previous: null,
      });
      expect(await reg.setAlias("pat", "fraud", "production", 2, "better recall")).toEqual({
        previous: 1,
      });
      await rejects(reg.setAlias("pat", "fraud", "staging", 7, "x"), "E_REGISTRY_NOT_FOUND");
      const { aliases } = await reg.show("bob", "fraud");
      expect(aliases).toMatchObject([
        { alias: "production", version: 2, reason: "better recall", updatedBy: "pat" },
      ]);
    });

    it("pulls a version verified against its digest; a tampered blob is refused", async () => {
      const out = join(dir, "pulled");
      const v = await reg.pull("bob", "fraud@production", out);
      expect(v.version).toBe(2);
      expect(readdirSync(out).sort()).toEqual(["head.onnx", "model.onnx"]);
      const file = join(dir, "pulled.onnx");
      const v1 = await reg.pull("bob", "fraud@1", file);
      expect(readFileSync(file)).toEqual(readFileSync(ONNX));
      await rejects(reg.pull("carol", "fraud@1", join(dir, "x")), "E_REGISTRY_DENIED");
      await rejects(reg.pull("bob", "fraud@1", file), "E_INVALID_ARGUMENT");
      // Flip one byte of the stored blob: the pull must fail and write nothing.
      const blob = reg.blobs.pathOf(v1.digest);
      const original = readFileSync(blob);
      const tampered = Buffer.from(original);
      tampered[tampered.length - 1] ^= 1;
      writeFileSync(blob, tampered);
      const target = join(dir, "tampered.onnx");
      await rejects(reg.pull("bob", "fraud@1", target), "E_MODEL_MODIFIED");
      expect(existsSync(target)).toBe(false);
      writeFileSync(blob, original);
      expect((await reg.pull("bob", "fraud@latest", join(dir, "latest"))).version).toBe(2);
    });

    it("soft-deletes a version: hidden, aliases dropped, rows and audit kept", async () => {
      await rejects(reg.delete("pat", "fraud", 2, "bad"), "E_REGISTRY_DENIED");
      const d = await reg.delete("alice", "fraud", 2, "data leak");
      expect(d).toEqual({ versions: [2], aliasesRemoved: ["production"] });
      expect((await reg.show("bob", "fraud")).versions.map((v) => v.version)).toEqual([1]);
      const all = await reg.show("bob", "fraud", { includeDeleted: true });
      expect(all.versions[1]?.deletedAt).not.toBeNull();
      await rejects(reg.setAlias("pat", "fraud", "production", 2, "x"), "E_REGISTRY_NOT_FOUND");
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
    });

    it("requires a signature from a trusted key when the policy says so", async () => {
      const trusted = generateSigningKey("ecdsa-p256");
      const other = generateSigningKey("ecdsa-p256");
      const policy: PublishPolicy = {
        requireCleanScan: true,
        requireSignature: true,
        trustedKeys: [trusted.publicPem],
      };
      await rejects(reg.setPolicy("pat", policy, "signed"), "E_REGISTRY_DENIED");
      await reg.setPolicy("alice", policy, "signed");
      const sigPath = join(dir, "model.sig");
      const unsigned = await reg.publish("pat", { model: "signed", path: model });
      expect(unsigned).toMatchObject({ status: "rejected" });
      if (unsigned.status === "rejected") expect(unsigned.reasons[0]).toMatch(/none was given/);
      const sign = async (pem: string) => {
        const { bundle } = await signModel(model, {
          privateKey: loadPrivateKey(Buffer.from(pem)),
          workers: 0,
        });
        writeFileSync(sigPath, JSON.stringify(bundle));
      };
      await sign(other.privatePem);
      const wrong = await reg.publish("pat", {
        model: "signed",
        path: model,
        signaturePath: sigPath,
      });
      expect(wrong).toMatchObject({ status: "rejected" });
      if (wrong.status === "rejected") expect(wrong.reasons[0]).toMatch(/does not verify/);
      await sign(trusted.privatePem);
      const ok = await reg.publish("pat", { model: "signed", path: model, signaturePath: sigPath });
      expect(ok.status).toBe("published");
      if (ok.status === "published")
        expect(ok.version.signature?.keyHint).toMatch(/^[0-9a-f]{64}$/);
    });

    it("rescan records today's verdict and demotes aliases of unsafe versions", async () => {
      const lax: PublishPolicy = {
        requireCleanScan: false,
        requireSignature: false,
        trustedKeys: [],
      };
      await reg.setPolicy("alice", lax, "risky");
      const r = await reg.publish("pat", { model: "risky", path: MALICIOUS });
      expect(r).toMatchObject({ status: "published", version: { scan: { verdict: "malicious" } } });
      await reg.setAlias("pat", "risky", "staging", 1, "lab only");
      await rejects(reg.rescan("pat", { demote: true }), "E_REGISTRY_DENIED");
      const changes = await reg.rescan("alice", { demote: true });
      expect(changes).toEqual([
        {
          model: "risky",
          version: 1,
          before: "malicious",
          after: "malicious",
          aliasesRemoved: ["staging"],
        },
      ]);
      const shown = await reg.show("alice", "risky");
      expect(shown.aliases).toEqual([]);
      expect(shown.versions[0]?.lastScan?.scan.verdict).toBe("malicious");
      expect((await reg.show("alice", "fraud")).versions[0]?.lastScan?.scan.verdict).toBe("safe");
      const last = (await reg.auditEntries("alice")).filter((e) => e.action === "rescan");
      expect(last.some((e) => e.target === "risky@1" && e.outcome === "ok")).toBe(true);
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
    });

    it("parallel publishes get distinct version numbers and keep the chain intact", async () => {
      const files = [
        ...[0, 1, 2, 3, 4, 5].map(
          (i) => new URL(`../fixtures/scan/benign-p${i}.pkl`, import.meta.url).pathname,
        ),
        ONNX,
        OTHER_ONNX,
      ];
      const results = await Promise.all(
        files.map((path) => reg.publish("pat", { model: "many", path })),
      );
      const versions = results.map((r) => (r.status === "published" ? r.version.version : -1));
      expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await reg.show("bob", "many")).versions).toHaveLength(8);
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
    });

    it("verifyAuditLog finds any edited, deleted or reordered entry", async () => {
      // biome-ignore lint/suspicious/noExplicitAny: the test edits the table behind the API.
      const db = t.store.db as Kysely<any>;
      const rows = await db.selectFrom("registry_audit").selectAll().orderBy("seq").execute();
      expect(rows.length).toBeGreaterThan(10);
      const good = await verifyAuditLog(t.store);
      expect(good).toMatchObject({ valid: true, entries: rows.length });
      const fields = ["at", "actor", "action", "target", "outcome", "details", "hash"] as const;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: rows.length - 1 }),
          fc.constantFrom(...fields),
          async (i, field) => {
            const row = rows[i];
            // Same length (columns are bounded): change the first character.
            const value = String(row[field]);
            const edited =
              field === "details"
                ? '{"forged":true}'
                : `${value[0] === "a" ? "b" : "a"}${value.slice(1)}`;
            await db
              .updateTable("registry_audit")
              .set({ [field]: edited })
              .where("seq", "=", row.seq)
              .execute();
            try {
              const v = await verifyAuditLog(t.store);
              expect(v.valid).toBe(false);
              if (!v.valid) expect(v.firstBreak.position).toBe(i + 1);
            } finally {
              await db
                .updateTable("registry_audit")
                .set({ [field]: row[field] })
                .where("seq", "=", row.seq)
                .execute();
            }
          },
        ),
        { numRuns: 25 },
      );
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
      // Reorder: swap two entries' contents (their seq stays).
      const [a, b] = [rows[3], rows[4]];
      const swap = async (x: typeof a, y: typeof a) => {
        const { seq: _s, ...rest } = y;
        await db.updateTable("registry_audit").set(rest).where("seq", "=", x.seq).execute();
      };
      await swap(a, b);
      await swap(b, a);
      const reordered = await verifyAuditLog(t.store);
      expect(reordered.valid).toBe(false);
      if (!reordered.valid) expect(reordered.firstBreak.position).toBe(4);
      await db.updateTable("registry_audit").set(a).where("seq", "=", a.seq).execute();
      await db.updateTable("registry_audit").set(b).where("seq", "=", b.seq).execute();
      // Delete an entry in the middle.
      await db.deleteFrom("registry_audit").where("seq", "=", rows[5].seq).execute();
      const deleted = await verifyAuditLog(t.store);
      expect(deleted).toMatchObject({ valid: false, firstBreak: { position: 6 } });
      await db.insertInto("registry_audit").values(rows[5]).execute();
      // Cutting off the tail is caught against a checkpoint.
      const checkpoint = { entries: rows.length, head: good.head };
      expect((await verifyAuditLog(t.store, checkpoint)).valid).toBe(true);
      const lastRow = rows[rows.length - 1];
      await db.deleteFrom("registry_audit").where("seq", "=", lastRow.seq).execute();
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
      expect((await verifyAuditLog(t.store, checkpoint)).valid).toBe(false);
      await db.insertInto("registry_audit").values(lastRow).execute();
    });
  });
}
