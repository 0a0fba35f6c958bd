import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { OnnxClassifier } from "../../../src/onnx/index.js";

export interface DigitsServer {
  readonly url: string;
  /** Requests seen per path, and the most requests that were in flight at once. */
  readonly stats: { requests: Record<string, number>; maxInFlight: number };
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A real HTTP server on loopback (port 0) that serves an OnnxClassifier:
 *   POST /predict  {"inputs": [[...]]} → {"outputs": [[logits]]}, needs "authorization: Bearer s3cret"
 *   POST /nested   {"data": {"x": ...}} → {"result": {"scores": ...}}
 *   POST /flaky    the first two calls answer 429 with Retry-After: 0, then like /predict
 *   POST /slow     never answers in time; /garbage answers HTML; /after-2 serves two requests,
 *                  then garbage
 */
export async function startDigitsServer(model: OnnxClassifier): Promise<DigitsServer> {
  const stats = { requests: {} as Record<string, number>, maxInFlight: 0 };
  let inFlight = 0;
  const classify = async (inputs: unknown) => {
    const rows = inputs as number[][][][];
    const flat = Float32Array.from(rows.flat(3) as number[]);
    const logits = await model.predict({ shape: [rows.length, 1, 28, 28], data: flat });
    return Array.from({ length: rows.length }, (_, i) =>
      Array.from(logits.data.subarray(i * 10, (i + 1) * 10)),
    );
  };
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    stats.requests[path] = (stats.requests[path] ?? 0) + 1;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      const text = await body(req);
      const count = stats.requests[path];
      const json = (value: unknown, status = 200, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(value));
      };
      if (path === "/slow") {
        await new Promise((r) => setTimeout(r, 2000));
        return json({ outputs: [] });
      }
      if (path === "/garbage" || (path === "/after-2" && count > 2)) {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<html>oops</html>");
      }
      if (path === "/flaky" && count <= 2)
        return json({ error: "slow down" }, 429, { "retry-after": "0" });
      if (path === "/predict" && req.headers.authorization !== "Bearer s3cret") {
        return json({ error: "unauthorized" }, 401);
      }
      const parsed = JSON.parse(text);
      if (path === "/nested") return json({ result: { scores: await classify(parsed.data.x) } });
      return json({ outputs: await classify(parsed.inputs) });
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
