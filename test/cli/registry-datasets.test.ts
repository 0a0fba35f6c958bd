// End-to-end: the built `mlsec registry` binary for datasets and lineage, retention flags,
// encryption at rest, tokens with `serve`, and signed audit checkpoints (SQLite store).
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";

const ONNX = new URL("../../examples/models/tabular-mlp.onnx", import.meta.url).pathname;
const NPZ = new URL("../../examples/data/tabular-train.npz", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "mlsec-registry-ds-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = join(dir, "reg.db");

function run(args: readonly string[]) {
  const r = runCli(["--format", "json", "registry", ...args, "--store", store], { cwd: dir });
  return { ...r, doc: r.stdout === "" ? undefined : JSON.parse(r.stdout) };
}

describe("mlsec registry datasets, encryption, tokens, checkpoints (built binary)", {
  timeout: 300_000,
}, () => {
  it("dataset lineage, expired data flagged (exit 1), encrypted blobs", () => {
    expect(run(["init", "--as", "alice"]).status).toBe(0);
    expect(run(["grant", "pat", "publisher", "--as", "alice"]).status).toBe(0);
    expect(run(["grant", "bob", "reader", "--as", "alice"]).status).toBe(0);
    const created = run([
      "create",
      "iris",
      "--dataset",
      "--purpose",
      "flower classifier",
      "--retention-days",
      "30",
      "--as",
      "pat",
    ]);
    expect(created.doc).toMatchObject({ kind: "dataset", retentionDays: 30 });
    const data = join(dir, "iris.npz");
    copyFileSync(NPZ, data);
    expect(run(["push", "iris", data, "--as", "pat"]).status).toBe(0);
    const model = join(dir, "flowers.onnx");
    copyFileSync(ONNX, model);
    const pushed = run(["push", "flowers", model, "--dataset", "iris@latest", "--as", "pat"]);
    expect(pushed.status).toBe(0);
    expect(pushed.doc.version.lineage.datasets).toMatchObject([{ dataset: "iris", version: 1 }]);
    // Move the retention end into the past behind mlsec's back (as if 31 days went by).
    const db = new Database(store);
    db.prepare("UPDATE registry_versions SET expires_at = ? WHERE model = 'iris'").run(
      "2000-01-01T00:00:00.000Z",
    );
    db.close();
    const expired = run(["expired", "--as", "bob"]);
    expect(expired.status).toBe(1);
    expect(expired.doc.expired).toMatchObject([
      { dataset: "iris", version: 1, usedBy: ["flowers@1"] },
    ]);
    const text = runCli(["registry", "show", "flowers", "--as", "bob", "--store", store], {
      cwd: dir,
    });
    expect(text.stdout).toContain("EXPIRED DATA: v1 was trained on iris@1");

    const key = join(dir, "blob.key");
    expect(runCli(["keygen", "--type", "aes256", "--out", key], { cwd: dir }).status).toBe(0);
    expect(
      run(["policy", "--model", "vault", "--require-encryption", "--as", "alice"]).status,
    ).toBe(0);
    const sealed = run(["push", "vault", model, "--as", "pat", "--blob-key-file", key]);
    expect(sealed.doc.version.encryption).toMatchObject({ keyKind: "key" });
    const out = join(dir, "v.onnx");
    expect(run(["pull", "vault@1", out, "--as", "bob", "--blob-key-file", key]).status).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(ONNX));
  });

  it("signed checkpoints catch a cut tail; serve answers a token and throttles guesses", async () => {
    const priv = join(dir, "audit.key");
    expect(runCli(["keygen", "--type", "ed25519", "--out", priv], { cwd: dir }).status).toBe(0);
    const cpFile = join(dir, "cp.json");
    const cp = run(["audit", "checkpoint", "--key", priv, "--out", cpFile, "--as", "alice"]);
    expect(cp.status).toBe(0);
    const verify = (...extra: string[]) =>
      run([
        "audit",
        "verify",
        "--checkpoint",
        cpFile,
        "--trusted-key",
        `${priv}.pub`,
        "--as",
        "bob",
        ...extra,
      ]);
    expect(verify().doc).toMatchObject({ valid: true, checkpoint: { entries: cp.doc.entries } });
    const db = new Database(store);
    const rows = db
      .prepare("SELECT * FROM registry_audit WHERE seq >= ? ORDER BY seq")
      .all(cp.doc.entries - 1);
    db.prepare("DELETE FROM registry_audit WHERE seq >= ?").run(cp.doc.entries - 1);
    expect(verify().status).toBe(1);
    const insert = db.prepare(
      "INSERT INTO registry_audit VALUES (@seq, @at, @actor, @action, @target, @outcome, @details, @prev_hash, @hash)",
    );
    for (const row of rows) insert.run(row);
    db.close();
    expect(verify().status).toBe(0);

    const token = run(["token", "create", "--for", "bob", "--as", "alice"]).doc.token as string;
    const server = spawn(
      process.execPath,
      [
        CLI,
        "registry",
        "serve",
        "--port",
        "0",
        "--max-auth-failures",
        "2",
        "--store",
        store,
        "--as",
        "alice",
      ],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = "";
        server.stdout.on("data", (b: Buffer) => {
          seen += b.toString();
          const m = /listening on (http:\/\/\S+)/.exec(seen);
          if (m) resolve(m[1] as string);
        });
        server.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
      });
      // login checks the token and saves it; push/pull --url use it.
      process.env.MLSEC_REGISTRY_CREDENTIALS = join(dir, "credentials.json");
      process.env.BOB_TOKEN = token;
      const login = runCli(["registry", "login", "--url", url, "--token-env", "BOB_TOKEN"], {
        cwd: dir,
      });
      expect(login.stdout).toContain("as bob");
      expect((statSync(join(dir, "credentials.json")).mode & 0o777).toString(8)).toBe("600");
      const out = join(dir, "remote.onnx");
      const pulled = runCli(["registry", "pull", "flowers@1", out, "--url", url], { cwd: dir });
      expect(pulled.status).toBe(0);
      expect(readFileSync(out)).toEqual(readFileSync(ONNX));
      const denied = runCli(["registry", "push", "flowers", NPZ, "--url", url], { cwd: dir });
      expect(denied.status).toBe(2);
      expect(denied.stderr).toContain("error[E_REGISTRY_DENIED]");
      const wrong = { authorization: `Bearer ${token.slice(0, -2)}xx` };
      expect((await fetch(`${url}/v1/whoami`, { headers: wrong })).status).toBe(401);
      expect((await fetch(`${url}/v1/whoami`, { headers: wrong })).status).toBe(401);
      expect((await fetch(`${url}/v1/whoami`, { headers: wrong })).status).toBe(429);
    } finally {
      server.kill("SIGTERM");
    }
  });
});
