import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsec-cli-artifacts-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const vectors = sharedDataPath("model-signing-vectors");

describe("mlsec keygen / sign / verify (built binary)", () => {
  it("signs a model, verifies it (exit 0), and fails a changed model (exit 1)", () => {
    const model = join(tmp, "model");
    mkdirSync(join(model, "sub"), { recursive: true });
    writeFileSync(join(model, "weights.bin"), Buffer.alloc(10_000, 1));
    writeFileSync(join(model, "sub", "config.json"), "{}");
    const key = join(tmp, "signer.pem");
    expect(runCli(["keygen", "--type", "ecdsa-p384", "--out", key]).status).toBe(0);
    const signed = runCli(["--format", "json", "sign", model, "--key", key]);
    expect(signed.status).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({
      schemaVersion: 1,
      command: "sign",
      resources: 2,
      keyType: "ecdsa-p384",
      signature: join(model, "model.sig"),
    });
    const ok = runCli(["verify", model, "--public-key", `${key}.pub`]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("verified model: 2 resources");

    writeFileSync(join(model, "sub", "config.json"), "{ }");
    const bad = runCli(["--format", "json", "verify", model, "--public-key", `${key}.pub`]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      valid: false,
      error: { code: "E_MODEL_MODIFIED", details: { changed: ["sub/config.json"] } },
    });
    const usage = runCli(["verify", model]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("error[E_USAGE]");
  });

  it.skipIf(!vectors)(
    vectors
      ? "verifies the golden certificate vector against the root CA"
      : SHARED_DATA_SKIP_REASON,
    () => {
      const dir = `${vectors}/v1.1.0-certificate`;
      const r = runCli(["verify", dir, "--certificate-chain", `${vectors}/keys/ca-cert.pem`]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("CN=root-ca");
    },
  );
});

describe("mlsec encrypt / decrypt / rekey (built binary)", () => {
  it("round-trips, re-keys to a passphrase, and refuses a tampered file (exit 1, no output)", () => {
    const plain = join(tmp, "plain.bin");
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
    writeFileSync(plain, data);
    const key = join(tmp, "data.key");
    expect(runCli(["keygen", "--type", "aes256", "--out", key]).status).toBe(0);
    const again = runCli(["keygen", "--type", "aes256", "--out", key]);
    expect(again.status).toBe(2); // never silently replaces a key
    expect(again.stderr).toContain("already exists");
    const enc = join(tmp, "plain.enc");
    const e = runCli(["encrypt", plain, "--out", enc, "--key-file", key, "--segment-size", "4096"]);
    expect(e.status).toBe(0);
    expect(e.stdout).toContain("100000 bytes in 25 segments of 4096 bytes");

    const env = { ...process.env, MLSEC_TEST_PASS: "s3cret" };
    process.env.MLSEC_TEST_PASS = env.MLSEC_TEST_PASS;
    const rk = runCli([
      "rekey",
      enc,
      "--key-file",
      key,
      "--new-passphrase-env",
      "MLSEC_TEST_PASS",
      "--scrypt-log2n",
      "10",
    ]);
    expect(rk.status).toBe(0);
    const out = join(tmp, "plain.out");
    expect(
      runCli(["decrypt", enc, "--out", out, "--passphrase-env", "MLSEC_TEST_PASS"]).status,
    ).toBe(0);
    expect(readFileSync(out).equals(data)).toBe(true);
    const wrong = runCli(["decrypt", enc, "--out", join(tmp, "w.out"), "--key-file", key]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("error[E_WRONG_KEY]");

    const bytes = readFileSync(enc);
    bytes[bytes.length - 100] ^= 0x40;
    writeFileSync(enc, bytes);
    const dir = mkdtempSync(join(tmp, "tampered-"));
    const t = runCli([
      "decrypt",
      enc,
      "--out",
      join(dir, "x"),
      "--passphrase-env",
      "MLSEC_TEST_PASS",
    ]);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain("error[E_DECRYPT_AUTH]");
    expect(readdirSync(dir)).toEqual([]);
    delete process.env.MLSEC_TEST_PASS;
  });
});
