// Certificate method end to end with a fresh PKI made by the openssl CLI (node:crypto cannot
// issue certificates): root CA -> intermediate CA -> leaf; skipped where openssl is absent.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  certificateVerifier,
  loadPrivateKey,
  parsePemCertificates,
  signModel,
  verifyModel,
} from "../../src/artifacts/index.js";

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
const tmp = mkdtempSync(join(tmpdir(), "mlsec-pki-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function openssl(...args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: tmp, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

function issue(name: string, issuer: string | undefined, curve: string, ext: string): void {
  openssl("ecparam", "-name", curve, "-genkey", "-noout", "-out", `${name}.key`);
  openssl("pkcs8", "-topk8", "-nocrypt", "-in", `${name}.key`, "-out", `${name}.p8`);
  writeFileSync(join(tmp, `${name}.ext`), ext);
  if (issuer === undefined) {
    openssl(
      "req",
      "-x509",
      "-new",
      "-key",
      `${name}.key`,
      "-subj",
      `/CN=${name}`,
      "-days",
      "30",
      "-out",
      `${name}.pem`,
      "-extensions",
      "v3",
      "-config",
      `${name}.cnf`,
    );
    return;
  }
  openssl("req", "-new", "-key", `${name}.key`, "-subj", `/CN=${name}`, "-out", `${name}.csr`);
  openssl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${issuer}.pem`,
    "-CAkey",
    `${issuer}.key`,
    "-CAcreateserial",
    "-days",
    "30",
    "-extfile",
    `${name}.ext`,
    "-out",
    `${name}.pem`,
  );
}

const CA_EXT = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n";

describe.skipIf(!hasOpenssl)(hasOpenssl ? "certificate method" : "openssl CLI absent", () => {
  beforeAll(() => {
    writeFileSync(join(tmp, "root.cnf"), `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${CA_EXT}`);
    issue("root", undefined, "secp384r1", CA_EXT);
    issue("intermediate", "root", "secp384r1", CA_EXT);
    issue(
      "leaf",
      "intermediate",
      "prime256v1",
      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n",
    );
    issue(
      "encipher",
      "intermediate",
      "prime256v1",
      "basicConstraints=CA:FALSE\nkeyUsage=critical,keyAgreement\n",
    );
    writeFileSync(join(tmp, "other.cnf"), `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${CA_EXT}`);
    issue("other", undefined, "prime256v1", CA_EXT);
  });

  const pem = (name: string) =>
    parsePemCertificates(readFileSync(join(tmp, `${name}.pem`), "utf8"));
  const key = (name: string) => loadPrivateKey(readFileSync(join(tmp, `${name}.p8`)));
  const model = join(tmp, "model");
  beforeAll(() => {
    mkdirSync(model);
    writeFileSync(join(model, "weights.bin"), Buffer.alloc(1000, 9));
  });
  const signaturePath = join(tmp, "model.sig");

  it("signs with leaf + intermediate and verifies up to the root", async () => {
    const { bundle } = await signModel(model, {
      privateKey: key("leaf"),
      certificates: [...pem("leaf"), ...pem("intermediate")],
    });
    expect(bundle).toMatchObject({
      verificationMaterial: { x509CertificateChain: { certificates: [{}, {}] } },
    });
    writeFileSync(signaturePath, JSON.stringify(bundle));
    const result = await verifyModel(model, {
      signaturePath,
      verifier: certificateVerifier(pem("root")),
    });
    expect(result.signer).toContain("CN=root");
  });

  it("refuses a chain to another root, and a leaf without signing usage", async () => {
    await expect(
      verifyModel(model, { signaturePath, verifier: certificateVerifier(pem("other")) }),
    ).rejects.toMatchObject({ code: "E_CERT_CHAIN_INVALID" });
    const { bundle } = await signModel(model, {
      privateKey: key("encipher"),
      certificates: [...pem("encipher"), ...pem("intermediate")],
    });
    const path = join(tmp, "encipher.sig");
    writeFileSync(path, JSON.stringify(bundle));
    await expect(
      verifyModel(model, { signaturePath: path, verifier: certificateVerifier(pem("root")) }),
    ).rejects.toMatchObject({
      code: "E_CERT_CHAIN_INVALID",
      message: expect.stringContaining("usage"),
    });
  });

  it("refuses a chain missing its intermediate", async () => {
    const { bundle } = await signModel(model, {
      privateKey: key("leaf"),
      certificates: pem("leaf"),
    });
    const path = join(tmp, "short.sig");
    writeFileSync(path, JSON.stringify(bundle));
    await expect(
      verifyModel(model, { signaturePath: path, verifier: certificateVerifier(pem("root")) }),
    ).rejects.toMatchObject({ code: "E_CERT_CHAIN_INVALID" });
  });
});
