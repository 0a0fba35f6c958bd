// TAXII 2.1 server (OASIS TAXII Version 2.1, OS 2021): discovery §4.1, API root §4.2, status
// §4.3, collections §5.1-5.2, manifest §5.3, objects §5.4-5.6, delete §5.7, versions §5.8; on
// fastify.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MlsecError } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import { parseJsonBounded } from "../stix/parse.js";
import { Authenticator } from "./auth.js";
import { mayRead, mayWrite, type TaxiiConfig, type TaxiiPrincipal } from "./config.js";
import { acceptsTaxii, isTaxiiContentType, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from "./media.js";
import { type ObjectQuery, TaxiiRepository } from "./repository.js";
import { normalizeTimestamp } from "./timestamps.js";

export interface TaxiiServer {
  readonly app: FastifyInstance;
  readonly repository: TaxiiRepository;
  /** Listens and returns the base URL, e.g. http://127.0.0.1:41234 */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Most objects one POST may carry (besides the byte limit). */
export const MAX_OBJECTS_PER_POST = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly description?: string,
  ) {
    super(title);
  }
}

type Params = { root: string; cid: string; oid: string; sid: string };

function list(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => String(v).split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .slice(0, 100);
}

export async function createTaxiiServer(options: {
  store: Store;
  config: TaxiiConfig;
  now?: () => Date;
}): Promise<TaxiiServer> {
  const { config } = options;
  const { default: Fastify } = await import("fastify");
  const repository = await TaxiiRepository.open(options.store, config, options.now);
  const auth = new Authenticator(config.principals);
  const principals = new WeakMap<FastifyRequest, TaxiiPrincipal>();
  const roots = new Map(config.apiRoots.map((r) => [r.name, r]));

  const app = Fastify({
    logger: false,
    bodyLimit: config.maxContentLength,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 300 },
    // Bounds on slow or hostile clients.
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
  });

  const send = (reply: FastifyReply, status: number, body: unknown) =>
    reply
      .code(status)
      .header("content-type", TAXII_MEDIA_TYPE)
      .send(Buffer.from(JSON.stringify(body)));

  // Bodies are read raw (bounded by bodyLimit) and parsed by the route, which checks the type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    if (error instanceof HttpError) {
      return send(reply, error.status, {
        title: error.title,
        ...(error.description ? { description: error.description } : {}),
        http_status: String(error.status),
      });
    }
    if (error instanceof MlsecError) {
      const status = error.code === "E_LIMIT_EXCEEDED" ? 413 : 400;
      return send(reply, status, {
        title: error.message,
        error_code: error.code,
        http_status: String(status),
      });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    return send(reply, status, {
      title: status === 500 ? "internal server error" : error.message,
      http_status: String(status),
    });
  });
  app.setNotFoundHandler((_req, reply) =>
    send(reply, 404, { title: "not found", http_status: "404" }),
  );

  app.addHook("onRequest", async (req, reply) => {
    const principal = auth.authenticate(req.headers.authorization);
    if (!principal) {
      reply.header("WWW-Authenticate", 'Bearer realm="mlsec-taxii", Basic realm="mlsec-taxii"');
      throw new HttpError(401, "authentication required");
    }
    principals.set(req, principal);
    if (!acceptsTaxii(req.headers.accept)) {
      throw new HttpError(406, "not acceptable", `the server only answers ${TAXII_MEDIA_TYPE}`);
    }
  });

  const who = (req: FastifyRequest) => principals.get(req)!;
  const root = (name: string) => {
    const r = roots.get(name);
    if (!r) throw new HttpError(404, `no API root ${name}`);
    return r;
  };
  const collection = async (req: FastifyRequest, need: "read" | "write" | "see") => {
    const p = req.params as Params;
    root(p.root);
    const c = await repository.collection(p.root, p.cid);
    if (!c) throw new HttpError(404, `no collection ${p.cid}`);
    const principal = who(req);
    const ok =
      need === "read"
        ? mayRead(principal, c.id)
        : need === "write"
          ? mayWrite(principal, c.id)
          : mayRead(principal, c.id) || mayWrite(principal, c.id);
    if (!ok)
      throw new HttpError(
        403,
        `${principal.name} may not ${need === "see" ? "access" : need} collection ${c.id}`,
      );
    return c;
  };
  const collectionResource = (
    c: { id: string; title: string; description: string | null; alias: string | null },
    p: TaxiiPrincipal,
  ) => ({
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    ...(c.alias ? { alias: c.alias } : {}),
    can_read: mayRead(p, c.id),
    can_write: mayWrite(p, c.id),
    media_types: [STIX_MEDIA_TYPE],
  });

  const objectQuery = (req: FastifyRequest, ids?: string[]): ObjectQuery => {
    const q = req.query as Record<string, unknown>;
    let addedAfter: string | undefined;
    if (q.added_after !== undefined) {
      addedAfter = normalizeTimestamp(String(q.added_after));
      if (!addedAfter) throw new HttpError(400, "added_after is not an RFC 3339 UTC timestamp");
    }
    let limit = config.pageSize;
    if (q.limit !== undefined) {
      const n = Number(q.limit);
      if (!Number.isSafeInteger(n) || n < 1)
        throw new HttpError(400, "limit must be a positive integer");
      limit = Math.min(n, config.pageSize);
    }
    const versions = list(q["match[version]"]).map((v) =>
      v === "all" || v === "first" || v === "last" ? v : (normalizeTimestamp(v) ?? "invalid"),
    );
    if (versions.includes("invalid"))
      throw new HttpError(400, "match[version] has an invalid value");
    const specs = list(q["match[spec_version]"]);
    if (specs.length > 0 && !specs.includes("2.1")) {
      // Only STIX 2.1 is stored: nothing else can match.
      return { ids: ["none--00000000-0000-0000-0000-000000000000"], limit };
    }
    return {
      ...(addedAfter ? { addedAfter } : {}),
      ids: ids ?? list(q["match[id]"]),
      types: list(q["match[type]"]),
      ...(versions.length > 0 ? { versions } : {}),
      limit,
      ...(q.next !== undefined ? { next: String(q.next) } : {}),
    };
  };

  const pageHeaders = (reply: FastifyReply, rows: readonly { date_added: string }[]) => {
    if (rows.length === 0) return;
    reply.header("X-TAXII-Date-Added-First", rows[0]!.date_added);
    reply.header("X-TAXII-Date-Added-Last", rows.at(-1)!.date_added);
  };

  app.get("/taxii2/", async (req, reply) => {
    const base = `${req.protocol}://${req.host}`;
    return send(reply, 200, {
      title: config.title,
      ...(config.description ? { description: config.description } : {}),
      ...(config.contact ? { contact: config.contact } : {}),
      default: `${base}/${config.apiRoots[0]!.name}/`,
      api_roots: config.apiRoots.map((r) => `${base}/${r.name}/`),
    });
  });

  app.get("/:root/", async (req, reply) => {
    const r = root((req.params as Params).root);
    return send(reply, 200, {
      title: r.title,
      ...(r.description ? { description: r.description } : {}),
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: config.maxContentLength,
    });
  });

  app.get("/:root/status/:sid/", async (req, reply) => {
    const p = req.params as Params;
    root(p.root);
    const status = await repository.status(p.root, who(req).name, p.sid);
    if (!status) throw new HttpError(404, `no status ${p.sid}`);
    return send(reply, 200, status);
  });

  app.get("/:root/collections/", async (req, reply) => {
    const p = req.params as Params;
    root(p.root);
    const principal = who(req);
    const visible = (await repository.collections(p.root)).filter(
      (c) => mayRead(principal, c.id) || mayWrite(principal, c.id),
    );
    return send(
      reply,
      200,
      visible.length ? { collections: visible.map((c) => collectionResource(c, principal)) } : {},
    );
  });

  app.get("/:root/collections/:cid/", async (req, reply) => {
    const c = await collection(req, "see");
    return send(reply, 200, collectionResource(c, who(req)));
  });

  app.get("/:root/collections/:cid/manifest/", async (req, reply) => {
    const c = await collection(req, "read");
    const page = await repository.objects(c.id, objectQuery(req));
    pageHeaders(reply, page.rows);
    return send(reply, 200, {
      more: page.more,
      ...(page.next ? { next: page.next } : {}),
      ...(page.rows.length
        ? {
            objects: page.rows.map((r) => ({
              id: r.object_id,
              date_added: r.date_added,
              version: r.version,
              media_type: STIX_MEDIA_TYPE,
            })),
          }
        : {}),
    });
  });

  const envelope = async (req: FastifyRequest, reply: FastifyReply, ids?: string[]) => {
    const c = await collection(req, "read");
    const page = await repository.objects(c.id, objectQuery(req, ids));
    if (ids && page.rows.length === 0) throw new HttpError(404, `no object ${ids[0]}`);
    pageHeaders(reply, page.rows);
    return send(reply, 200, {
      more: page.more,
      ...(page.next ? { next: page.next } : {}),
      ...(page.rows.length ? { objects: page.rows.map((r) => JSON.parse(r.body) as unknown) } : {}),
    });
  };

  app.get("/:root/collections/:cid/objects/", (req, reply) => envelope(req, reply));
  app.get("/:root/collections/:cid/objects/:oid/", (req, reply) =>
    envelope(req, reply, [(req.params as Params).oid]),
  );

  // Deleting needs both permissions (§5.7); the answer is 200 with an empty body.
  app.delete("/:root/collections/:cid/objects/:oid/", async (req, reply) => {
    const c = await collection(req, "read");
    await collection(req, "write");
    const q = objectQuery(req);
    const oid = (req.params as Params).oid;
    const deleted = await repository.deleteObject(c.id, oid, q.versions ?? ["all"]);
    if (deleted === 0) throw new HttpError(404, `no object ${oid}`);
    return reply.code(200).header("content-type", TAXII_MEDIA_TYPE).send();
  });

  app.get("/:root/collections/:cid/objects/:oid/versions/", async (req, reply) => {
    const c = await collection(req, "read");
    const q = objectQuery(req);
    const versions = await repository.versions(c.id, (req.params as Params).oid, q.addedAfter);
    if (versions.length === 0) throw new HttpError(404, `no object ${(req.params as Params).oid}`);
    return send(reply, 200, { more: false, versions });
  });

  app.post("/:root/collections/:cid/objects/", async (req, reply) => {
    if (!isTaxiiContentType(req.headers["content-type"])) {
      throw new HttpError(415, "unsupported media type", `send ${TAXII_MEDIA_TYPE}`);
    }
    const c = await collection(req, "write");
    const body = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
    const value = parseJsonBounded(body, {
      maxBytes: config.maxContentLength,
      maxDepth: 32,
      maxObjects: MAX_OBJECTS_PER_POST,
    });
    const objects = (value as { objects?: unknown } | null)?.objects;
    if (value === null || typeof value !== "object" || !Array.isArray(objects)) {
      throw new HttpError(400, "the body must be a TAXII envelope with an objects list");
    }
    if (objects.length > MAX_OBJECTS_PER_POST) {
      throw new HttpError(413, `at most ${MAX_OBJECTS_PER_POST} objects per request`);
    }
    const outcome = await repository.addObjects(c.id, objects, config.unknownTypes);
    const status = await repository.putStatus((req.params as Params).root, who(req).name, {
      status: "complete",
      total_count: objects.length,
      success_count: outcome.successes.length,
      successes: outcome.successes,
      failure_count: outcome.failures.length,
      failures: outcome.failures,
      pending_count: 0,
      pendings: [],
    });
    return send(reply, 202, status);
  });

  return {
    app,
    repository,
    async listen(port = 0, host = "127.0.0.1") {
      const address = await app.listen({ port, host });
      return address.replace("[::1]", "127.0.0.1");
    },
    close: () => app.close(),
  };
}
