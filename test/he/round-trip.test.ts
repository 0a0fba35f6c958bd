import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/index.js";
import {
  evaluatePlan,
  generateKeys,
  HeClient,
  type HePlan,
  HeServer,
  packContainer,
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

async function expectEncryptedMatchesPlan(plan: HePlan, samples: Float64Array[]) {
  const keys = await generateKeys(plan, { security: 128, modelSha256: "poly" });
  const client = await HeClient.open(keys.clientKeys);
  const server = await HeServer.open(keys.serverKeys, plan);
  try {
    const logits = client.decrypt(server.inferQuery(client.encrypt(samples)));
    samples.forEach((x, i) => {
      evaluatePlan(plan, x).forEach((v, j) => {
        expect(Math.abs(logits[i][j] - v)).toBeLessThan(1e-3);
      });
    });
    return { keys, server };
  } finally {
    client.dispose();
  }
}

describe("CKKS evaluation of fitted activations and key checks", () => {
  const samples = [Float64Array.from([1, 2, -1]), Float64Array.from([-0.5, 0.3, 2])];

  it("evaluates a general quadratic after a dense layer, and refuses another key's query", async () => {
    const plan: HePlan = {
      inputSize: 3,
      outputSize: 2,
      notes: [],
      layers: [
        {
          kind: "linear",
          name: "fc1",
          rows: 2,
          cols: 3,
          weight: Float64Array.from([0.5, -1, 0.25, 1, 0.5, -0.5]),
          bias: Float64Array.from([0.1, -0.2]),
        },
        { kind: "poly", name: "act1", coefficients: [0.5, 0.25, -0.1] },
      ],
    };
    const { keys, server } = await expectEncryptedMatchesPlan(plan, samples);
    try {
      expect(keys.meta.params.depth).toBe(3);
      const foreign = packContainer("query", { keyId: "0".repeat(32), count: 1 }, [
        ["ct0", new Uint8Array(0)],
      ]);
      expect(() => server.inferQuery(foreign)).toThrow(
        expect.objectContaining({ code: "E_HE_KEY_MISMATCH" }),
      );
    } finally {
      server.dispose();
    }
  });

  it("evaluates a cubic (x^3 = x * x^2 across levels) with no rotation keys at all", async () => {
    const plan: HePlan = {
      inputSize: 3,
      outputSize: 3,
      notes: [],
      layers: [{ kind: "poly", name: "act1", coefficients: [0.5, 0.25, 0, -0.02] }],
    };
    const { keys, server } = await expectEncryptedMatchesPlan(plan, samples);
    server.dispose();
    expect(keys.meta.rotations).toEqual([]);
    expect(keys.bytes.galoisKeys).toBeLessThan(1000);
  });
});

describe("the server side never touches a secret key", () => {
  it("has no secret-key or decryptor code in any module the server or its workers load", () => {
    const serverModules = [
      "server.ts",
      "worker-pool.ts",
      "infer-worker.ts",
      "context.ts",
      "container.ts",
      "meta.ts",
      "diagonals.ts",
      "plan.ts",
      "seal.ts",
    ];
    for (const file of serverModules) {
      const text = readFileSync(join("src/he", file), "utf8");
      expect(text, file).not.toMatch(/SecretKey|secretKey|Decryptor|client\.js/);
    }
  });
});
