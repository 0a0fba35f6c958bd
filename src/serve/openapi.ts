// The gateway's OpenAPI 3.1 document, generated from the served models' schemas.

import type { ServedModel } from "./models.js";

const errorBody = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" } },
      required: ["code", "message"],
    },
  },
};

export function openApiDocument(models: readonly ServedModel[], version: string): object {
  const errors = Object.fromEntries(
    [
      ["400", "Invalid input: dtype, shape, bounds, NaN/Infinity or malformed JSON"],
      ["401", "Missing, expired or forged credentials"],
      ["403", "Not authorized for this model or route, or blocked by attack detection"],
      ["404", "No such model"],
      ["413", "Body larger than server.maxBodyBytes"],
      ["429", "Rate limit or query budget exhausted (see Retry-After)"],
      ["503", "Overloaded or shutting down (see Retry-After)"],
    ].map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: errorBody } } },
    ]),
  );
  const security = [{ apiKey: [] }, { bearer: [] }];
  const heModels = models.filter((m) => m.he !== undefined).map((m) => m.config.name);
  const modelParam = {
    name: "name",
    in: "path",
    required: true,
    schema: { type: "string", enum: models.map((m) => m.config.name) },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "mlsec inference gateway",
      version,
      description:
        "KServe v2-style inference with authentication, input validation, rate limits, attack detection and output hardening.",
    },
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT or mlsec_ API key" },
      },
    },
    paths: {
      "/v2/health/live": {
        get: { summary: "Liveness", responses: { "200": { description: "live" } } },
      },
      "/v2/health/ready": {
        get: {
          summary: "Readiness",
          responses: { "200": { description: "ready" }, "503": { description: "not ready" } },
        },
      },
      "/v2/models/{name}": {
        get: {
          summary: "Model metadata (inputs, outputs, versions)",
          security,
          parameters: [modelParam],
          responses: { "200": { description: "metadata" }, ...errors },
        },
      },
      "/v2/models/{name}/infer": {
        post: {
          summary: "KServe v2 inference",
          security,
          parameters: [modelParam],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["inputs"],
                  properties: {
                    inputs: {
                      type: "array",
                      minItems: 1,
                      maxItems: 1,
                      items: {
                        type: "object",
                        required: ["shape", "datatype", "data"],
                        properties: {
                          name: { type: "string" },
                          shape: { type: "array", items: { type: "integer" } },
                          datatype: { const: "FP32" },
                          data: { type: "array" },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          responses: { "200": { description: "outputs (scores and labels)" }, ...errors },
        },
      },
      "/v1/models/{name}/predict": {
        post: {
          summary: 'Simple JSON inference: {"inputs": [sample, ...]} → {"outputs", "labels"}',
          security,
          parameters: [modelParam],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["inputs"],
                  properties: { inputs: { type: "array" } },
                },
              },
            },
          },
          responses: { "200": { description: "scores and labels" }, ...errors },
        },
      },
      ...(heModels.length === 0
        ? {}
        : {
            "/v1/he/{name}/infer": {
              post: {
                summary:
                  "Encrypted (CKKS) inference: a query container from `mlsec he encrypt` in, a result container for `mlsec he decrypt` out; the gateway holds only the public server keys",
                security,
                parameters: [{ ...modelParam, schema: { type: "string", enum: heModels } }],
                requestBody: {
                  required: true,
                  content: {
                    "application/octet-stream": { schema: { type: "string", format: "binary" } },
                  },
                },
                responses: {
                  "200": {
                    description: "result container (ciphertexts only the client can decrypt)",
                    content: {
                      "application/octet-stream": { schema: { type: "string", format: "binary" } },
                    },
                  },
                  "415": {
                    description: "Not application/octet-stream",
                    content: { "application/json": { schema: errorBody } },
                  },
                  ...errors,
                },
              },
            },
          }),
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          security,
          responses: { "200": { description: "text/plain" } },
        },
      },
    },
  };
}
