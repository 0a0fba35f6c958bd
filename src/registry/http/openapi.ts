// The OpenAPI 3.1 description of the registry's HTTP API (served at /openapi.json).
const error = { $ref: "#/components/schemas/Error" };
const json = (schema: object) => ({ content: { "application/json": { schema } } });
const name = { name: "name", in: "path", required: true, schema: { type: "string" } };
const ref = {
  name: "ref",
  in: "path",
  required: true,
  description: "a version number, an alias or `latest`",
  schema: { type: "string" },
};
const failures = {
  "401": { description: "missing or invalid bearer token", ...json(error) },
  "403": { description: "the token's principal lacks the role (audited)", ...json(error) },
  "429": { description: "too many failed authentications from this address", ...json(error) },
};

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "mlsec model registry",
    version: "1",
    description:
      "Models and datasets with immutable content-addressed versions, RBAC and a hash-chained audit log.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            properties: { code: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    "/v1/whoami": {
      get: { summary: "the principal the token proves", responses: { "200": json({}) } },
    },
    "/v1/models": {
      get: {
        summary: "models and datasets the caller may read, by name",
        parameters: [
          { name: "kind", in: "query", schema: { enum: ["model", "dataset"] } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 } },
          { name: "after", in: "query", description: "the `next` cursor of the previous page" },
        ],
        responses: { "200": { description: "{items, next}" }, ...failures },
      },
      post: {
        summary: "register a model, or a dataset with its purpose and retention period",
        requestBody: json({
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string" },
            kind: { enum: ["model", "dataset"] },
            purpose: { type: "string" },
            retentionDays: { type: "integer", minimum: 1 },
            description: { type: "string" },
            tags: { type: "array", items: { type: "string" } },
          },
        }),
        responses: { "201": { description: "the new artifact" }, "409": json(error), ...failures },
      },
    },
    "/v1/expired": {
      get: {
        summary: "dataset versions past their retention period, with the models trained on them",
        responses: { "200": { description: "{items}" }, ...failures },
      },
    },
    "/v1/models/{name}": {
      get: {
        summary: "one artifact, its versions, aliases and expired data",
        parameters: [name],
        responses: { "200": { description: "the artifact" }, "404": json(error), ...failures },
      },
    },
    "/v1/models/{name}/versions": {
      post: {
        summary: "push a single-file version (streamed; scanned and checked against the policy)",
        parameters: [
          name,
          { name: "filename", in: "query", description: "the file name the digest covers" },
          { name: "metric", in: "query", description: "NAME=NUMBER, repeatable" },
          { name: "dataset", in: "query", description: "dataset@version trained on, repeatable" },
          { name: "parent", in: "query" },
          { name: "codeRevision", in: "query" },
          { name: "dataDigest", in: "query" },
          { name: "description", in: "query" },
          {
            name: "x-mlsec-signature",
            in: "header",
            description: "base64 of a model-signing bundle",
          },
        ],
        requestBody: { content: { "application/octet-stream": {} } },
        responses: {
          "201": { description: "published" },
          "409": { description: "same content already a version", ...json(error) },
          "413": { description: "upload larger than the server's limit", ...json(error) },
          "422": { description: "rejected by the publish policy, with reasons" },
          ...failures,
        },
      },
    },
    "/v1/models/{name}/versions/{ref}": {
      get: {
        summary: "version metadata (ETag: the digest)",
        parameters: [name, ref],
        responses: { "200": { description: "the version" }, "304": {}, ...failures },
      },
      delete: {
        summary: "soft-delete a version (maintainer); rows, blob and audit trail stay",
        parameters: [name, ref, { name: "reason", in: "query", required: true }],
        responses: { "200": { description: "{versions, aliasesRemoved}" }, ...failures },
      },
    },
    "/v1/models/{name}/versions/{ref}/blob": {
      get: {
        summary: "download a single-file version, verified against its digest first (streamed)",
        parameters: [name, ref],
        responses: {
          "200": { content: { "application/octet-stream": {} } },
          "304": { description: "If-None-Match matched the digest" },
          ...failures,
        },
      },
    },
    "/v1/models/{name}/versions/{ref}/signature": {
      get: {
        summary: "the model-signing bundle that verified at publish (404 when unsigned)",
        parameters: [name, ref],
        responses: { "200": { content: { "application/json": {} } }, ...failures },
      },
    },
    "/v1/models/{name}/aliases/{alias}": {
      put: {
        summary: "point an alias at a version, with a reason",
        parameters: [name, { name: "alias", in: "path", required: true }],
        requestBody: json({
          type: "object",
          required: ["version", "reason"],
          properties: { version: { type: "integer" }, reason: { type: "string" } },
        }),
        responses: { "200": { description: "{previous}" }, ...failures },
      },
    },
    "/v1/grants/{principal}": {
      put: {
        summary: "grant a role registry-wide or on one model (admin)",
        parameters: [{ name: "principal", in: "path", required: true }],
        requestBody: json({
          type: "object",
          required: ["role"],
          properties: {
            role: { enum: ["reader", "publisher", "maintainer", "admin"] },
            model: { type: "string" },
          },
        }),
        responses: { "200": { description: "the grant" }, ...failures },
      },
      delete: {
        summary: "revoke a grant (admin)",
        parameters: [
          { name: "principal", in: "path", required: true },
          { name: "model", in: "query" },
        ],
        responses: { "200": { description: "{removed}" }, ...failures },
      },
    },
    "/v1/audit/verify": {
      get: { summary: "recompute the audit chain", responses: { "200": json({}), ...failures } },
    },
    "/v1/rescan": {
      post: {
        summary: "re-scan every stored version with today's rules (registry-wide maintainer)",
        requestBody: json({ type: "object", properties: { demote: { type: "boolean" } } }),
        responses: {
          "200": { description: "{changes: [{model, version, before, after, aliasesRemoved}]}" },
          ...failures,
        },
      },
    },
    "/v1/tokens": {
      get: {
        summary: "the caller's own tokens (never their secrets)",
        responses: { "200": { description: "{items}" }, ...failures },
      },
    },
    "/v1/tokens/{id}": {
      delete: {
        summary: "revoke one of the caller's own live tokens",
        parameters: [{ name: "id", in: "path", required: true }],
        responses: { "200": { description: "{id, revoked}" }, "404": json(error), ...failures },
      },
    },
  },
} as const;
