import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GatewayConfigInput } from "../../src/serve/index.js";
import { hashApiKey, parseGatewayConfig, startGateway } from "../../src/serve/index.js";
import type { GatewayOptions } from "../../src/serve/server.js";

export const MODEL = "examples/models/digits-cnn.onnx";
export const KEY = "mlsec_test-key-alice-0123456789abcdefghijklmnopqrstuv";
export const KEY_BOB = "mlsec_test-key-bob-0123456789abcdefghijklmnopqrstuvwx";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mlsec-serve-"));
}

/** A gateway on 127.0.0.1, port 0, inference on the event loop (no built worker file). */
export async function gateway(
  overrides: Partial<GatewayConfigInput> = {},
  options: GatewayOptions = {},
) {
  const config = parseGatewayConfig({
    server: { host: "127.0.0.1", port: 0, maxBodyBytes: 1 << 20 },
    models: [{ name: "digits", path: MODEL, batching: { workers: 0, maxDelayMs: 1 } }],
    auth: {
      apiKeys: [
        { id: "alice", sha256: hashApiKey(KEY) },
        { id: "bob", sha256: hashApiKey(KEY_BOB), models: ["other"], routes: ["infer"] },
      ],
    },
    rateLimit: { rowsPerSecond: 10_000, burst: 10_000 },
    detection: { mode: "off" },
    ...overrides,
  });
  return startGateway(config, options);
}

export function image(value = 0.5): number[][][] {
  return [Array.from({ length: 28 }, () => new Array(28).fill(value))];
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = { "x-api-key": KEY },
) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
  return { status: response.status, headers: response.headers, json: json as any };
}
