// The gateway config: YAML or JSON, `${ENV_VAR}` references replaced from the environment
// (secrets stay out of the file), then validated with zod. Relative paths resolve against the
// config file's directory.

import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { MlsecError, readFileBounded, schemaIssueLines } from "../core/index.js";

const MAX_CONFIG_BYTES = 1 << 20;

export const ROUTES = ["infer", "metadata", "metrics"] as const;
export type Route = (typeof ROUTES)[number];

const names = z.array(z.string().min(1)).min(1);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 digest as 64 lowercase hex digits");

const outputSchema = z.strictObject({
  /** What callers see: raw logits, softmax probabilities, the k best, or only the label. */
  mode: z.enum(["logits", "probabilities", "top-k", "label"]).default("probabilities"),
  topK: z.int().min(1).max(1000).default(3),
  /** Decimal places kept in confidences (undefined: full precision). */
  round: z.int().min(0).max(8).optional(),
  /** Std of Gaussian noise added to the confidences (label-preserving). */
  noise: z.number().min(0).max(1).default(0),
});

const registrySourceSchema = z.strictObject({
  /** Store URL or SQLite path, as `mlsec registry --store`. */
  store: z.string().min(1),
  /** `name@version|alias|latest`. */
  ref: z.string().min(1),
  /** The registry user the gateway acts as (reader on the model). */
  actor: z.string().min(1),
  blobs: z.string().optional(),
  blobKeyFile: z.string().optional(),
  requireSignature: z.boolean().default(true),
});

const modelSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, . _ - (≤ 64)"),
  /** An ONNX file, or `registry` below. */
  path: z.string().min(1).optional(),
  registry: registrySourceSchema.optional(),
  version: z.string().min(1).max(64).default("1"),
  /** Overrides the model's mlsec.bounds metadata. */
  bounds: z.tuple([z.number(), z.number()]).optional(),
  /** Rows one request may carry. */
  maxRowsPerRequest: z.int().min(1).max(100_000).default(64),
  batching: z
    .strictObject({
      maxBatchSize: z.int().min(1).max(4096).default(32),
      maxDelayMs: z.number().min(0).max(1000).default(2),
      /** Worker threads running onnxruntime; 0 runs it on the event loop (tests only). */
      workers: z.int().min(0).max(64).default(1),
      /** Rows waiting beyond this answer 503 with Retry-After instead of queueing forever. */
      maxQueueRows: z.int().min(1).max(1_000_000).default(2048),
    })
    .prefault({}),
  output: outputSchema.prefault({}),
  /** An input anomaly detector JSON from `mlsec detect fit` for this model. */
  anomalyDetector: z.string().optional(),
  /** Encrypted inference at POST /v1/he/{name}/infer (a polynomial model, `mlsec he keygen`). */
  he: z
    .strictObject({
      /** server.mlhe: public, relinearization and Galois keys only (never client.mlhe). */
      serverKeys: z.string().min(1),
      /** Largest query container accepted (seeded ciphertexts are about 195 KB at N=8192). */
      maxQueryBytes: z
        .int()
        .min(1024)
        .max(1 << 30)
        .default(16 << 20),
      /** Worker threads evaluating ciphertexts; 0 evaluates on the event loop (tests only). */
      workers: z.int().min(0).max(64).default(1),
      /** Queries evaluated or waiting at once; beyond this the gateway answers 503 (memory bound). */
      maxPending: z.int().min(1).max(10_000).default(8),
    })
    .optional(),
});

const apiKeySchema = z.strictObject({
  id: z.string().min(1).max(128),
  /** SHA-256 (hex) of the key; the key itself is never stored. */
  sha256: sha256Hex,
  models: names.default(["*"]),
  routes: z.array(z.enum(ROUTES)).min(1).default(["infer", "metadata"]),
});

const jwtSchema = z
  .strictObject({
    algorithms: z
      .array(z.enum(["HS256", "RS256", "ES256"]))
      .min(1)
      .default(["RS256", "ES256"]),
    /** HS256 shared secret (use ${ENV_VAR}); at least 32 bytes. */
    secret: z.string().min(32).optional(),
    jwksFile: z.string().min(1).optional(),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    issuer: z.string().min(1),
    audience: z.string().min(1),
    clockToleranceSeconds: z.int().min(0).max(300).default(30),
    /** Claim listing the models a token may use (array, or "*"). */
    modelsClaim: z.string().default("models"),
    /** Space-separated routes in `scope`; tokens without one get these. */
    defaultRoutes: z.array(z.enum(ROUTES)).min(1).default(["infer", "metadata"]),
  })
  .refine((j) => j.secret !== undefined || j.jwksFile !== undefined || j.jwksUrl !== undefined, {
    message: "jwt needs a secret (HS256), a jwksFile or a jwksUrl",
  })
  .refine((j) => j.secret === undefined || j.algorithms.includes("HS256"), {
    message: "a jwt secret is only used with HS256 in algorithms",
  });

const rateLimitSchema = z.strictObject({
  backend: z.enum(["memory", "redis"]).default("memory"),
  redisUrl: z.string().default("redis://127.0.0.1:6379"),
  /** Prefix of the Redis keys, so several gateways can share or separate limits. */
  redisPrefix: z.string().default("mlsec:rl:"),
  /** Sustained rows per second per client, and the bucket size (burst). */
  rowsPerSecond: z.number().positive().max(1e9).default(50),
  burst: z.number().positive().max(1e9).default(100),
  /** Rows a client may send per budget window in total (extraction budget). */
  budget: z
    .strictObject({
      rows: z.int().min(1),
      windowSeconds: z.int().min(1).default(86_400),
    })
    .optional(),
});

const detectionSchema = z.strictObject({
  /** log: record scores; flag: answer and mark; block: refuse and ban the client. */
  mode: z.enum(["off", "log", "flag", "block"]).default("block"),
  blockSeconds: z
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(3600),
  queryStream: z
    .strictObject({
      threshold: z.number().min(0).optional(),
      /** Benign .npz (array x) to calibrate the threshold at startup. */
      calibrationData: z.string().optional(),
      /** Samples of calibrationData used (the first ones), bounding startup time. */
      calibrationSamples: z.int().min(1).default(2000),
      falsePositiveRate: z.number().gt(0).lt(1).default(0.001),
      // Smaller than the detector's library defaults (1000 x 64): an eighth of the k-NN work
      // per query in the request path. On the digits demo it still flags HopSkipJump and
      // Square at query 21, and 0 of 1000 held-out benign test images.
      k: z.int().min(1).default(20),
      historySize: z.int().min(1).max(100_000).default(500),
      dims: z.int().min(1).max(1024).default(16),
      /** Clients tracked per model; memory ≤ maxClients x historySize x dims x 4 bytes. */
      maxClients: z.int().min(1).max(1_000_000).default(2000),
      seed: z.int().min(0).default(0),
    })
    .refine((q) => q.threshold !== undefined || q.calibrationData !== undefined, {
      message: "queryStream needs a threshold or calibrationData",
    })
    .optional(),
});

const auditSchema = z.strictObject({
  file: z.string().optional(),
  /** Store URL or SQLite path (table gateway_audit), as `--store` elsewhere in mlsec. */
  store: z.string().optional(),
  /** Raw inputs in the audit log: off by default (privacy, size). */
  includeInput: z.boolean().default(false),
  flushIntervalMs: z.int().min(10).max(60_000).default(500),
});

export const gatewayConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default("127.0.0.1"),
      port: z.int().min(0).max(65_535).default(8080),
      maxBodyBytes: z
        .int()
        .min(1024)
        .max(1 << 30)
        .default(4 << 20),
      requestTimeoutMs: z.int().min(100).max(600_000).default(30_000),
      /** How long close() waits for in-flight requests before it drops their connections. */
      drainTimeoutMs: z.int().min(0).max(600_000).default(10_000),
      /** /metrics without credentials (for a scraper on a private network). */
      publicMetrics: z.boolean().default(false),
    })
    .prefault({}),
  models: z.array(modelSchema).min(1),
  auth: z
    .strictObject({
      /** No credentials needed; clients are told apart by IP address. */
      anonymous: z.boolean().default(false),
      apiKeys: z.array(apiKeySchema).default([]),
      jwt: jwtSchema.optional(),
    })
    .refine((a) => a.anonymous || a.apiKeys.length > 0 || a.jwt !== undefined, {
      message: "auth needs apiKeys or jwt (or anonymous: true)",
    }),
  rateLimit: rateLimitSchema.prefault({}),
  detection: detectionSchema.prefault({}),
  audit: auditSchema.prefault({}),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type ModelConfig = GatewayConfig["models"][number];
export type ApiKeyConfig = GatewayConfig["auth"]["apiKeys"][number];
export type JwtConfig = NonNullable<GatewayConfig["auth"]["jwt"]>;
export type OutputConfig = ModelConfig["output"];

/** Replaces `${NAME}` with the environment variable; a missing variable is an error. */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) {
      throw new MlsecError(
        "E_GATEWAY_CONFIG",
        `the config references \${${name}}, which is not set in the environment`,
      );
    }
    return value;
  });
}

/**
 * Interpolates every string in parsed YAML. Done after parsing so that a secret's characters
 * can never change the document's structure.
 */
function interpolateTree(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === "string") return interpolateEnv(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateTree(v, env));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, env)]));
  }
  return value;
}

/** Validates a config object; paths are resolved against `baseDir`. */
export function parseGatewayConfig(raw: unknown, baseDir = process.cwd()): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length === 0 ? "config" : issue.path.join(".");
    throw new MlsecError("E_GATEWAY_CONFIG", `${where}: ${issue.message}`, {
      details: { issues: schemaIssueLines(result.error.issues) },
    });
  }
  const config = result.data;
  const names = new Set<string>();
  for (const m of config.models) {
    if ((m.path === undefined) === (m.registry === undefined)) {
      throw new MlsecError("E_GATEWAY_CONFIG", `model ${m.name} needs either path or registry`);
    }
    if (names.has(m.name))
      throw new MlsecError("E_GATEWAY_CONFIG", `model ${m.name} is listed twice`);
    names.add(m.name);
  }
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const qs = config.detection.queryStream;
  return {
    ...config,
    models: config.models.map((m) => ({
      ...m,
      path: m.path && at(m.path),
      registry: m.registry && {
        ...m.registry,
        // A store URL stays as it is; a SQLite path is relative to the config file.
        store: m.registry.store.includes("://") ? m.registry.store : at(m.registry.store),
        blobs: m.registry.blobs && at(m.registry.blobs),
        blobKeyFile: m.registry.blobKeyFile && at(m.registry.blobKeyFile),
      },
      anomalyDetector: m.anomalyDetector && at(m.anomalyDetector),
      he: m.he && { ...m.he, serverKeys: at(m.he.serverKeys) },
    })),
    auth: {
      ...config.auth,
      jwt:
        config.auth.jwt === undefined
          ? undefined
          : {
              ...config.auth.jwt,
              jwksFile: config.auth.jwt.jwksFile && at(config.auth.jwt.jwksFile),
            },
    },
    detection: {
      ...config.detection,
      queryStream:
        qs === undefined
          ? undefined
          : { ...qs, calibrationData: qs.calibrationData && at(qs.calibrationData) },
    },
    audit: {
      ...config.audit,
      file: config.audit.file && at(config.audit.file),
      store:
        config.audit.store === undefined || config.audit.store.includes("://")
          ? config.audit.store
          : at(config.audit.store),
    },
  };
}

export async function loadGatewayConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConfig> {
  const text = new TextDecoder().decode(await readFileBounded(path, MAX_CONFIG_BYTES));
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw new MlsecError("E_GATEWAY_CONFIG", `${path} is not valid YAML: ${(e as Error).message}`);
  }
  return parseGatewayConfig(interpolateTree(raw, env), dirname(resolve(path)));
}
