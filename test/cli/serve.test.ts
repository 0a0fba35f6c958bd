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

  it("checks the example gateway config", () => {
    const r = runCli(["serve", "--config", "examples/gateway/gateway.yaml"], {});
    // The example reads its secrets from the environment; without them the error says so.
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/E_GATEWAY_CONFIG.*\$\{MLSEC_\w+\}, which is not set/);
  });
});
