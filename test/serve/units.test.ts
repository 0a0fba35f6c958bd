import { writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, MlsecError } from "../../src/core/index.js";
import {
  ApiKeyStore,
  generateApiKey,
  hardenRow,
  hashApiKey,
  type InputSchema,
  loadGatewayConfig,
  memoryRateLimiter,
  parseGatewayConfig,
  parseSimpleRequest,
  parseV2Request,
  redisRateLimiter,
} from "../../src/serve/index.js";
import { gateway, image, post, tempDir } from "./helpers.js";

const redisUp = await new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: "127.0.0.1", port: 6379 });
  socket.setTimeout(500);
  const done = (up: boolean) => {
    socket.destroy();
    resolve(up);
  };
  socket.once("connect", () => done(true));
  socket.once("error", () => done(false));
  socket.once("timeout", () => done(false));
});

const SCHEMA: InputSchema = { inputName: "x", inputShape: [2, 3], bounds: [0, 1], maxRows: 4 };
const BASE = { models: [{ name: "m", path: "m.onnx" }], auth: { anonymous: true } };

describe("gateway config", () => {
  it("interpolates ${ENV} secrets after parsing and resolves paths against the file", async () => {
    const dir = tempDir();
    const file = join(dir, "gateway.yaml");
    writeFileSync(
      file,
      [
        "models:",
        "  - name: digits",
        "    path: models/digits.onnx",
        "auth:",
        "  jwt:",
        "    algorithms: [HS256]",
        "    secret: ${GW_SECRET}",
        "    issuer: https://issuer",
        "    audience: gw",
      ].join("\n"),
    );
    const secret = 'x"\n  anonymous: true # a secret cannot inject YAML';
    const config = await loadGatewayConfig(file, { GW_SECRET: secret });
    expect(config.auth.jwt?.secret).toBe(secret);
    expect(config.auth.anonymous).toBe(false);
    expect(config.models[0].path).toBe(join(dir, "models/digits.onnx"));
    expect(config.detection.mode).toBe("block");
    await expect(loadGatewayConfig(file, {})).rejects.toMatchObject({ code: "E_GATEWAY_CONFIG" });
  });

  it("names the offending field", () => {
    const bad: [unknown, RegExp][] = [
      [{}, /models/],
      [{ ...BASE, auth: {} }, /auth: auth needs apiKeys or jwt/],
      [{ ...BASE, auth: { apiKeys: [{ id: "a", sha256: "abc" }] } }, /sha256/],
      [{ ...BASE, models: [BASE.models[0], BASE.models[0]] }, /listed twice/],
      [{ ...BASE, surprise: 1 }, /surprise|Unrecognized/],
      [{ ...BASE, detection: { queryStream: {} } }, /threshold or calibrationData/],
    ];
    for (const [raw, message] of bad) {
      expect(() => parseGatewayConfig(raw)).toThrow(message);
    }
  });
});

describe("request validation", () => {
  it("accepts nested and flat samples within bounds", () => {
    const a = parseSimpleRequest(
      {
        inputs: [
          [
            [0, 0.5, 1],
            [1, 1, 1],
          ],
          [0, 0, 0, 0, 0, 0],
        ],
      },
      SCHEMA,
    );
    expect(a.rows).toBe(2);
    expect(Array.from(a.data)).toEqual([0, 0.5, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const b = parseV2Request(
      { inputs: [{ name: "x", shape: [1, 2, 3], datatype: "FP32", data: [0, 0, 0, 1, 1, 1] }] },
      SCHEMA,
    );
    expect(b.rows).toBe(1);
  });

  it("throws only typed errors on arbitrary bodies (fuzz)", () => {
    const value = fc.oneof(fc.double(), fc.constant(0.5), fc.string(), fc.constant(null));
    const nested = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, value, fc.array(tie("node"), { maxLength: 7 })),
    })).node;
    const body = fc.oneof(
      fc.anything(),
      fc.record({ inputs: fc.array(nested, { maxLength: 6 }) }),
      fc.record({
        inputs: fc.tuple(
          fc.record({
            name: fc.constantFrom("x", "y", undefined),
            shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double()), {
              maxLength: 4,
            }),
            datatype: fc.constantFrom("FP32", "INT64", 3),
            data: nested,
          }),
        ),
      }),
    );
    fc.assert(
      fc.property(body, (b) => {
        for (const parse of [parseSimpleRequest, parseV2Request]) {
          try {
            const r = parse(b, SCHEMA);
            expect(r.data.length).toBe(r.rows * 6);
            expect(r.data.every((v) => v >= 0 && v <= 1)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(MlsecError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("output hardening", () => {
  const logits = Float32Array.of(1, 3, 2, 0);
  const rng = createRng(1);
  it("returns top-k probabilities, rounded", () => {
    const r = hardenRow(logits, { mode: "top-k", topK: 2, round: 2, noise: 0 }, rng);
    expect(r.label).toBe(1);
    expect(r.scores.filter((v) => v > 0)).toHaveLength(2);
    expect(r.scores[0]).toBe(0);
    for (const v of r.scores) expect(Math.round(v * 100) / 100).toBe(v);
  });
  it("keeps the label under noise", () => {
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 2, maxLength: 10, noNaN: true, noDefaultInfinity: true }),
        (l) => {
          const clean = hardenRow(l, { mode: "probabilities", topK: 1, noise: 0 }, rng);
          const noisy = hardenRow(l, { mode: "probabilities", topK: 1, noise: 0.5 }, rng);
          expect(noisy.scores.indexOf(Math.max(...noisy.scores))).toBe(clean.label);
        },
      ),
    );
  });
});

describe("API keys", () => {
  it("finds a key by its SHA-256 and nothing else", () => {
    const key = generateApiKey();
    const store = new ApiKeyStore([
      { id: "a", sha256: hashApiKey(key), models: ["*"], routes: ["infer"] },
    ]);
    expect(store.find(key)?.id).toBe("a");
    expect(store.find(`${key}x`)).toBeUndefined();
    expect(key).toMatch(/^mlsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe("rate limits", () => {
  it("refills a token bucket over time and counts a budget", async () => {
    let t = 0;
    const limiter = memoryRateLimiter(
      { rowsPerSecond: 2, burst: 4, budget: { rows: 7, windowSeconds: 60 } },
      () => t,
    );
    expect(await limiter.take("c", 4)).toEqual({ allowed: true, budgetLeft: 3 });
    expect(await limiter.take("c", 1)).toEqual({
      allowed: false,
      reason: "rate",
      retryAfterMs: 500,
    });
    t = 1000;
    expect(await limiter.take("c", 2)).toEqual({ allowed: true, budgetLeft: 1 });
    t = 10_000;
    expect(await limiter.take("c", 2)).toMatchObject({ allowed: false, reason: "budget" });
    t = 61_000;
    expect(await limiter.take("c", 2)).toEqual({ allowed: true, budgetLeft: 5 });
  });

  it.skipIf(!redisUp)(
    "shares one bucket between gateway instances through Redis (skipped: Redis not on 127.0.0.1:6379)",
    async () => {
      const prefix = `mlsec:test:${process.pid}:${Date.now()}:`;
      const settings = {
        url: "redis://127.0.0.1:6379",
        prefix,
        rowsPerSecond: 0.001,
        burst: 5,
        budget: { rows: 100, windowSeconds: 60 },
      };
      const [a, b] = await Promise.all([redisRateLimiter(settings), redisRateLimiter(settings)]);
      try {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).take("client", 1)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(5);
        const refused = results.find((r) => !r.allowed);
        expect(refused).toMatchObject({ allowed: false, reason: "rate" });
        expect(await a.take("other", 1)).toEqual({ allowed: true, budgetLeft: 99 });
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );

  it.skipIf(!redisUp)(
    "two gateways share one client's limit through Redis (skipped: Redis not on 127.0.0.1:6379)",
    async () => {
      const rateLimit = {
        backend: "redis" as const,
        redisPrefix: `mlsec:test:gw:${process.pid}:${Date.now()}:`,
        rowsPerSecond: 0.001,
        burst: 3,
      };
      const [a, b] = await Promise.all([gateway({ rateLimit }), gateway({ rateLimit })]);
      try {
        const statuses: number[] = [];
        for (const gw of [a, b, a, b, a]) {
          const r = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [image()] });
          statuses.push(r.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );

  it("reports an unreachable Redis as a config error", async () => {
    await expect(
      redisRateLimiter({ url: "redis://127.0.0.1:1", prefix: "x:", rowsPerSecond: 1, burst: 1 }),
    ).rejects.toMatchObject({ code: "E_GATEWAY_CONFIG" });
  });
});
