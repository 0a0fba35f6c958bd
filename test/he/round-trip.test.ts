import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/index.js";
import {
  evaluatePlan,
  generateKeys,
  HeClient,
  HeServer,
  planFromOnnx,
  unpackContainer,
} from "../../src/he/index.js";
import { loadModel } from "../../src/onnx/index.js";

describe("CKKS round trip on the tabular polynomial model", () => {
  it("decrypts what the plaintext plan computes, and the server bundle holds no secret key", async () => {
    const plan = planFromOnnx(await loadModel("examples/models/tabular-poly.onnx"));
    const keys = await generateKeys(plan, { security: 128, modelSha256: "test" });
    const server = unpackContainer(keys.serverKeys, "server-keys");
    expect([...server.sections.keys()].sort()).toEqual([
      "galoisKeys",
      "parms",
      "publicKey",
      "relinKeys",
    ]);
    const data = await loadDataset("examples/data/tabular-test.npz");
    const samples = Array.from({ length: 10 }, (_, i) => data.x.data.subarray(i * 4, i * 4 + 4));
    const client = await HeClient.open(keys.clientKeys);
    const he = await HeServer.open(keys.serverKeys, plan);
    try {
      const result = he.inferQuery(client.encrypt(samples));
      const logits = client.decrypt(result);
      samples.forEach((x, i) => {
        const want = evaluatePlan(plan, x);
        for (let j = 0; j < want.length; j++)
          expect(Math.abs(logits[i][j] - want[j])).toBeLessThan(1e-3);
      });
    } finally {
      he.dispose();
      client.dispose();
    }
  });
});
