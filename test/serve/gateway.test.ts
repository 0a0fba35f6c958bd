import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/serve/index.js";
import { gateway, image, KEY, KEY_BOB, post, tempDir } from "./helpers.js";

const SECRET = "an-hs256-secret-of-at-least-32-bytes!!";
const ISS = "https://issuer.test";
const AUD = "mlsec-gateway";

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("gateway on loopback", () => {
  let gw: Gateway;
  let dir: string;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  const auditFile = () => join(dir, "audit.jsonl");

  beforeAll(async () => {
    dir = tempDir();
    rsa = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(rsa.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    writeFileSync(join(dir, "jwks.json"), JSON.stringify({ keys: [jwk] }));
    gw = await gateway({
      auth: {
        apiKeys: [
          {
            id: "alice",
            sha256: (await import("../../src/serve/index.js")).hashApiKey(KEY),
          },
          {
            id: "bob",
            sha256: (await import("../../src/serve/index.js")).hashApiKey(KEY_BOB),
            models: ["other"],
          },
        ],
        jwt: {
          algorithms: ["HS256", "RS256"],
          secret: SECRET,
          jwksFile: join(dir, "jwks.json"),
          issuer: ISS,
          audience: AUD,
        },
      },
      audit: { file: auditFile(), flushIntervalMs: 50 },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const hs256 = (claims: Record<string, unknown>, exp: string | number = "5m", secret = SECRET) =>
    new SignJWT({ models: ["digits"], ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("carol")
      .setIssuer(ISS)
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
  const infer = (headers: Record<string, string>, body: unknown = { inputs: [image()] }) =>
    post(`${gw.url}/v1/models/digits/predict`, body, headers);

  it("serves health, server metadata and an OpenAPI document without credentials", async () => {
    expect((await fetch(`${gw.url}/v2/health/live`)).status).toBe(200);
    expect(await (await fetch(`${gw.url}/v2/health/ready`)).json()).toEqual({ ready: true });
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/v2/models/{name}/infer");
  });

  it("answers KServe v2 metadata and inference with an API key", async () => {
    const meta = (await (
      await fetch(`${gw.url}/v2/models/digits`, { headers: { "x-api-key": KEY } })
    ).json()) as { inputs: unknown[] };
    expect(meta.inputs[0]).toEqual({ name: "input", datatype: "FP32", shape: [-1, 1, 28, 28] });
    const r = await post(`${gw.url}/v2/models/digits/infer`, {
      inputs: [
        {
          name: "input",
          shape: [2, 1, 28, 28],
          datatype: "FP32",
          data: new Array(2 * 784).fill(0.1),
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json.outputs[0].shape).toEqual([2, 10]);
    const probs: number[] = r.json.outputs[0].data.slice(0, 10);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(r.json.outputs[1]).toMatchObject({ name: "label", shape: [2] });
  });

  it("refuses missing, unknown and malformed credentials with 401", async () => {
    expect((await infer({})).status).toBe(401);
    expect((await infer({ "x-api-key": "mlsec_nope" })).status).toBe(401);
    expect((await infer({ authorization: "Basic YWxpY2U6cHc=" })).status).toBe(401);
    const r = await infer({});
    expect(r.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("accepts a valid HS256 and RS256 (JWKS) token", async () => {
    expect((await infer({ authorization: `Bearer ${await hs256({})}` })).status).toBe(200);
    const rs = await new SignJWT({ models: "*" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setSubject("dave")
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime("5m")
      .sign(rsa.privateKey);
    expect((await infer({ authorization: `Bearer ${rs}` })).status).toBe(200);
  });

  it("refuses expired, forged, wrong-audience and alg:none tokens", async () => {
    const expired = await hs256({}, Math.floor(Date.now() / 1000) - 3600);
    const forged = await hs256({}, "5m", "another-secret-that-is-32-bytes-long!!");
    const wrongAud = await new SignJWT({ models: ["digits"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("carol")
      .setIssuer(ISS)
      .setAudience("someone-else")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(SECRET));
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "eve", iss: ISS, aud: AUD, exp: now + 300, models: "*" })}.`;
    const noExp = await new SignJWT({ models: ["digits"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("carol")
      .setIssuer(ISS)
      .setAudience(AUD)
      .sign(new TextEncoder().encode(SECRET));
    for (const token of [expired, forged, wrongAud, none, noExp]) {
      const r = await infer({ authorization: `Bearer ${token}` });
      expect(r.status).toBe(401);
    }
  });

  it("authorizes per model and per route with 403", async () => {
    expect((await infer({ "x-api-key": KEY_BOB })).status).toBe(403);
    const other = await infer({ authorization: `Bearer ${await hs256({ models: ["other"] })}` });
    expect(other.status).toBe(403);
    const metricsAsAlice = await fetch(`${gw.url}/metrics`, { headers: { "x-api-key": KEY } });
    expect(metricsAsAlice.status).toBe(403);
    const metricsToken = await hs256({ scope: "metrics" });
    const metrics = await fetch(`${gw.url}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("mlsec_gateway_requests_total");
  });

  it("rejects malformed, oversized and shape-attacking bodies with a reason", async () => {
    const h = { "x-api-key": KEY };
    const v2 = (input: object) => post(`${gw.url}/v2/models/digits/infer`, { inputs: [input] }, h);
    expect((await post(`${gw.url}/v1/models/digits/predict`, "{not json", h)).status).toBe(400);
    const text = await post(`${gw.url}/v1/models/digits/predict`, "0.5", {
      ...h,
      "content-type": "text/plain",
    });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe("unsupported_media_type");
    const big = await post(
      `${gw.url}/v1/models/digits/predict`,
      `{"inputs":[${"0,".repeat(600_000)}0]}`,
      h,
    );
    expect(big.status).toBe(413);
    const cases: [object, string][] = [
      [{ shape: [1, 1, 28, 28], datatype: "FP64", data: new Array(784).fill(0) }, "E_DTYPE"],
      [{ shape: [1, 784], datatype: "FP32", data: new Array(784).fill(0) }, "E_SHAPE_MISMATCH"],
      [{ shape: [1e9, 1, 28, 28], datatype: "FP32", data: [] }, "E_LIMIT_EXCEEDED"],
      [{ shape: [-1, 1, 28, 28], datatype: "FP32", data: [] }, "E_SHAPE_MISMATCH"],
      [
        { shape: [2, 1, 28, 28], datatype: "FP32", data: new Array(784).fill(0) },
        "E_SHAPE_MISMATCH",
      ],
      [{ shape: [1, 1, 28, 28], datatype: "FP32", data: new Array(784).fill("0") }, "E_DTYPE"],
      [
        { shape: [1, 1, 28, 28], datatype: "FP32", data: new Array(784).fill(7) },
        "E_OUT_OF_BOUNDS",
      ],
    ];
    for (const [input, code] of cases) {
      const r = await v2(input);
      expect(r.status, code).toBe(400);
      expect(r.json.error.code).toBe(code);
    }
    const inf = `{"inputs":[{"shape":[1,1,28,28],"datatype":"FP32","data":[1e999${",0".repeat(783)}]}]}`;
    const r = await post(`${gw.url}/v2/models/digits/infer`, inf, h);
    expect(r.json.error.code).toBe("E_NON_FINITE");
    expect((await post(`${gw.url}/v1/models/nope/predict`, { inputs: [image()] }, h)).status).toBe(
      404,
    );
  });

  it("audits every request without the raw input", async () => {
    const before = gw.audited();
    await infer({ "x-api-key": KEY });
    await infer({});
    expect(gw.audited()).toBe(before + 2);
    await new Promise((r) => setTimeout(r, 200));
    const records = readFileSync(auditFile(), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const last = records.slice(-2);
    expect(last[0]).toMatchObject({
      client: "alice",
      model: "digits",
      modelVersion: "1",
      decision: "allowed",
      status: 200,
      rows: 1,
    });
    expect(last[1]).toMatchObject({ client: null, decision: "unauthenticated", status: 401 });
    expect(last[0].input).toBeUndefined();
    expect(typeof last[0].latencyMs).toBe("number");
  });
});

describe("JWT keys from a JWKS URL", () => {
  it("accepts ES256 tokens whose key the JWKS endpoint serves, and no others", async () => {
    const es = await generateKeyPair("ES256");
    const other = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(es.publicKey)), kid: "ec1", alg: "ES256" };
    const jwks = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const { port } = jwks.address() as AddressInfo;
    const gw = await gateway({
      auth: {
        jwt: {
          algorithms: ["ES256"],
          jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
          issuer: ISS,
          audience: AUD,
        },
      },
    });
    const token = (key: typeof es.privateKey) =>
      new SignJWT({ models: ["digits"] })
        .setProtectedHeader({ alg: "ES256", kid: "ec1" })
        .setSubject("erin")
        .setIssuer(ISS)
        .setAudience(AUD)
        .setExpirationTime("5m")
        .sign(key);
    try {
      const url = `${gw.url}/v1/models/digits/predict`;
      const body = { inputs: [image()] };
      const ok = await post(url, body, { authorization: `Bearer ${await token(es.privateKey)}` });
      expect(ok.status).toBe(200);
      const forged = await post(url, body, {
        authorization: `Bearer ${await token(other.privateKey)}`,
      });
      expect(forged.status).toBe(401);
    } finally {
      await gw.close();
      jwks.close();
    }
  });
});

describe("gateway limits, hardening and drain", () => {
  it("answers 429 with Retry-After once a client's bucket is empty", async () => {
    const gw = await gateway({ rateLimit: { rowsPerSecond: 0.5, burst: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const r = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] });
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Another client has its own bucket.
      expect(
        (
          await post(
            `${gw.url}/v1/models/digits/predict`,
            { inputs: [image()] },
            { "x-api-key": KEY_BOB },
          )
        ).status,
      ).toBe(403);
    } finally {
      await gw.close();
    }
  });

  it("enforces a query budget", async () => {
    const gw = await gateway({ rateLimit: { budget: { rows: 2, windowSeconds: 3600 } } });
    try {
      const two = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image(), image()] });
      expect(two.status).toBe(200);
      const r = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] });
      expect(r.status).toBe(429);
      expect(r.json.error.code).toBe("budget_exhausted");
    } finally {
      await gw.close();
    }
  });

  it("returns label-only answers when configured", async () => {
    const gw = await gateway({
      models: [
        {
          name: "digits",
          path: "examples/models/digits-cnn.onnx",
          batching: { workers: 0 },
          output: { mode: "label" },
        },
      ],
    });
    try {
      const r = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] });
      const row: number[] = r.json.outputs[0];
      expect(row.filter((v) => v === 1)).toHaveLength(1);
      expect(row.indexOf(1)).toBe(r.json.labels[0]);
    } finally {
      await gw.close();
    }
  });

  it("writes the audit records to the SQLite store as well", async () => {
    const dir = tempDir();
    const db = join(dir, "audit.db");
    const gw = await gateway({ audit: { file: join(dir, "audit.jsonl"), store: db } });
    await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] });
    await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] }, {});
    await gw.close();
    const sqlite = new Database(db, { readonly: true });
    const rows = sqlite
      .prepare("SELECT client, decision, status FROM gateway_audit ORDER BY rowid")
      .all();
    sqlite.close();
    expect(rows).toEqual([
      { client: "alice", decision: "allowed", status: 200 },
      { client: null, decision: "unauthenticated", status: 401 },
    ]);
    expect(readFileSync(join(dir, "audit.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("finishes in-flight requests and writes all their audit records on close", async () => {
    const dir = tempDir();
    const file = join(dir, "audit.jsonl");
    // A long batching delay keeps the requests inside the gateway while it closes.
    const gw = await gateway({
      models: [
        {
          name: "digits",
          path: "examples/models/digits-cnn.onnx",
          batching: { workers: 0, maxDelayMs: 300, maxBatchSize: 64 },
        },
      ],
      audit: { file, flushIntervalMs: 60_000 },
    });
    const pending = Array.from({ length: 20 }, () =>
      post(`${gw.url}/v1/models/digits/predict`, { inputs: [image(Math.random())] }),
    );
    await new Promise((r) => setTimeout(r, 150));
    const closing = gw.close();
    const results = await Promise.all(pending);
    await closing;
    expect(results.map((r) => r.status)).toEqual(new Array(20).fill(200));
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(20);
    expect(
      (await fetch(`${gw.url}/v2/health/live`).catch(() => undefined))?.status,
    ).toBeUndefined();
  });
});
