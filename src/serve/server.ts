// The secure inference gateway: fastify routes in the KServe v2 shape plus a simple JSON
// endpoint, with every defence in the request path, in this order: authenticate, authorize
// (route and model), refuse banned clients, validate the body against the model's schema,
// take rate-limit tokens, run attack detection, batch the inference on worker threads,
// harden the output. Every request, refused or not, leaves one audit record.

import { randomUUID } from "node:crypto";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { createRng, isMlsecError, MlsecError, type Rng } from "../core/index.js";
import { loadDataset } from "../data/index.js";
import { calibrateQueryStream, QueryStreamDetector } from "../defenses/detect/query-stream.js";
import { ApiKeyStore } from "./api-keys.js";
import {
  type AuditRecord,
  type AuditSink,
  countingAuditSink,
  type Decision,
  fileAuditSink,
  teeAuditSink,
} from "./audit-log.js";
import { storeAuditSink } from "./audit-store.js";
import { authorize, createAuthenticator, type Principal } from "./auth.js";
import { QueueFull } from "./batcher.js";
import type { GatewayConfig, Route } from "./config.js";
import { AttackDetection, type InputDetector } from "./detection.js";
import { hardenRow } from "./harden.js";
import { createTokenVerifier } from "./jwt.js";
import { GatewayMetrics } from "./metrics.js";
import { loadServedModel, type ServedModel } from "./models.js";
import { openApiDocument } from "./openapi.js";
import { memoryRateLimiter, type RateLimiter } from "./rate-limit.js";
import { redisRateLimiter } from "./redis-rate-limit.js";
import { parseSimpleRequest, parseV2Request, type ValidInput } from "./validate.js";

export const GATEWAY_VERSION = "1";

export interface GatewayOptions {
  /** Anomaly detectors by model name (otherwise loaded from each model's anomalyDetector). */
  readonly anomalyDetectors?: ReadonlyMap<string, InputDetector>;
  /** Opens a detector file (`loadDetector` of src/defenses/detect). */
  readonly loadDetector?: (path: string) => Promise<InputDetector>;
  /** Noise source for output hardening. */
  readonly rng?: Rng;
}

export interface Gateway {
  readonly url: string;
  readonly models: readonly ServedModel[];
  /** Audit records handed to the sink so far. */
  readonly audited: () => number;
  /** Stops accepting, finishes in-flight requests, drains batches and the audit log. */
  close(): Promise<void>;
}

/** What the audit record of one request collects while it is handled. */
interface RequestState {
  principal?: Principal;
  route: string;
  model?: ServedModel;
  decision: Decision;
  reason?: string;
  rows: number;
  scores?: AuditRecord["scores"];
  input?: Float32Array;
}

declare module "fastify" {
  interface FastifyRequest {
    gw: RequestState;
  }
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly decision: Decision,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

async function queryStreamFor(
  config: GatewayConfig,
  model: ServedModel,
): Promise<QueryStreamDetector | undefined> {
  const qs = config.detection.queryStream;
  if (qs === undefined) return undefined;
  const inputSize = model.schema.inputShape.reduce((a, b) => a * b, 1);
  const options = {
    inputSize,
    k: qs.k,
    historySize: qs.historySize,
    dims: qs.dims,
    maxClients: qs.maxClients,
    seed: qs.seed,
  };
  let threshold = qs.threshold;
  if (threshold === undefined) {
    const data = await loadDataset(qs.calibrationData!);
    if (data.x.data.length / data.x.shape[0] !== inputSize) {
      throw new MlsecError(
        "E_GATEWAY_CONFIG",
        `calibration data ${qs.calibrationData} has samples of shape [${data.x.shape.slice(1)}], model ${model.config.name} takes [${model.schema.inputShape}]`,
      );
    }
    const samples = data.x.data.subarray(
      0,
      Math.min(data.x.shape[0], qs.calibrationSamples) * inputSize,
    );
    threshold = calibrateQueryStream(samples, options, qs.falsePositiveRate).threshold;
  }
  return new QueryStreamDetector({ ...options, threshold });
}

async function createRateLimiter(config: GatewayConfig): Promise<RateLimiter> {
  const rl = config.rateLimit;
  return rl.backend === "redis"
    ? redisRateLimiter({ ...rl, url: rl.redisUrl, prefix: rl.redisPrefix })
    : memoryRateLimiter(rl);
}

export async function startGateway(
  config: GatewayConfig,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const metrics = new GatewayMetrics();
  const rng = options.rng ?? createRng(Date.now() >>> 0);
  const detection = new AttackDetection(config.detection);
  const models: ServedModel[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    for (const m of config.models) {
      const served = await loadServedModel(m, (_, rows) => metrics.batchRows.observe(rows));
      cleanups.push(() => served.backend.close());
      if (served.he !== undefined) cleanups.push(() => served.he!.close());
      models.push(served);
      let anomaly = options.anomalyDetectors?.get(m.name);
      if (anomaly === undefined && m.anomalyDetector !== undefined) {
        if (options.loadDetector === undefined) {
          throw new MlsecError("E_GATEWAY_CONFIG", `model ${m.name}: no anomaly detector loader`);
        }
        anomaly = await options.loadDetector(m.anomalyDetector);
      }
      detection.guard(m.name, { queryStream: await queryStreamFor(config, served), anomaly });
    }
    cleanups.push(() => detection.close());
  } catch (e) {
    await cleanup();
    throw e;
  }
  const byName = new Map(models.map((m) => [m.config.name, m]));
  const rateLimiter = await createRateLimiter(config).catch(async (e) => {
    await cleanup();
    throw e;
  });
  cleanups.push(() => rateLimiter.close());
  const apiKeys = new ApiKeyStore(config.auth.apiKeys);
  const verifyToken =
    config.auth.jwt === undefined ? undefined : await createTokenVerifier(config.auth.jwt);
  const authenticator = createAuthenticator({
    anonymous: config.auth.anonymous,
    apiKeys,
    verifyToken,
  });
  const sinks: AuditSink[] = [];
  try {
    if (config.audit.file !== undefined) {
      sinks.push(fileAuditSink(config.audit.file, config.audit.flushIntervalMs));
    }
    if (config.audit.store !== undefined) {
      sinks.push(await storeAuditSink(config.audit.store, config.audit.flushIntervalMs));
    }
  } catch (e) {
    await cleanup();
    for (const sink of sinks) await sink.close().catch(() => {});
    throw e;
  }
  const audit: AuditSink =
    sinks.length === 0 ? countingAuditSink() : sinks.length === 1 ? sinks[0] : teeAuditSink(sinks);
  let audited = 0;
  let closing = false;

  const app = Fastify({
    logger: false,
    bodyLimit: config.server.maxBodyBytes,
    requestTimeout: config.server.requestTimeoutMs,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });

  // Bodies are JSON only: anything else is refused with 415 before it is read.
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("gw", null as unknown as RequestState);
  app.addHook("onRequest", async (request) => {
    request.gw = { route: request.routeOptions.url ?? "unknown", decision: "allowed", rows: 0 };
  });

  const send = (reply: FastifyReply, refusal: Refusal) => {
    reply.request.gw.decision = refusal.decision;
    reply.request.gw.reason = refusal.message;
    for (const [k, v] of Object.entries(refusal.headers)) reply.header(k, v);
    return reply
      .code(refusal.status)
      .send({ error: { code: refusal.code, message: refusal.message } });
  };

  /** Authenticates and authorizes; returns the principal or throws a Refusal. */
  const admit = async (request: FastifyRequest, route: Route, model?: string) => {
    const result = await authenticator.authenticate(request.headers, request.ip);
    if (!result.ok) {
      throw new Refusal(401, "unauthenticated", result.reason, "unauthenticated", {
        "www-authenticate": 'Bearer realm="mlsec"',
      });
    }
    request.gw.principal = result.principal;
    const denied = authorize(result.principal, route, model);
    if (denied !== undefined) throw new Refusal(403, "forbidden", denied, "forbidden");
    return result.principal;
  };

  const modelNamed = (name: string) => {
    const m = byName.get(name);
    if (m === undefined) throw new Refusal(404, "not_found", `no model named ${name}`, "invalid");
    return m;
  };

  const refuseIfBanned = (client: string) => {
    const banned = detection.bannedFor(client);
    if (banned > 0) {
      throw new Refusal(
        403,
        "blocked",
        "this client is blocked after an attack was detected",
        "blocked",
        { "retry-after": String(Math.ceil(banned / 1000)) },
      );
    }
  };

  /** Takes rate-limit and budget tokens for `rows` samples, or throws a Refusal. */
  const takeTokens = async (client: string, rows: number) => {
    let decision: Awaited<ReturnType<RateLimiter["take"]>>;
    try {
      decision = await rateLimiter.take(client, rows);
    } catch (e) {
      throw new Refusal(503, "rate_limiter_unavailable", (e as Error).message, "error", {
        "retry-after": "1",
      });
    }
    if (!decision.allowed) {
      throw new Refusal(
        429,
        decision.reason === "budget" ? "budget_exhausted" : "rate_limited",
        decision.reason === "budget" ? "query budget exhausted" : "rate limit exceeded",
        "rate-limited",
        { "retry-after": String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
      );
    }
  };

  const infer = async (
    request: FastifyRequest<{ Params: { name: string } }>,
    parse: (body: unknown, model: ServedModel) => ValidInput,
  ) => {
    const principal = await admit(request, "infer", request.params.name);
    const model = modelNamed(request.params.name);
    request.gw.model = model;
    const client = principal.id;
    refuseIfBanned(client);
    let input: ValidInput;
    try {
      input = parse(request.body, model);
    } catch (e) {
      if (isMlsecError(e)) throw new Refusal(400, e.code, e.message, "invalid");
      throw e;
    }
    request.gw.rows = input.rows;
    if (config.audit.includeInput) request.gw.input = input.data;
    await takeTokens(client, input.rows);
    const shape = [input.rows, ...model.schema.inputShape];
    const verdict = await detection.inspect(
      client,
      model.config.name,
      input.data,
      input.rows,
      shape,
    );
    request.gw.scores = {
      ...(verdict.queryStream === undefined ? {} : { queryStream: verdict.queryStream }),
      ...(verdict.anomaly === undefined ? {} : { anomaly: verdict.anomaly }),
    };
    if (verdict.flagged) {
      for (const d of verdict.detectors) metrics.detections.inc({ detector: d });
      if (detection.mode === "block") {
        throw new Refusal(
          403,
          "blocked",
          `attack detected (${verdict.detectors.join(", ")})`,
          "blocked",
        );
      }
      if (detection.mode === "flag") {
        request.gw.decision = "flagged";
        request.gw.reason = verdict.detectors.join(", ");
      } else request.gw.reason = `logged: ${verdict.detectors.join(", ")}`;
    }
    let logits: Float32Array;
    try {
      logits = await model.batcher.submit(input.data, input.rows);
    } catch (e) {
      if (e instanceof QueueFull) {
        throw new Refusal(503, "overloaded", "the inference queue is full", "overloaded", {
          "retry-after": "1",
        });
      }
      throw e;
    }
    metrics.rows.inc({ model: model.config.name }, input.rows);
    const c = model.numClasses;
    const rows = Array.from({ length: input.rows }, (_, i) =>
      hardenRow(logits.subarray(i * c, (i + 1) * c), model.config.output, rng),
    );
    return { model, rows, flagged: request.gw.decision === "flagged" ? verdict.detectors : [] };
  };

  const guarded =
    <R extends FastifyRequest>(handler: (request: R, reply: FastifyReply) => Promise<unknown>) =>
    async (request: R, reply: FastifyReply) => {
      try {
        return await handler(request, reply);
      } catch (e) {
        if (e instanceof Refusal) return send(reply, e);
        throw e;
      }
    };

  app.get("/v2/health/live", async () => ({ live: true }));
  app.get("/v2/health/ready", async (_request, reply) =>
    closing ? reply.code(503).send({ ready: false }) : { ready: true },
  );
  app.get("/v2", async () => ({ name: "mlsec", version: GATEWAY_VERSION, extensions: [] }));
  app.get("/openapi.json", async () => openApiDocument(models, GATEWAY_VERSION));

  app.get<{ Params: { name: string } }>(
    "/v2/models/:name",
    guarded(async (request) => {
      await admit(request, "metadata", request.params.name);
      const m = modelNamed(request.params.name);
      request.gw.model = m;
      return {
        name: m.config.name,
        versions: [m.config.version],
        platform: "onnxruntime_onnx",
        inputs: [
          { name: m.schema.inputName, datatype: "FP32", shape: [-1, ...m.schema.inputShape] },
        ],
        outputs: [{ name: m.outputName, datatype: "FP32", shape: [-1, m.numClasses] }],
        parameters: {
          bounds: m.schema.bounds.map((b) => (Number.isFinite(b) ? b : null)),
          maxRowsPerRequest: m.schema.maxRows,
          output: m.config.output.mode,
        },
      };
    }),
  );
  app.get<{ Params: { name: string } }>(
    "/v2/models/:name/ready",
    guarded(async (request) => {
      await admit(request, "metadata", request.params.name);
      request.gw.model = modelNamed(request.params.name);
      return { name: request.params.name, ready: !closing };
    }),
  );

  app.post<{ Params: { name: string } }>(
    "/v2/models/:name/infer",
    guarded(async (request, reply) => {
      const { model, rows, flagged } = await infer(request, (b, m) => parseV2Request(b, m.schema));
      if (flagged.length > 0) reply.header("x-mlsec-flagged", flagged.join(","));
      return {
        model_name: model.config.name,
        model_version: model.config.version,
        id: request.id,
        outputs: [
          {
            name: model.outputName,
            shape: [rows.length, model.numClasses],
            datatype: "FP32",
            data: rows.flatMap((r) => r.scores),
          },
          {
            name: "label",
            shape: [rows.length],
            datatype: "INT64",
            data: rows.map((r) => r.label),
          },
        ],
      };
    }),
  );
  app.post<{ Params: { name: string } }>(
    "/v1/models/:name/predict",
    guarded(async (request, reply) => {
      const { model, rows, flagged } = await infer(request, (b, m) =>
        parseSimpleRequest(b, m.schema),
      );
      if (flagged.length > 0) reply.header("x-mlsec-flagged", flagged.join(","));
      return {
        model: model.config.name,
        version: model.config.version,
        outputs: rows.map((r) => r.scores),
        labels: rows.map((r) => r.label),
      };
    }),
  );

  app.get(
    "/metrics",
    guarded(async (request, reply) => {
      if (!config.server.publicMetrics) await admit(request, "metrics");
      reply.header("content-type", "text/plain; version=0.0.4");
      return metrics.render({
        mlsec_gateway_audit_records: { help: "Audit records written.", value: audited },
        mlsec_gateway_queue_rows: {
          help: "Rows waiting for inference.",
          value: models.reduce((s, m) => s + m.batcher.queueRows, 0),
        },
        mlsec_gateway_heap_bytes: {
          help: "V8 heap in use.",
          value: process.memoryUsage().heapUsed,
        },
      });
    }),
  );

  app.setNotFoundHandler(async (request, reply) => {
    request.gw.decision = "invalid";
    request.gw.reason = "no such route";
    return reply
      .code(404)
      .send({ error: { code: "not_found", message: `no route ${request.method} ${request.url}` } });
  });

  app.setErrorHandler(async (error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (request.gw !== undefined && request.gw !== null) {
      request.gw.decision = status < 500 ? "invalid" : "error";
      request.gw.reason = error instanceof Error ? error.message : String(error);
    }
    if (status < 500) {
      const code =
        status === 413
          ? "body_too_large"
          : status === 415
            ? "unsupported_media_type"
            : "bad_request";
      return reply.code(status).send({ error: { code, message: (error as Error).message } });
    }
    return reply.code(500).send({ error: { code: "internal", message: "internal error" } });
  });

  // Keep-alive connections that finish a request while the gateway drains are closed with it,
  // so close() does not wait for clients to hang up.
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });

  app.addHook("onResponse", async (request, reply) => {
    const gw = request.gw;
    if (gw === undefined || gw === null) return;
    const principal = gw.principal;
    const status = reply.statusCode;
    const latencyMs = reply.elapsedTime;
    metrics.requests.inc({ route: gw.route, status: String(status), decision: gw.decision });
    metrics.latency.observe(latencyMs / 1000);
    audit.write({
      time: new Date().toISOString(),
      requestId: String(request.id),
      client: principal?.id ?? null,
      auth: principal?.method ?? null,
      ip: request.ip,
      method: request.method,
      route: gw.route,
      model: gw.model?.config.name ?? null,
      modelVersion: gw.model?.config.version ?? null,
      status,
      decision: gw.decision,
      ...(gw.reason === undefined ? {} : { reason: gw.reason }),
      rows: gw.rows,
      latencyMs: Math.round(latencyMs * 100) / 100,
      ...(gw.scores === undefined || Object.keys(gw.scores).length === 0
        ? {}
        : { scores: gw.scores }),
      ...(gw.input === undefined ? {} : { input: Array.from(gw.input) }),
    });
    audited++;
  });

  // Encrypted inference takes binary query containers: the octet-stream parser lives in this
  // scope only, so every other route stays JSON-only. Without an HE model the route does not exist.
  const maxQueryBytes = Math.max(0, ...models.map((m) => m.config.he?.maxQueryBytes ?? 0));
  if (maxQueryBytes > 0)
    app.register(async (scope) => {
      scope.addContentTypeParser(
        "application/octet-stream",
        { parseAs: "buffer", bodyLimit: maxQueryBytes },
        (_request, body, done) => done(null, body),
      );
      scope.post<{ Params: { name: string } }>(
        "/v1/he/:name/infer",
        { bodyLimit: maxQueryBytes },
        guarded(async (request, reply) => {
          const principal = await admit(request, "infer", request.params.name);
          const model = modelNamed(request.params.name);
          request.gw.model = model;
          const he = model.he;
          if (he === undefined) {
            throw new Refusal(
              404,
              "not_found",
              `model ${model.config.name} has no encrypted inference`,
              "invalid",
            );
          }
          refuseIfBanned(principal.id);
          const query = request.body;
          if (!(query instanceof Uint8Array)) {
            throw new Refusal(
              415,
              "unsupported_media_type",
              "send the query container as application/octet-stream",
              "invalid",
            );
          }
          if (query.length > model.config.he!.maxQueryBytes) {
            throw new Refusal(
              413,
              "body_too_large",
              `the query is larger than ${model.config.he!.maxQueryBytes} bytes`,
              "invalid",
            );
          }
          let samples: number;
          try {
            samples = he.samplesIn(query);
          } catch (e) {
            if (isMlsecError(e)) throw new Refusal(400, e.code, e.message, "invalid");
            throw e;
          }
          request.gw.rows = samples;
          await takeTokens(principal.id, samples);
          // No await between this check and infer(), which counts the query at once.
          if (he.pending >= model.config.he!.maxPending) {
            throw new Refusal(
              503,
              "overloaded",
              "too many encrypted queries in flight",
              "overloaded",
              {
                "retry-after": "1",
              },
            );
          }
          let result: Uint8Array;
          try {
            result = await he.infer(query);
          } catch (e) {
            if (isMlsecError(e)) throw new Refusal(400, e.code, e.message, "invalid");
            throw e;
          }
          metrics.rows.inc({ model: model.config.name }, samples);
          reply.header("content-type", "application/octet-stream");
          return reply.send(Buffer.from(result.buffer, result.byteOffset, result.byteLength));
        }),
      );
    });

  try {
    await app.listen({ host: config.server.host, port: config.server.port });
  } catch (e) {
    await cleanup();
    await audit.close().catch(() => {});
    throw new MlsecError(
      "E_GATEWAY_LISTEN",
      `cannot listen on ${config.server.host}:${config.server.port}: ${(e as Error).message}`,
    );
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.server.port;
  const host = config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    models,
    audited: () => audited,
    close() {
      closed ??= (async () => {
        closing = true;
        // A client that stalls mid-request (say, still uploading a body answered with 413)
        // must not hold the drain open: past the deadline its connection is dropped.
        const deadline = setTimeout(
          () => app.server.closeAllConnections(),
          config.server.drainTimeoutMs,
        );
        try {
          await app.close();
        } finally {
          clearTimeout(deadline);
        }
        await Promise.all(models.map((m) => m.batcher.drained()));
        await cleanup();
        await audit.close();
      })();
      return closed;
    },
  };
}
