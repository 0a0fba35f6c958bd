// End-to-end: the built `mlsec registry` binary's `rescan` and `token list|revoke` against a
// `registry serve` child over loopback (--url, token from $MLSEC_REGISTRY_TOKEN).
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";

const ONNX = new URL("../../examples/models/tabular-mlp.onnx", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "mlsec-registry-remote-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = join(dir, "reg.db");

function run(args: readonly string[]) {
  const r = runCli(["--format", "json", "registry", ...args], { cwd: dir });
  return { ...r, doc: r.stdout === "" ? undefined : JSON.parse(r.stdout) };
}
const local = (args: readonly string[]) => run([...args, "--store", store]);

/** Runs `registry ARGS --url URL` as the holder of `token`. */
function remote(url: string, token: string, args: readonly string[]) {
  process.env.MLSEC_REGISTRY_TOKEN = token;
  try {
    return run([...args, "--url", url]);
  } finally {
    delete process.env.MLSEC_REGISTRY_TOKEN;
  }
}

describe("mlsec registry rescan and token list|revoke --url (built binary)", {
  timeout: 300_000,
}, () => {
  it("lists and revokes only one's own tokens; rescan needs a maintainer, finds tampering", async () => {
    expect(local(["init", "--as", "alice"]).status).toBe(0);
    expect(local(["grant", "bob", "reader", "--as", "alice"]).status).toBe(0);
    const model = join(dir, "fraud.onnx");
    copyFileSync(ONNX, model);
    const pushed = local(["push", "fraud", model, "--as", "alice"]);
    expect(pushed.status).toBe(0);
    const issue = (...extra: string[]) => local(["token", "create", "--as", "alice", ...extra]).doc;
    const alice = issue();
    const bob = issue("--for", "bob", "--label", "laptop");
    const bobCi = issue("--for", "bob", "--label", "ci");

    const server = spawn(
      process.execPath,
      [CLI, "registry", "serve", "--port", "0", "--store", store, "--as", "alice"],
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
      const listed = remote(url, bob.token, ["token", "list"]);
      expect(listed.status).toBe(0);
      expect(listed.doc.tokens.map((t: { id: string }) => t.id).sort()).toEqual(
        [bob.info.id, bobCi.info.id].sort(),
      );
      const adminView = remote(url, alice.token, ["token", "list"]).doc.tokens;
      expect(adminView.map((t: { principal: string }) => t.principal)).toEqual(["alice"]);

      const notYours = remote(url, alice.token, ["token", "revoke", bobCi.info.id]);
      expect(notYours.status).toBe(2);
      expect(notYours.stderr).toContain("error[E_REGISTRY_NOT_FOUND]");
      const revoked = remote(url, bob.token, ["token", "revoke", bobCi.info.id]);
      expect(revoked.status).toBe(0);
      expect(revoked.doc).toMatchObject({ id: bobCi.info.id });
      expect(remote(url, bobCi.token, ["token", "list"]).stderr).toContain(
        "error[E_REGISTRY_DENIED]",
      );

      const denied = remote(url, bob.token, ["rescan"]);
      expect(denied.status).toBe(2);
      expect(denied.stderr).toContain("error[E_REGISTRY_DENIED]");
      const clean = remote(url, alice.token, ["rescan", "--demote"]);
      expect(clean.status).toBe(0);
      expect(clean.doc).toMatchObject({ changes: [] });
      const digest = pushed.doc.version.digest as string;
      const blob = join(dir, "blobs", "sha256", digest.slice("sha256:".length));
      const bytes = Buffer.from(readFileSync(blob));
      bytes[100] ^= 1;
      writeFileSync(blob, bytes);
      const tampered = remote(url, alice.token, ["rescan"]);
      expect(tampered.status).toBe(1);
      expect(tampered.doc.changes).toMatchObject([
        { model: "fraud", version: 1, before: "safe", after: "tampered" },
      ]);
    } finally {
      server.kill("SIGTERM");
    }
  });
});
