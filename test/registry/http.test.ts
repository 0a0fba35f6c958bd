// The registry HTTP API on loopback, on every store backend: bearer tokens with throttled
// failures, streamed push and pull with ETags, pagination, and the security cases of issue 9
// (path traversal, oversize uploads, token brute force, privilege escalation, tampered blobs).
import { createPublicKey } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey, loadPrivateKey, signModel } from "../../src/artifacts/index.js";
import {
  createRegistryServer,
  localBlobStore,
  Registry,
  RegistryClient,
  type RegistryServer,
  verifyAuditLog,
} from "../../src/registry/index.js";
import { BACKENDS, type TestStore } from "../store/backends.js";

const ONNX = new URL("../../examples/models/tabular-mlp.onnx", import.meta.url).pathname;
const SMALL = new URL("../fixtures/scan/benign-p2.pkl", import.meta.url).pathname;
const BIG_ONNX = new URL("../../examples/models/digits-mlp.onnx", import.meta.url).pathname;
const PICKLES = [0, 1, 2, 3, 4, 5].map(
  (i) => new URL(`../fixtures/scan/benign-p${i}.pkl`, import.meta.url).pathname,
);
const MAX_UPLOAD = 64 * 1024;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions.
const json = (r: Response): Promise<any> => r.json();
const MAX_FAILURES = 5;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`registry HTTP API: ${backend.name}`, () => {
    let t: TestStore;
    let dir: string;
    let reg: Registry;
    let server: RegistryServer;
    let base: string;
    const tokens: Record<string, string> = {};

    const call = (path: string, token: string | undefined, init: RequestInit = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.headers as Record<string, string>),
        },
      });
    const push = (name: string, file: string, token: string, query = "") =>
      call(`/v1/models/${name}/versions?filename=${basename(file)}${query}`, token, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: readFileSync(file),
      });

    beforeAll(async () => {
      t = await backend.open();
      dir = mkdtempSync(join(tmpdir(), "mlsec-registry-http-"));
      reg = await Registry.open(t.store, { blobs: localBlobStore(join(dir, "blobs")) });
      await reg.init("alice");
      await reg.grant("alice", "pat", "publisher");
      await reg.grant("alice", "bob", "reader");
      for (const who of ["alice", "pat", "bob", "carol"]) {
        tokens[who] = (
          await reg.createToken(who === "carol" ? "alice" : who, {
            principal: who,
          })
        ).token;
      }
      server = await createRegistryServer({
        registry: reg,
        maxUploadBytes: MAX_UPLOAD,
        maxAuthFailures: MAX_FAILURES,
      });
      base = await server.listen(0);
    });
    afterAll(async () => {
      await server.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("serves the OpenAPI document without a token; everything else needs one", async () => {
      const doc = await json(await call("/openapi.json", undefined));
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths)).toContain("/v1/models/{name}/versions/{ref}/blob");
      const anon = await call("/v1/models", undefined);
      expect(anon.status).toBe(401);
      expect(anon.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await json(await call("/v1/whoami", tokens.bob))).toEqual({ principal: "bob" });
    });

    it("pushes streamed versions and pulls them back by digest, with ETags", async () => {
      const r = await push("fraud", ONNX, tokens.pat as string, "&metric=auc%3D0.9");
      expect(r.status).toBe(201);
      const body = await json(r);
      expect(body).toMatchObject({
        status: "published",
        version: { version: 1, metrics: { auc: 0.9 } },
      });
      const digest = body.version.digest as string;
      expect(r.headers.get("etag")).toBe(`"${digest}"`);
      const again = await push("fraud", ONNX, tokens.pat as string);
      expect(again.status).toBe(409);
      const got = await call("/v1/models/fraud/versions/latest/blob", tokens.bob);
      expect(got.status).toBe(200);
      expect(got.headers.get("x-mlsec-digest")).toBe(digest);
      expect(Buffer.from(await got.arrayBuffer())).toEqual(readFileSync(ONNX));
      const cached = await call("/v1/models/fraud/versions/1/blob", tokens.bob, {
        headers: { "if-none-match": `"${digest}"` },
      });
      expect(cached.status).toBe(304);
      const meta = await call("/v1/models/fraud/versions/1", tokens.bob);
      expect(await json(meta)).toMatchObject({ model: "fraud", version: 1, digest });
      expect((await call("/v1/models/fraud/versions/9", tokens.bob)).status).toBe(404);
    });

    it("refuses path traversal in model names and upload file names", async () => {
      for (const name of ["..%2Fetc", "..", "A", "a%2Fb"]) {
        const r = await push(name, ONNX, tokens.pat as string);
        expect(r.status === 400 || r.status === 404).toBe(true);
      }
      const r = await call("/v1/models/fraud/versions?filename=..%2F..%2Fx", tokens.pat, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: readFileSync(ONNX),
      });
      expect(r.status).toBe(400);
      expect((await call("/v1/models/..%2F..%2Fetc", tokens.bob)).status).toBe(400);
    });

    it("refuses oversize uploads, declared or streamed, and stores nothing", async () => {
      const before = (await reg.show("alice", "fraud")).versions.length;
      const declared = await push("fraud", BIG_ONNX, tokens.pat as string);
      expect(declared.status).toBe(413);
      const big = readFileSync(BIG_ONNX);
      // No Content-Length: the server counts the bytes as they stream in.
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < big.length; i += 16384) c.enqueue(big.subarray(i, i + 16384));
          c.close();
        },
      });
      const streamed = await call("/v1/models/fraud/versions", tokens.pat, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect((await json(streamed)).error.code).toBe("E_LIMIT_EXCEEDED");
      expect((await reg.show("alice", "fraud")).versions.length).toBe(before);
    });

    it("denies privilege escalation: a reader cannot push or move aliases (audited)", async () => {
      expect((await push("fraud", PICKLES[0] as string, tokens.bob as string)).status).toBe(403);
      const alias = await call("/v1/models/fraud/aliases/production", tokens.bob, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ version: 1, reason: "me" }),
      });
      expect(alias.status).toBe(403);
      expect((await call("/v1/models/fraud", tokens.carol)).status).toBe(403);
      const ok = await call("/v1/models/fraud/aliases/production", tokens.pat, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ version: 1, reason: "passed eval" }),
      });
      expect(await json(ok)).toEqual({ previous: null });
      // A reader (or a publisher) cannot grant itself more.
      const grant = (token: string | undefined, who: string, role: string) =>
        call(`/v1/grants/${who}`, token, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ role }),
        });
      expect((await grant(tokens.bob, "bob", "admin")).status).toBe(403);
      expect((await grant(tokens.pat, "pat", "admin")).status).toBe(403);
      expect((await grant(tokens.alice, "carol", "root")).status).toBe(400);
      expect(
        (await call("/v1/models/fraud/versions/1?reason=x", tokens.bob, { method: "DELETE" }))
          .status,
      ).toBe(403);
      const denied = (await reg.auditEntries("alice")).filter((e) => e.outcome === "denied");
      expect(denied.map((e) => `${e.actor}:${e.action}`)).toEqual([
        "bob:publish",
        "bob:alias.set",
        "carol:show",
        "bob:grant",
        "pat:grant",
        "bob:version.delete",
      ]);
      const granted = await grant(tokens.alice, "carol", "reader");
      expect(await json(granted)).toEqual({ principal: "carol", role: "reader", scope: "*" });
      expect((await call("/v1/models/fraud", tokens.carol)).status).toBe(200);
      const revoked = await call("/v1/grants/carol", tokens.alice, { method: "DELETE" });
      expect(await json(revoked)).toEqual({ removed: true });
      expect((await call("/v1/models/fraud", tokens.carol)).status).toBe(403);
    });

    it("parallel pushes get distinct versions; pages list every model once", async () => {
      const results = await Promise.all(
        PICKLES.map((f, i) => push(`m${i % 3}`, f, tokens.pat as string)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(PICKLES.length).fill(201));
      const seen: string[] = [];
      let after = "";
      for (;;) {
        const query = `/v1/models?limit=2${after ? `&after=${after}` : ""}`;
        const page = await json(await call(query, tokens.bob));
        seen.push(...page.items.map((m: { name: string }) => m.name));
        if (page.next === null) break;
        after = page.next;
      }
      expect(seen).toEqual(["fraud", "m0", "m1", "m2"]);
      for (const m of ["m0", "m1", "m2"]) {
        expect((await reg.show("bob", m)).versions.map((v) => v.version)).toEqual([1, 2]);
      }
      expect(await json(await call("/v1/audit/verify", tokens.bob))).toMatchObject({
        valid: true,
      });
    });

    it("registers a dataset over HTTP (purpose and retention required), lists expired data", async () => {
      const post = (token: string | undefined, body: object) =>
        call("/v1/models", token, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const spec = { name: "iris", kind: "dataset", purpose: "flowers", retentionDays: 7 };
      expect((await post(tokens.bob, spec)).status).toBe(403);
      expect((await post(tokens.pat, { ...spec, purpose: undefined })).status).toBe(400);
      const created = await post(tokens.pat, spec);
      expect(created.status).toBe(201);
      expect((await json(created)).model).toMatchObject({ kind: "dataset", retentionDays: 7 });
      expect((await post(tokens.pat, spec)).status).toBe(409);
      expect(await json(await call("/v1/expired", tokens.bob))).toEqual({ items: [] });
      const del = await call("/v1/models/m2/versions/1?reason=leak", tokens.alice, {
        method: "DELETE",
      });
      expect(await json(del)).toEqual({ versions: [1], aliasesRemoved: [] });
      expect((await call("/v1/models/m2/versions/1", tokens.bob)).status).toBe(404);
      const datasets = await json(await call("/v1/models?kind=dataset", tokens.bob));
      expect(datasets.items.map((m: { name: string }) => m.name)).toEqual(["iris"]);
    });

    it("a blob tampered on disk is refused at pull", async () => {
      const v = (await reg.show("bob", "fraud")).versions[0];
      const path = reg.blobs.pathOf(v?.digest as string);
      const original = readFileSync(path);
      const bad = Buffer.from(original);
      bad[10] ^= 1;
      writeFileSync(path, bad);
      const r = await call("/v1/models/fraud/versions/1/blob", tokens.bob);
      expect(r.status).toBe(500);
      expect((await json(r)).error.code).toBe("E_MODEL_MODIFIED");
      writeFileSync(path, original);
      expect((await call("/v1/models/fraud/versions/1/blob", tokens.bob)).status).toBe(200);
    });

    it("throttles token guessing: past the limit even a valid token waits", async () => {
      const guess = `mlsec_${"0".repeat(16)}_${"A".repeat(43)}`;
      const statuses: number[] = [];
      for (let i = 0; i < MAX_FAILURES + 3; i++)
        statuses.push((await call("/v1/whoami", guess)).status);
      // One failure (the anonymous call above) was already counted: MAX_FAILURES in all got 401.
      expect(statuses).toEqual([...Array(MAX_FAILURES - 1).fill(401), ...Array(4).fill(429)]);
      const blocked = await call("/v1/whoami", tokens.bob);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await verifyAuditLog(t.store)).valid).toBe(true);
    });
  });
}

describe("registry HTTP client", () => {
  it("push/pull round trip with digest checks; a server sending other bytes is refused", async () => {
    const t = await (BACKENDS[0] as (typeof BACKENDS)[number]).open();
    const dir = mkdtempSync(join(tmpdir(), "mlsec-registry-client-"));
    const reg = await Registry.open(t.store, { blobs: localBlobStore(join(dir, "blobs")) });
    await reg.init("alice");
    const server = await createRegistryServer({ registry: reg });
    const base = await server.listen(0);
    const liar = createServer((req, res) => {
      if (req.url?.endsWith("/blob")) {
        res.writeHead(200, { "x-mlsec-digest": `sha256:${"a".repeat(64)}` });
        res.end("not the model");
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ model: "m", version: 1, digest: `sha256:${"a".repeat(64)}` }));
      }
    });
    await new Promise<void>((ok) => liar.listen(0, "127.0.0.1", ok));
    try {
      const { token } = await reg.createToken("alice");
      const client = new RegistryClient(`${base}/`, token);
      expect(await client.whoami()).toBe("alice");
      const pushed = await client.push("m", ONNX, { metrics: { auc: 0.5 }, tags: ["x"] });
      expect(pushed).toMatchObject({ status: "published", version: { version: 1 } });
      const out = join(dir, "out.onnx");
      expect((await client.pull("m", "latest", out)).version).toBe(1);
      expect(readFileSync(out)).toEqual(readFileSync(ONNX));
      await expect(client.pull("m", "latest", out)).rejects.toThrow(/already exists/);
      await expect(client.push("m", ONNX)).rejects.toMatchObject({ code: "E_REGISTRY_CONFLICT" });
      // Signed push; a pull with trusted keys checks the bundle before writing.
      const key = generateSigningKey("ed25519");
      const other = generateSigningKey("ed25519");
      const model = join(dir, "signed.pkl");
      copyFileSync(SMALL, model);
      const { bundle } = await signModel(model, {
        privateKey: loadPrivateKey(Buffer.from(key.privatePem)),
        workers: 0,
      });
      const sig = join(dir, "signed.sig");
      writeFileSync(sig, JSON.stringify(bundle));
      await reg.setPolicy(
        "alice",
        {
          requireCleanScan: true,
          requireSignature: true,
          trustedKeys: [key.publicPem],
        },
        "s",
      );
      expect(await client.push("s", model, { signaturePath: sig })).toMatchObject({
        status: "published",
      });
      const pub = [createPublicKey(key.publicPem)];
      await client.pull("s", "1", join(dir, "s.onnx"), pub);
      expect(readFileSync(join(dir, "s.onnx"))).toEqual(readFileSync(SMALL));
      const wrongKey = join(dir, "s-wrong.onnx");
      await expect(
        client.pull("s", "1", wrongKey, [createPublicKey(other.publicPem)]),
      ).rejects.toMatchObject({ code: "E_SIGNATURE_INVALID" });
      expect(existsSync(wrongKey)).toBe(false);
      await expect(client.pull("m", "1", join(dir, "u.onnx"), pub)).rejects.toMatchObject({
        code: "E_SIGNATURE_INVALID",
      });
      const bad = new RegistryClient(base, `${token.slice(0, -1)}x`);
      await expect(bad.whoami()).rejects.toMatchObject({ code: "E_REGISTRY_DENIED" });
      const address = liar.address() as AddressInfo;
      const lying = new RegistryClient(`http://127.0.0.1:${address.port}`, token);
      const target = join(dir, "lie.onnx");
      await expect(lying.pull("m", "1", target)).rejects.toMatchObject({
        code: "E_MODEL_MODIFIED",
      });
      expect(existsSync(target)).toBe(false);
    } finally {
      liar.close();
      await server.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
