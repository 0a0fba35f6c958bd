// POST /v1/he/{name}/infer on loopback: the client makes keys and encrypts in the test, the
// gateway holds only server.mlhe, the client decrypts and compares with the plaintext logits.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/index.js";
import { generateKeys, HeClient, planFromOnnx } from "../../src/he/index.js";
import { loadModel } from "../../src/onnx/index.js";
import { type Gateway, parseGatewayConfig, startGateway } from "../../src/serve/index.js";
import { gateway, KEY, MODEL, post, tempDir } from "./helpers.js";

const POLY = "examples/models/tabular-poly.onnx";
const SAMPLES = 30;

function postBytes(url: string, body: Uint8Array, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", "x-api-key": KEY, ...headers },
    body,
  });
}

describe("encrypted inference through the gateway", () => {
  let dir: string;
  let serverKeys: string;
  let client: HeClient;
  let samples: Float32Array[];
  let gw: Gateway;
  let auditFile: string;

  beforeAll(async () => {
    dir = tempDir();
    const bytes = readFileSync(POLY);
    const keys = await generateKeys(planFromOnnx(await loadModel(POLY)), {
      security: 128,
      modelSha256: createHash("sha256").update(bytes).digest("hex"),
    });
    serverKeys = join(dir, "server.mlhe");
    writeFileSync(serverKeys, keys.serverKeys);
    client = await HeClient.open(keys.clientKeys);
    const test = await loadDataset("examples/data/tabular-test.npz");
    const size = test.x.data.length / test.x.shape[0];
    samples = Array.from({ length: SAMPLES }, (_, i) =>
      test.x.data.slice(i * size, (i + 1) * size),
    );
    auditFile = join(dir, "audit.jsonl");
    gw = await gateway({
      models: [
        {
          name: "tabular",
          path: POLY,
          output: { mode: "logits" },
          batching: { workers: 0, maxDelayMs: 1 },
          he: { serverKeys, workers: 0, maxQueryBytes: 4 << 20 },
        },
        { name: "digits", path: MODEL, batching: { workers: 0, maxDelayMs: 1 } },
      ],
      audit: { file: auditFile, flushIntervalMs: 20 },
    });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    client?.dispose();
  });

  it("answers with a result container that decrypts to the plaintext logits", async () => {
    const query = client.encrypt(samples);
    const response = await postBytes(`${gw.url}/v1/he/tabular/infer`, query);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    const logits = client.decrypt(new Uint8Array(await response.arrayBuffer()));
    expect(logits).toHaveLength(SAMPLES);
    const plain = await post(`${gw.url}/v1/models/tabular/predict`, {
      inputs: samples.map((s) => Array.from(s)),
    });
    expect(plain.status).toBe(200);
    let maxError = 0;
    logits.forEach((row, i) => {
      const expected: number[] = plain.json.outputs[i];
      row.forEach((v, j) => {
        maxError = Math.max(maxError, Math.abs(v - expected[j]));
      });
      expect(row.indexOf(Math.max(...row))).toBe(plain.json.labels[i]);
    });
    expect(maxError).toBeLessThan(1e-2);
  });

  it("applies auth, media type, size and format checks, and audits the sample count", async () => {
    const url = `${gw.url}/v1/he/tabular/infer`;
    const query = client.encrypt(samples.slice(0, 2));
    expect((await postBytes(url, query, { "x-api-key": "mlsec_wrong" })).status).toBe(401);
    const json = await post(url, { inputs: [[1, 2, 3, 4]] });
    expect(json.status).toBe(415);
    const garbage = await postBytes(url, new Uint8Array(2048).fill(7));
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { code: string } }).error.code).toBe("E_HE_FORMAT");
    const huge = await postBytes(url, new Uint8Array((4 << 20) + 1));
    expect(huge.status).toBe(413);
    // biome-ignore lint/suspicious/noExplicitAny: the document is inspected field by field.
    const doc: any = await (await fetch(`${gw.url}/openapi.json`)).json();
    expect(doc.paths["/v1/he/{name}/infer"].post.parameters[0].schema.enum).toEqual(["tabular"]);
    const plainModel = await postBytes(`${gw.url}/v1/he/digits/infer`, query);
    expect(plainModel.status).toBe(404);
    expect((await postBytes(url, query)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const records = readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((r) => r.route === "/v1/he/:name/infer");
    expect(records.map((r) => r.status)).toEqual(expect.arrayContaining([401, 415, 400, 413, 404]));
    const ok = records.filter((r) => r.status === 200);
    expect(ok.at(-1)).toMatchObject({ client: "alice", model: "tabular", rows: 2 });
  });

  it("refuses at startup server keys made for another model", async () => {
    const config = parseGatewayConfig({
      server: { host: "127.0.0.1", port: 0 },
      models: [{ name: "digits", path: MODEL, batching: { workers: 0 }, he: { serverKeys } }],
      auth: { anonymous: true },
    });
    await expect(startGateway(config)).rejects.toMatchObject({ code: "E_HE_KEY_MISMATCH" });
  });
});
