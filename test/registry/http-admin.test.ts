// The registry HTTP API's rescan and token routes on loopback, on every store backend: rescan is
// refused below a registry-wide maintainer and catches a blob altered on disk (demoting its
// alias); a token lists and revokes only its own principal's tokens, admin or not.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRegistryServer,
  localBlobStore,
  Registry,
  type RegistryServer,
  verifyAuditLog,
} from "../../src/registry/index.js";
import { BACKENDS, type TestStore } from "../store/backends.js";

const PICKLE = new URL("../fixtures/scan/benign-p2.pkl", import.meta.url).pathname;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions.
const json = (r: Response): Promise<any> => r.json();

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`registry HTTP rescan and tokens: ${backend.name}`, () => {
    let t: TestStore;
    let dir: string;
    let reg: Registry;
    let server: RegistryServer;
    let base: string;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};

    const call = (path: string, token: string | undefined, init: RequestInit = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.headers as Record<string, string>),
        },
      });
    const rescan = (token: string | undefined, body: object) =>
      call("/v1/rescan", token, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    beforeAll(async () => {
      t = await backend.open();
      dir = mkdtempSync(join(tmpdir(), "mlsec-registry-http-admin-"));
      reg = await Registry.open(t.store, { blobs: localBlobStore(join(dir, "blobs")) });
      await reg.init("alice");
      await reg.grant("alice", "pat", "publisher");
      await reg.grant("alice", "mona", "maintainer");
      await reg.grant("alice", "bob", "reader");
      for (const [key, who] of [
        ["alice", "alice"],
        ["pat", "pat"],
        ["mona", "mona"],
        ["bob", "bob"],
        ["bob2", "bob"],
      ] as const) {
        const issued = await reg.createToken(who, { label: key });
        tokens[key] = issued.token;
        ids[key] = issued.info.id;
      }
      const r = await reg.publish("pat", { model: "fraud", path: PICKLE });
      expect(r.status).toBe("published");
      await reg.setAlias("pat", "fraud", "production", 1, "passed eval");
      server = await createRegistryServer({ registry: reg });
      base = await server.listen(0);
    });
    afterAll(async () => {
      await server.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("rescan: refused below maintainer; finds a tampered blob and demotes its alias", async () => {
      expect((await rescan(tokens.bob, {})).status).toBe(403);
      expect((await rescan(tokens.pat, { demote: true })).status).toBe(403);
      expect((await rescan(undefined, {})).status).toBe(401);
      expect((await rescan(tokens.alice, { demote: "yes" })).status).toBe(400);
      const clean = await rescan(tokens.mona, { demote: true });
      expect(clean.status).toBe(200);
      expect(await json(clean)).toEqual({ changes: [] });

      const v = (await reg.show("alice", "fraud")).versions[0];
      const path = reg.blobs.pathOf(v?.digest as string);
      const bad = Buffer.from(readFileSync(path));
      bad[5] ^= 1;
      writeFileSync(path, bad);
      const found = await rescan(tokens.alice, { demote: true });
      expect(found.status).toBe(200);
      expect(await json(found)).toMatchObject({
        changes: [
          { model: "fraud", version: 1, after: "tampered", aliasesRemoved: ["production"] },
        ],
      });
      expect((await reg.show("bob", "fraud")).aliases).toEqual([]);
      const denied = (await reg.auditEntries("alice")).filter((e) => e.outcome === "denied");
      expect(denied.map((e) => `${e.actor}:${e.action}`)).toEqual(["bob:rescan", "pat:rescan"]);
    });

    it("tokens: each caller lists only its own, never a secret", async () => {
      const mine = await json(await call("/v1/tokens", tokens.bob));
      expect(mine.items.map((x: { id: string }) => x.id).sort()).toEqual(
        [ids.bob, ids.bob2].sort(),
      );
      for (const item of mine.items) {
        expect(Object.keys(item).sort()).toEqual(
          ["createdAt", "createdBy", "expiresAt", "id", "label", "principal", "revokedAt"].sort(),
        );
      }
      const admin = await json(await call("/v1/tokens", tokens.alice));
      expect(admin.items.map((x: { principal: string }) => x.principal)).toEqual(["alice"]);
      expect((await call("/v1/tokens", undefined)).status).toBe(401);
    });

    it("tokens: a caller revokes its own, not another's (admin included)", async () => {
      const revoke = (token: string | undefined, id: string) =>
        call(`/v1/tokens/${id}`, token, { method: "DELETE" });
      expect((await revoke(tokens.alice, ids.bob2 as string)).status).toBe(404);
      expect((await revoke(tokens.pat, ids.bob2 as string)).status).toBe(404);
      expect((await revoke(tokens.bob, "..%2F..%2Fx")).status).toBe(404);
      const ok = await revoke(tokens.bob, ids.bob2 as string);
      expect(ok.status).toBe(200);
      expect(await json(ok)).toEqual({ id: ids.bob2, revoked: true });
      expect((await call("/v1/whoami", tokens.bob2)).status).toBe(401);
      expect((await revoke(tokens.bob, ids.bob2 as string)).status).toBe(404);
      const listed = await json(await call("/v1/tokens", tokens.bob));
      const gone = listed.items.find((x: { id: string }) => x.id === ids.bob2);
      expect(gone.revokedAt).not.toBeNull();
      expect(await json(await call("/v1/whoami", tokens.bob))).toEqual({ principal: "bob" });
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
    });
  });
}
