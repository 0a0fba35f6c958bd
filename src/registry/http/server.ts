// The registry's HTTP API on fastify: JSON, bearer tokens (see ../tokens.ts), streamed uploads
// and downloads with bounded memory, pagination, ETags, OpenAPI document at /openapi.json.
// Every route calls the same Registry methods as the CLI, so the permission check and the audit
// log are the same; failed authentications are throttled per client address.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isMlsecError, MlsecError } from "../../core/index.js";
import { isRole, ROLES } from "../rbac.js";
import type { Registry } from "../registry.js";
import { OPENAPI } from "./openapi.js";
import { FailureLimiter } from "./rate-limit.js";

export interface ServerOptions {
  readonly registry: Registry;
  /** Largest upload accepted, in bytes (default 1 GiB). */
  readonly maxUploadBytes?: number;
  /** Failed authentications allowed per client address and window (default 10 per minute). */
  readonly maxAuthFailures?: number;
  readonly authWindowMs?: number;
}

export interface RegistryServer {
  readonly app: FastifyInstance;
  /** Listens and returns the base URL, e.g. http://127.0.0.1:41234 */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const MAX_SIGNATURE_HEADER = 64 * 1024;
const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_PAGE = 500;

const STATUS: Record<string, number> = {
  E_REGISTRY_DENIED: 403,
  E_REGISTRY_NOT_FOUND: 404,
  E_REGISTRY_CONFLICT: 409,
  E_INVALID_ARGUMENT: 400,
  E_USAGE: 400,
  E_LIMIT_EXCEEDED: 413,
  E_SIGNATURE_FORMAT: 400,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function many(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String).slice(0, 100);
}

function one(value: unknown): string | undefined {
  const all = many(value);
  return all.length === 0 ? undefined : all[all.length - 1];
}

function metricsOf(specs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const value = Number(spec.slice(eq + 1));
    if (eq <= 0 || spec.slice(eq + 1).trim() === "" || !Number.isFinite(value)) {
      throw new HttpError(400, "E_INVALID_ARGUMENT", `metric must be NAME=NUMBER, got "${spec}"`);
    }
    out[spec.slice(0, eq)] = value;
  }
  return out;
}

/** Counts bytes through and fails once they pass `max` (a lying or absent Content-Length). */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new HttpError(413, "E_LIMIT_EXCEEDED", `upload exceeds ${max} bytes`));
      else done(null, chunk);
    },
  });
}

export async function createRegistryServer(options: ServerOptions): Promise<RegistryServer> {
  const { registry } = options;
  const maxUpload = options.maxUploadBytes ?? 1 << 30;
  const { default: Fastify } = await import("fastify");
  const limiter = new FailureLimiter({
    maxFailures: options.maxAuthFailures ?? 10,
    windowMs: options.authWindowMs ?? 60_000,
  });
  const principals = new WeakMap<FastifyRequest, string>();
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });

  // Uploads arrive as a raw stream: the route writes them to disk under its own byte limit.
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) =>
    done(null, payload),
  );

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HttpError) {
      reply.headers(error.headers);
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    if (isMlsecError(error)) {
      return reply
        .code(STATUS[error.code] ?? 500)
        .send({ error: { code: error.code, message: error.message } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({
      error: { code: status < 500 ? "E_HTTP" : "E_INTERNAL", message: (error as Error).message },
    });
  });

  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/v1/")) return;
    const client = request.ip;
    const wait = limiter.blockedFor(client);
    if (wait > 0) {
      throw new HttpError(429, "E_RATE_LIMITED", "too many failed authentications", {
        "retry-after": String(Math.ceil(wait / 1000)),
      });
    }
    const header = request.headers.authorization ?? "";
    const m = /^Bearer ([!-~]{1,200})$/i.exec(header);
    const principal = m ? await registry.authenticate(m[1] as string) : undefined;
    if (principal === undefined) {
      limiter.recordFailure(client);
      throw new HttpError(401, "E_UNAUTHENTICATED", "a valid bearer token is required", {
        "www-authenticate": 'Bearer realm="mlsec-registry"',
      });
    }
    principals.set(request, principal);
  });

  const actor = (request: FastifyRequest): string => principals.get(request) as string;
  type P = { name: string; ref: string; alias: string };

  app.get("/openapi.json", async () => OPENAPI);

  app.get("/v1/whoami", async (request) => ({ principal: actor(request) }));

  app.get("/v1/models", async (request) => {
    const q = request.query as Record<string, unknown>;
    const limit = Number(one(q.limit) ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new HttpError(400, "E_INVALID_ARGUMENT", `limit must be 1..${MAX_PAGE}`);
    }
    const kind = one(q.kind);
    if (kind !== undefined && kind !== "model" && kind !== "dataset") {
      throw new HttpError(400, "E_INVALID_ARGUMENT", "kind is model or dataset");
    }
    const items = await registry.list(actor(request), {
      kind,
      after: one(q.after),
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    return { items: page, next: items.length > limit ? (page.at(-1)?.name ?? null) : null };
  });

  app.post("/v1/models", async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const kind = body.kind ?? "model";
    if (typeof body.name !== "string" || (kind !== "model" && kind !== "dataset")) {
      throw new HttpError(400, "E_INVALID_ARGUMENT", "send {name, kind: model|dataset, ...}");
    }
    const text = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : undefined);
    const tags = Array.isArray(body.tags) ? body.tags.filter((t) => typeof t === "string") : [];
    const retention = body.retentionDays;
    await registry.create(actor(request), {
      name: body.name,
      kind,
      purpose: text("purpose"),
      retentionDays: typeof retention === "number" ? retention : undefined,
      description: text("description"),
      tags: tags.slice(0, 100) as string[],
    });
    return reply.code(201).send(await registry.show(actor(request), body.name));
  });

  app.get("/v1/expired", async (request) => ({ items: await registry.expired(actor(request)) }));

  app.get("/v1/models/:name", async (request) => {
    const { name } = request.params as P;
    return registry.show(actor(request), name);
  });

  app.get("/v1/models/:name/versions/:ref", async (request, reply) => {
    const { name, ref } = request.params as P;
    const v = await registry.resolve(actor(request), name, ref);
    reply.header("etag", `"${v.digest}"`);
    if (request.headers["if-none-match"] === `"${v.digest}"`) return reply.code(304).send();
    return v;
  });

  app.get("/v1/models/:name/versions/:ref/blob", async (request, reply) => {
    const { name, ref } = request.params as P;
    const v = await registry.resolve(actor(request), name, ref);
    reply.header("etag", `"${v.digest}"`);
    if (request.headers["if-none-match"] === `"${v.digest}"`) return reply.code(304).send();
    return registry.withVerifiedCopy(v, async (path) => {
      const info = await stat(path);
      if (!info.isFile()) {
        throw new HttpError(409, "E_INVALID_ARGUMENT", `${name}@${v.version} is a directory`);
      }
      const stream = createReadStream(path);
      // The verified copy is removed when this returns; the open descriptor keeps the bytes
      // readable until the stream ends (POSIX unlink semantics).
      await new Promise((resolve, reject) => stream.once("open", resolve).once("error", reject));
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-length", String(info.size))
        .header("x-mlsec-digest", v.digest)
        .header("x-mlsec-version", String(v.version))
        .send(stream);
    });
  });

  app.get("/v1/models/:name/versions/:ref/signature", async (request, reply) => {
    const { name, ref } = request.params as P;
    const v = await registry.resolve(actor(request), name, ref);
    const bundle = await registry.signatureBundle(v);
    if (bundle === null) {
      throw new HttpError(404, "E_REGISTRY_NOT_FOUND", `${name}@${v.version} is not signed`);
    }
    return reply.header("content-type", "application/json").send(bundle);
  });

  app.post("/v1/models/:name/versions", async (request, reply) => {
    try {
      return await pushVersion(request, reply);
    } catch (error) {
      // The client may still be sending: close the connection after the answer rather than
      // read the rest of an upload we refuse (or leave it half-read on a kept-alive socket).
      reply.header("connection", "close");
      throw error;
    }
  });

  const pushVersion = async (request: FastifyRequest, reply: FastifyReply) => {
    const { name } = request.params as P;
    const q = request.query as Record<string, unknown>;
    const who = actor(request);
    const declared = Number(request.headers["content-length"] ?? Number.NaN);
    if (declared > maxUpload) {
      throw new HttpError(413, "E_LIMIT_EXCEEDED", `upload exceeds ${maxUpload} bytes`);
    }
    if (!(request.body && typeof (request.body as NodeJS.ReadableStream).pipe === "function")) {
      throw new HttpError(415, "E_USAGE", "send the model as application/octet-stream");
    }
    const filename = one(q.filename) ?? "model";
    if (!FILENAME.test(filename)) {
      throw new HttpError(400, "E_INVALID_ARGUMENT", `invalid filename "${filename}"`);
    }
    const signature = request.headers["x-mlsec-signature"];
    if (typeof signature === "string" && signature.length > MAX_SIGNATURE_HEADER) {
      throw new HttpError(413, "E_LIMIT_EXCEEDED", "the signature header is too large");
    }
    const metrics = metricsOf(many(q.metric));
    const dir = await mkdtemp(join(tmpdir(), "mlsec-upload-"));
    try {
      const path = join(dir, filename);
      await pipeline(
        request.body as NodeJS.ReadableStream,
        byteLimit(maxUpload),
        createWriteStream(path, { flags: "wx" }),
      );
      let signaturePath: string | undefined;
      if (typeof signature === "string") {
        signaturePath = join(dir, "signature.sig");
        await pipeline(
          [Buffer.from(signature, "base64")],
          createWriteStream(signaturePath, { flags: "wx" }),
        );
      }
      const r = await registry.publish(who, {
        model: name,
        path,
        signaturePath,
        metrics,
        datasets: many(q.dataset),
        parent: one(q.parent),
        codeRevision: one(q.codeRevision),
        dataDigest: one(q.dataDigest),
        description: one(q.description),
        tags: many(q.tag),
      });
      if (r.status === "published") reply.header("etag", `"${r.version.digest}"`);
      return reply.code(r.status === "published" ? 201 : 422).send(r);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  app.put("/v1/models/:name/aliases/:alias", async (request) => {
    const { name, alias } = request.params as P;
    const body = (request.body ?? {}) as { version?: unknown; reason?: unknown };
    if (!Number.isInteger(body.version) || typeof body.reason !== "string") {
      throw new HttpError(400, "E_INVALID_ARGUMENT", "send {version: integer, reason: string}");
    }
    return registry.setAlias(actor(request), name, alias, body.version as number, body.reason);
  });

  app.put("/v1/grants/:principal", async (request) => {
    const { principal } = request.params as { principal: string };
    const body = (request.body ?? {}) as { role?: unknown; model?: unknown };
    if (typeof body.role !== "string" || !isRole(body.role)) {
      throw new HttpError(400, "E_INVALID_ARGUMENT", `role is one of ${ROLES.join(", ")}`);
    }
    const model = typeof body.model === "string" ? body.model : undefined;
    await registry.grant(actor(request), principal, body.role, model);
    return { principal, role: body.role, scope: model ?? "*" };
  });

  app.delete("/v1/grants/:principal", async (request) => {
    const { principal } = request.params as { principal: string };
    const model = one((request.query as Record<string, unknown>).model);
    return { removed: await registry.revoke(actor(request), principal, model) };
  });

  app.delete("/v1/models/:name/versions/:ref", async (request) => {
    const { name, ref } = request.params as P;
    const reason = one((request.query as Record<string, unknown>).reason) ?? "";
    if (!/^[1-9]\d{0,8}$/.test(ref) || reason.trim() === "") {
      throw new HttpError(400, "E_INVALID_ARGUMENT", "delete a version number with ?reason=");
    }
    return registry.delete(actor(request), name, Number(ref), reason);
  });

  app.get("/v1/audit/verify", async (request) => registry.verifyAuditLog(actor(request)));

  app.post("/v1/rescan", async (request) => {
    const body = (request.body ?? {}) as { demote?: unknown };
    if (body.demote !== undefined && typeof body.demote !== "boolean") {
      throw new HttpError(400, "E_INVALID_ARGUMENT", "send {demote?: boolean}");
    }
    return { changes: await registry.rescan(actor(request), { demote: body.demote === true }) };
  });

  // Over HTTP a token only ever sees and revokes its own principal's tokens, admin or not: a
  // leaked admin token must not be able to list or cut off everyone else's access.
  const ownTokens = async (who: string) =>
    (await registry.listTokens(who)).filter((t) => t.principal === who);

  app.get("/v1/tokens", async (request) => ({ items: await ownTokens(actor(request)) }));

  app.delete("/v1/tokens/:id", async (request) => {
    const { id } = request.params as { id: string };
    const who = actor(request);
    if (!(await ownTokens(who)).some((t) => t.id === id && t.revokedAt === null)) {
      throw new HttpError(404, "E_REGISTRY_NOT_FOUND", `no live token ${id} of ${who}`);
    }
    await registry.revokeToken(who, id);
    return { id, revoked: true };
  });

  return {
    app,
    async listen(port = 0, host = "127.0.0.1") {
      try {
        return await app.listen({ port, host });
      } catch (cause) {
        throw new MlsecError("E_INVALID_ARGUMENT", `cannot listen on ${host}:${port}`, { cause });
      }
    },
    close: () => app.close(),
  };
}
