import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, REPO_ROOT, runCli } from "../helpers/cli.js";

/** Starts `mlsec serve ...`, resolves with its first stdout block once it listens. */
function startServe(args: string[]) {
  const child = spawn(process.execPath, [CLI, "serve", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      if (stdout.includes("Ctrl-C") || stdout.trimEnd().endsWith("}")) resolve(stdout);
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code) => resolve(code ?? -1)),
  );
  return { child, ready, exited, stderr: () => stderr };
}

describe("mlsec serve (built binary)", () => {
  it("runs the demo on worker threads, answers with the printed key, drains on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-serve-cli-"));
    const audit = join(dir, "audit.jsonl");
    const serve = startServe([
      "--model",
      "examples/models/digits-cnn.onnx",
      "--port",
      "0",
      "--audit",
      audit,
    ]);
    const out = await serve.ready;
    const url = /listening on (http:\/\/\S+)/.exec(out)![1];
    const key = /^API key .*: (mlsec_\S+)$/m.exec(out)![1];
    const body = JSON.stringify({ inputs: [new Array(784).fill(0.5)] });
    const ok = await fetch(`${url}/v1/models/digits-cnn/predict`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body,
    });
    expect(ok.status).toBe(200);
    const answer = (await ok.json()) as { outputs: number[][]; labels: number[] };
    expect(answer.outputs[0]).toHaveLength(10);
    const denied = await fetch(`${url}/v1/models/digits-cnn/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(denied.status).toBe(401);
    serve.child.kill("SIGTERM");
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).toContain("2 requests audited");
    const records = readFileSync(audit, "utf8").trim().split("\n");
    expect(records.map((r) => JSON.parse(r).decision)).toEqual(["allowed", "unauthenticated"]);
  });

  it("refuses a bad config with E_GATEWAY_CONFIG and exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-serve-cli-"));
    const config = join(dir, "gateway.yaml");
    writeFileSync(config, "models: []\nauth: { anonymous: true }\n");
    const r = runCli(["serve", "--config", config]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error\[E_GATEWAY_CONFIG\]: models/);
    const both = runCli(["serve", "--config", config, "--model", "x.onnx"]);
    expect(both.stderr).toContain("error[E_USAGE]");
  });

  it("serves encrypted inference from server.mlhe on a worker thread; refuses client.mlhe", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-serve-he-"));
    const run = (args: string[]) => {
      const r = runCli(args, { cwd: dir });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    };
    const model = join(REPO_ROOT, "examples/models/tabular-poly.onnx");
    const data = join(REPO_ROOT, "examples/data/tabular-test.npz");
    run(["he", "keygen", "--model", model, "--out", "client"]);
    run(["he", "encrypt", "--keys", "client", "--data", data, "--out", "query.mlhe"]);
    const config = (keys: string) =>
      [
        "server: { host: 127.0.0.1, port: 0 }",
        "models:",
        `  - { name: iris, path: ${model}, he: { serverKeys: ${keys}, workers: 1 } }`,
        "auth: { anonymous: true }",
      ].join("\n");
    writeFileSync(join(dir, "secret.yaml"), config("client/client.mlhe"));
    const secret = runCli(["serve", "--config", join(dir, "secret.yaml")]);
    expect(secret.status).toBe(2);
    expect(secret.stderr).toContain("error[E_HE_FORMAT]");
    writeFileSync(join(dir, "gateway.yaml"), config("client/server.mlhe"));
    const serve = startServe(["--config", join(dir, "gateway.yaml")]);
    const out = await serve.ready;
    const url = /listening on (http:\/\/\S+)/.exec(out)![1];
    expect(out).toContain(`POST ${url}/v1/he/iris/infer (encrypted`);
    const answer = await fetch(`${url}/v1/he/iris/infer`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: readFileSync(join(dir, "query.mlhe")),
    });
    expect(answer.status).toBe(200);
    writeFileSync(join(dir, "result.mlhe"), new Uint8Array(await answer.arrayBuffer()));
    serve.child.kill("SIGTERM");
    expect(await serve.exited).toBe(0);
    const decrypted = runCli(
      ["he", "decrypt", "--keys", "client", "--result", "result.mlhe", "--labels", data],
      { cwd: dir },
    );
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toMatch(/^30 results decrypted/);
    expect(decrypted.stdout).toContain("accuracy 0.9");
  });

  it("checks the example gateway config", () => {
    const r = runCli(["serve", "--config", "examples/gateway/gateway.yaml"], {});
    // The example reads its secrets from the environment; without them the error says so.
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/E_GATEWAY_CONFIG.*\$\{MLSEC_\w+\}, which is not set/);
  });
});
