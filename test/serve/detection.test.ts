import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { HttpClassifier } from "../../src/attacks/endpoint/index.js";
import { hopSkipJumpBatch } from "../../src/attacks/evasion/index.js";
import { createRng, type Tensor } from "../../src/core/index.js";
import { loadDataset } from "../../src/data/index.js";
import type { Gateway, InputDetector } from "../../src/serve/index.js";
import { gateway, KEY, post, tempDir } from "./helpers.js";

// Benign traffic for calibration (training images); the benign client replays test images.
const CALIBRATION = "examples/data/digits-train.npz";

function client(gw: Gateway, key: string) {
  return new HttpClassifier({
    url: `${gw.url}/v1/models/digits/predict`,
    inputShape: [1, 28, 28],
    numClasses: 10,
    bounds: [0, 1],
    headers: { "x-api-key": key },
    batchSize: 16,
    concurrency: 1,
    retries: 0,
  });
}

describe("attack detection in the request path", () => {
  let test: { x: Tensor; y: Int32Array };
  let gw: Gateway | undefined;
  beforeAll(async () => {
    test = await loadDataset("examples/data/digits-test.npz");
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it("blocks a client running HopSkipJump before 500 queries", async () => {
    const file = join(tempDir(), "audit.jsonl");
    gw = await gateway({
      detection: {
        mode: "block",
        queryStream: { calibrationData: CALIBRATION, falsePositiveRate: 0.001 },
      },
      audit: { file, flushIntervalMs: 20 },
    });
    const attacker = client(gw, KEY);
    const attack = hopSkipJumpBatch(
      attacker,
      { shape: [1, 1, 28, 28], data: test.x.data.slice(0, 784) },
      { labels: test.y.slice(0, 1) },
      { eps: 2, norm: "2", maxQueries: 2000, iterations: 40 },
      { rng: createRng(7), batchSize: 16 },
    );
    await expect(attack).rejects.toMatchObject({ code: "E_ENDPOINT_HTTP" });
    expect(attacker.queries).toBeLessThan(500);
    // Blocked for good: the next plain request is refused too.
    const again = await post(`${gw.url}/v1/models/digits/predict`, {
      inputs: [Array.from(test.x.data.slice(0, 784))],
    });
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe("blocked");
    await new Promise((r) => setTimeout(r, 100));
    const records = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const blocked = records.filter((r) => r.decision === "blocked");
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked[0].scores.queryStream).toBeTypeOf("number");
  });

  it("does not flag a benign client replaying test images", async () => {
    gw = await gateway({
      auth: {
        apiKeys: [
          {
            id: "benign",
            sha256: (await import("../../src/serve/index.js")).hashApiKey(KEY),
          },
        ],
      },
      detection: {
        mode: "block",
        queryStream: { calibrationData: CALIBRATION, falsePositiveRate: 0.001 },
      },
    });
    const benign = client(gw, KEY);
    const rows = 1000;
    const start = 0;
    const x = {
      shape: [rows, 1, 28, 28],
      data: test.x.data.slice(start * 784, (start + rows) * 784),
    };
    const out = await benign.predict(x);
    expect(out.shape).toEqual([rows, 10]);
    expect(benign.queries).toBe(rows);
  });

  it("flags instead of blocking in flag mode, and uses an anomaly detector hook", async () => {
    const scored: number[] = [];
    const detector: InputDetector = {
      kind: "brightness",
      threshold: 0.9,
      async score(batch, shape) {
        const n = shape[0];
        const size = batch.length / n;
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < size; j++) s += batch[i * size + j];
          out[i] = s / size;
        }
        scored.push(...out);
        return out;
      },
    };
    gw = await gateway(
      { detection: { mode: "flag" } },
      {
        anomalyDetectors: new Map([["digits", detector]]),
      },
    );
    const dark = await post(`${gw.url}/v1/models/digits/predict`, {
      inputs: [new Array(784).fill(0.1)],
    });
    expect(dark.status).toBe(200);
    expect(dark.headers.get("x-mlsec-flagged")).toBeNull();
    const bright = await post(`${gw.url}/v1/models/digits/predict`, {
      inputs: [new Array(784).fill(1)],
    });
    expect(bright.status).toBe(200);
    expect(bright.headers.get("x-mlsec-flagged")).toBe("brightness");
    expect(scored).toHaveLength(2);
  });
});
