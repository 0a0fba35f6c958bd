import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unpackContainer } from "../../src/he/index.js";
import { runCli } from "../helpers/cli.js";

const MODEL = "examples/models/tabular-poly.onnx";
const DATA = "examples/data/tabular-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-he-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface HeJson {
  readonly parameters: Record<string, number>;
  readonly bytes: Record<string, number>;
  readonly layers: readonly { name: string }[];
  readonly predictions: readonly number[];
  readonly accuracy: number;
  readonly agreement: number;
  readonly maxLogitError: number;
  readonly [key: string]: unknown;
}
const json = (stdout: string) => JSON.parse(stdout) as HeJson;

describe("mlsec he", () => {
  it("keygen, encrypt, infer (server side without the secret key, 2 workers), decrypt", () => {
    const client = join(dir, "client");
    const server = join(dir, "server");
    mkdirSync(server);
    const keygen = runCli(["--format", "json", "he", "keygen", "--model", MODEL, "--out", client]);
    expect(keygen.status, keygen.stderr).toBe(0);
    const k = json(keygen.stdout);
    expect(k.parameters).toMatchObject({ polyModulusDegree: 8192, security: 128, depth: 3 });
    expect(k.bytes.galoisKeys).toBeGreaterThan(0);

    // The server only ever sees server.mlhe and the query: no secret key in its directory or file.
    copyFileSync(join(client, "server.mlhe"), join(server, "server.mlhe"));
    const serverKeys = unpackContainer(readFileSync(join(server, "server.mlhe")), "server-keys");
    expect([...serverKeys.sections.keys()]).not.toContain("secretKey");

    const query = join(server, "query.mlhe");
    const enc = runCli([
      "he",
      "encrypt",
      "--keys",
      client,
      "--data",
      DATA,
      "--limit",
      "10",
      "--out",
      query,
    ]);
    expect(enc.status, enc.stderr).toBe(0);
    const result = join(server, "result.mlhe");
    const inf = runCli([
      "--format",
      "json",
      "he",
      "infer",
      "--model",
      MODEL,
      "--keys",
      server,
      "--query",
      query,
      "--out",
      result,
      "--workers",
      "2",
    ]);
    expect(inf.status, inf.stderr).toBe(0);
    expect(json(inf.stdout).layers.map((l) => l.name)).toEqual(["fc1", "act1", "fc2"]);
    expect(readdirSync(server).sort()).toEqual(["query.mlhe", "result.mlhe", "server.mlhe"]);

    const dec = runCli([
      "--format",
      "json",
      "he",
      "decrypt",
      "--keys",
      client,
      "--result",
      result,
      "--labels",
      DATA,
    ]);
    expect(dec.status, dec.stderr).toBe(0);
    const d = json(dec.stdout);
    expect(d.predictions).toHaveLength(10);
    expect(d.accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it("demo prints the round-trip figures as JSON", () => {
    const r = runCli(["--format", "json", "he", "demo", "--model", MODEL]);
    expect(r.status, r.stderr).toBe(0);
    const o = json(r.stdout);
    for (const key of [
      "plaintextAccuracy",
      "encryptedAccuracy",
      "agreement",
      "maxLogitError",
      "msPerSample",
      "samplesPerSecond",
    ]) {
      expect(typeof o[key]).toBe("number");
    }
    expect(o.agreement).toBeGreaterThanOrEqual(0.995);
    expect(o.maxLogitError).toBeLessThan(1e-2);
    expect(o.bytes).toMatchObject({
      galoisKeys: expect.any(Number),
      queryPerCiphertext: expect.any(Number),
    });
  });

  it("refuses a corrupted query and keys made for another model, with exit 2 and no output", () => {
    const keys = join(dir, "client");
    const bad = join(dir, "bad.mlhe");
    writeFileSync(bad, "MLSECHE1 this is not a query");
    const out = join(dir, "never.mlhe");
    const corrupted = runCli([
      "he",
      "infer",
      "--model",
      MODEL,
      "--keys",
      keys,
      "--query",
      bad,
      "--out",
      out,
    ]);
    expect(corrupted.status).toBe(2);
    expect(corrupted.stderr).toContain("error[E_HE_FORMAT]");
    const other = runCli([
      "he",
      "infer",
      "--model",
      "examples/models/digits-poly.onnx",
      "--keys",
      keys,
      "--query",
      bad,
      "--out",
      out,
    ]);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain("error[E_HE_KEY_MISMATCH]");
    const relu = runCli([
      "he",
      "keygen",
      "--model",
      "examples/models/tabular-mlp.onnx",
      "--out",
      join(dir, "x"),
    ]);
    expect(relu.status).toBe(2);
    expect(relu.stderr).toContain("error[E_HE_UNSUPPORTED]");
    expect(existsSync(out)).toBe(false);
  });
});
