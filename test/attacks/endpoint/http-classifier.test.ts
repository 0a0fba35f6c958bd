import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  atPath,
  evaluateRobustness,
  HttpClassifier,
  type HttpClassifierOptions,
  retryAfterMs,
} from "../../../src/attacks/index.js";
import { createRng, MlsecError, sliceBatch } from "../../../src/core/index.js";
import { digits } from "../evasion/multi-loss-classifier.js";
import { type DigitsServer, startDigitsServer } from "./digits-server.js";

let loaded: Awaited<ReturnType<typeof digits>>;
let server: DigitsServer;
beforeAll(async () => {
  loaded = await digits(8);
  server = await startDigitsServer(loaded.model);
});
afterAll(async () => {
  await server.close();
  await loaded.model.release();
});

const base = (path: string, extra: Partial<HttpClassifierOptions> = {}) =>
  new HttpClassifier({
    url: `${server.url}${path}`,
    inputShape: [1, 28, 28],
    numClasses: 10,
    bounds: [0, 1],
    headers: { authorization: "Bearer s3cret" },
    batchSize: 3,
    backoffMs: 10,
    ...extra,
  });

describe("HttpClassifier", () => {
  it("returns the served model's logits, in order, and counts one query per row", async () => {
    const endpoint = base("/predict", { concurrency: 2 });
    const [remote, local] = [
      await endpoint.predict(loaded.x),
      await loaded.model.predict(loaded.x),
    ];
    expect(remote.shape).toEqual([8, 10]);
    for (let j = 0; j < local.data.length; j++)
      expect(remote.data[j]).toBeCloseTo(local.data[j], 4);
    expect(endpoint.queries).toBe(8);
    expect(endpoint.requests).toBe(3); // 3 + 3 + 2 rows
    expect(server.stats.maxInFlight).toBeLessThanOrEqual(2);
  });

  it("fills a request template and reads the scores at a response path", async () => {
    const endpoint = base("/nested", {
      requestTemplate: { data: { x: "$INPUTS" }, model: "digits" },
      responsePath: "result.scores",
    });
    const remote = await endpoint.predict(sliceBatch(loaded.x, 0, 2));
    expect(remote.shape).toEqual([2, 10]);
  });

  it("refuses without the auth header (HTTP 401, not retried)", async () => {
    const endpoint = base("/predict", { headers: {} });
    const error = await endpoint.predict(sliceBatch(loaded.x, 0, 1)).catch((e) => e);
    expect(error).toBeInstanceOf(MlsecError);
    expect(error.code).toBe("E_ENDPOINT_HTTP");
    expect(error.message).toMatch(/401/);
    expect(endpoint.requests).toBe(1);
  });

  it("waits out 429 Too Many Requests and then succeeds", async () => {
    const endpoint = base("/flaky", { batchSize: 8 });
    const remote = await endpoint.predict(loaded.x);
    expect(remote.shape).toEqual([8, 10]);
    expect(endpoint.requests).toBe(3);
    expect(endpoint.queries).toBe(8);
  });

  it("gives E_ENDPOINT_TIMEOUT after retries when the endpoint hangs", async () => {
    const endpoint = base("/slow", { timeoutMs: 100, retries: 1 });
    const error = await endpoint.predict(sliceBatch(loaded.x, 0, 1)).catch((e) => e);
    expect(error.code).toBe("E_ENDPOINT_TIMEOUT");
    expect(endpoint.requests).toBe(2);
  });

  it("gives E_ENDPOINT_RESPONSE for garbage answers", async () => {
    const endpoint = base("/garbage", { retries: 2 });
    const error = await endpoint.predict(sliceBatch(loaded.x, 0, 1)).catch((e) => e);
    expect(error.code).toBe("E_ENDPOINT_RESPONSE");
    expect(error.message).toMatch(/not JSON/);
    expect(endpoint.requests).toBe(3);
  });

  it("keeps the partial results of an attack when the endpoint breaks mid-run", async () => {
    // /after-2 serves two requests (the clean predictions and the first batch's start), then garbage.
    const endpoint = base("/after-2", { retries: 0, batchSize: 8 });
    const error = await evaluateRobustness(
      endpoint,
      sliceBatch(loaded.x, 0, 4),
      loaded.y.slice(0, 4),
      { attack: "square", eps: 0.3, norm: "inf", maxQueries: 1 },
      { batchSize: 2, rng: createRng(0) },
    ).catch((e) => e);
    expect(error.code).toBe("E_ENDPOINT_RESPONSE");
    expect(error.details.partial.samplesAttacked).toBe(2);
    expect(error.details.partial.samplesTotal).toBe(4);
    expect(error.details.partial.queries).toEqual([1, 1]);
  });

  it("parses Retry-After and dot paths", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(
      10000,
    );
    expect(retryAfterMs(null)).toBeUndefined();
    expect(atPath({ a: [{ b: 1 }] }, "a.0.b")).toBe(1);
    expect(atPath({ a: 1 }, "a.b")).toBeUndefined();
    expect(() => base("/predict", { requestTemplate: { x: 1 } })).toThrow(/\$INPUTS/);
  });
});
