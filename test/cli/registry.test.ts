// End-to-end: the built `mlsec registry` binary on a SQLite store (and PostgreSQL when up).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { generateSigningKey, loadPrivateKey, signModel } from "../../src/artifacts/index.js";
import { runCli } from "../helpers/cli.js";
import { BACKENDS } from "../store/backends.js";

const ONNX = new URL("../../examples/models/tabular-mlp.onnx", import.meta.url).pathname;
const MALICIOUS = new URL("../fixtures/scan/malicious-p0.pkl", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "mlsec-registry-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function json(args: readonly string[], store: string) {
  const r = runCli(["--format", "json", "registry", ...args, "--store", store], { cwd: dir });
  return { ...r, doc: r.stdout === "" ? undefined : JSON.parse(r.stdout) };
}

describe("mlsec registry (built binary)", { timeout: 300_000 }, () => {
  it("init, grant, publish, reject, alias, deny, show, delete, audit verify; tamper found", () => {
    const store = join(dir, "reg.db");
    const model = join(dir, "model.onnx");
    copyFileSync(ONNX, model);

    const noActor = runCli(["registry", "list", "--store", store], { cwd: dir });
    expect(noActor.status).toBe(2);
    expect(noActor.stderr).toContain("error[E_USAGE]: no acting user");

    const init = json(["init", "--as", "alice"], store);
    expect(init.status).toBe(0);
    expect(init.doc).toMatchObject({
      schemaVersion: 1,
      command: "registry init",
      bootstrapped: true,
    });
    expect(json(["grant", "bob", "reader", "--as", "alice"], store).status).toBe(0);
    expect(json(["grant", "pat", "publisher", "--as", "alice"], store).status).toBe(0);

    const pub = json(
      [
        "publish",
        "fraud",
        model,
        "--as",
        "pat",
        "--metric",
        "auc=0.93",
        "--code-revision",
        "3e1a0c7",
      ],
      store,
    );
    expect(pub.status).toBe(0);
    expect(pub.doc).toMatchObject({
      status: "published",
      version: { model: "fraud", version: 1, format: "onnx", metrics: { auc: 0.93 } },
    });

    const bad = json(["publish", "fraud", MALICIOUS, "--as", "pat"], store);
    expect(bad.status).toBe(1);
    expect(bad.doc.status).toBe("rejected");
    expect(bad.doc.reasons[0]).toContain("scan verdict is malicious");

    const alias = json(
      ["alias", "fraud", "production", "1", "--reason", "eval ok", "--as", "pat"],
      store,
    );
    expect(alias.status).toBe(0);
    expect(alias.doc).toMatchObject({ alias: "production", version: 1, previous: null });

    const denied = runCli(
      [
        "registry",
        "alias",
        "fraud",
        "staging",
        "1",
        "--reason",
        "x",
        "--as",
        "bob",
        "--store",
        store,
      ],
      { cwd: dir },
    );
    expect(denied.status).toBe(2);
    expect(denied.stderr).toContain("error[E_REGISTRY_DENIED]");

    const show = runCli(["registry", "show", "fraud", "--as", "bob", "--store", store], {
      cwd: dir,
    });
    expect(show.status).toBe(0);
    expect(show.stdout).toContain("production -> v1  (eval ok; pat");

    const pulled = json(["pull", "fraud@production", join(dir, "out.onnx"), "--as", "bob"], store);
    expect(pulled.status).toBe(0);
    expect(pulled.doc).toMatchObject({ version: { version: 1 }, path: join(dir, "out.onnx") });

    const rescan = json(["rescan", "--as", "alice"], store);
    expect(rescan.status).toBe(0);
    expect(rescan.doc).toMatchObject({ command: "registry rescan", changes: [] });

    const del = json(["delete", "fraud@1", "--reason", "leak", "--as", "alice"], store);
    expect(del.doc).toMatchObject({ versions: [1], aliasesRemoved: ["production"] });

    const ok = json(["audit", "verify", "--as", "bob"], store);
    expect(ok.status).toBe(0);
    expect(ok.doc).toMatchObject({ valid: true, entries: 9 });
    expect(readFileSync(join(dir, "out.onnx"))).toEqual(readFileSync(ONNX));

    const db = new Database(store);
    db.prepare("UPDATE registry_audit SET actor = 'mallory' WHERE seq = 4").run();
    db.close();
    const broken = runCli(["registry", "audit", "verify", "--as", "bob", "--store", store], {
      cwd: dir,
    });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain("audit log BROKEN at entry 4");
  });

  it("policy --require-signature: unsigned and untrusted versions are rejected, signed ones published", async () => {
    const store = join(dir, "signed.db");
    const model = join(dir, "signed.onnx");
    copyFileSync(ONNX, model);
    const trusted = generateSigningKey("ecdsa-p256");
    const other = generateSigningKey("ecdsa-p256");
    writeFileSync(join(dir, "trusted.pub"), trusted.publicPem);
    expect(json(["init", "--as", "alice"], store).status).toBe(0);
    const policy = json(
      ["policy", "--require-signature", "--trusted-key", join(dir, "trusted.pub"), "--as", "alice"],
      store,
    );
    expect(policy.doc).toMatchObject({ scope: "*", requireSignature: true, trustedKeys: 1 });
    const unsigned = json(["publish", "m", model, "--as", "alice"], store);
    expect(unsigned.status).toBe(1);
    expect(unsigned.doc.reasons).toEqual([
      "the policy requires a signature from a trusted key; none was given",
    ]);
    const sign = async (pem: string) => {
      const { bundle } = await signModel(model, {
        privateKey: loadPrivateKey(Buffer.from(pem)),
        workers: 0,
      });
      writeFileSync(join(dir, "signed.sig"), JSON.stringify(bundle));
    };
    await sign(other.privatePem);
    const sig = ["--signature", join(dir, "signed.sig")];
    expect(json(["publish", "m", model, "--as", "alice", ...sig], store).status).toBe(1);
    await sign(trusted.privatePem);
    const ok = json(["publish", "m", model, "--as", "alice", ...sig], store);
    expect(ok.status).toBe(0);
    expect(ok.doc.version.signature.keyHint).toMatch(/^[0-9a-f]{64}$/);
  });

  const pg = BACKENDS.find((b) => b.name === "postgres");
  it.skipIf(!pg?.available)("works on a PostgreSQL store", async () => {
    const t = await (pg as (typeof BACKENDS)[number]).open();
    try {
      expect(json(["init", "--as", "alice"], t.url).status).toBe(0);
      const pub = json(
        ["publish", "m1", ONNX, "--as", "alice", "--blobs", join(dir, "pgblobs")],
        t.url,
      );
      expect(pub.doc).toMatchObject({ status: "published", version: { version: 1 } });
      expect(json(["audit", "verify", "--as", "alice"], t.url).doc).toMatchObject({
        valid: true,
        entries: 2,
      });
    } finally {
      await t.dispose();
    }
  });
});
