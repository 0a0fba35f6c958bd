// Graceful drain is bounded: a client that stalls in the middle of sending its request body
// cannot keep the gateway from shutting down; its connection is dropped at the deadline.
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { gateway, KEY } from "./helpers.js";

describe("gateway drain deadline", () => {
  it("drops a stalled upload at server.drainTimeoutMs and finishes closing", async () => {
    const gw = await gateway({
      server: { host: "127.0.0.1", port: 0, maxBodyBytes: 1 << 20, drainTimeoutMs: 200 },
    });
    const { port } = new URL(gw.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const socketClosed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    // Headers promise 500 kB; only a few bytes follow, then the client goes silent.
    socket.write(
      `POST /v1/models/digits/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${KEY}\r\n` +
        'content-type: application/json\r\ncontent-length: 500000\r\n\r\n{"inputs":',
    );
    await new Promise((r) => setTimeout(r, 100));
    await gw.close();
    await socketClosed;
    expect(socket.destroyed).toBe(true);
  });
});
