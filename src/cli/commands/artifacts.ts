// `mlsec hash|sign|verify|keygen|encrypt|decrypt|rekey`: model artifact security (issue 8).
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import type { KeySource, Resource } from "../../artifacts/index.js";
import { defaultSignaturePath, VERIFY_FAILURES } from "../../artifacts/signature-path.js";
import { isMlsecError, MlsecError } from "../../core/index.js";
import { type CommandContext, EXIT_FINDING, EXIT_OK } from "../context.js";
import { parseChoice, parseInteger } from "../options.js";
import { emit, table } from "../output.js";
import { action, reportError } from "../runner.js";

const artifacts = () => import("../../artifacts/index.js");

const collect = (value: string, previous: string[]) => [...previous, value];

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${what} ${path}`, { cause });
  }
}

function envSecret(variable: string): string {
  const value = process.env[variable];
  if (value === undefined || value === "") {
    throw new MlsecError("E_USAGE", `environment variable ${variable} is not set`);
  }
  return value;
}

interface KeyFlags {
  keyFile?: string;
  passphraseEnv?: string;
  kmsCommand?: string;
  scryptLog2n?: number;
}

async function keySource(flags: KeyFlags, prefix = "--"): Promise<KeySource> {
  const { parseKeyFile } = await artifacts();
  const given = [flags.keyFile, flags.passphraseEnv, flags.kmsCommand].filter(
    (f) => f !== undefined,
  );
  if (given.length !== 1) {
    throw new MlsecError(
      "E_USAGE",
      `pass exactly one of ${prefix}key-file, ${prefix}passphrase-env and ${prefix}kms-command`,
    );
  }
  if (flags.kmsCommand !== undefined) {
    // Split on whitespace, no shell: the command is a program and its fixed arguments.
    return { kind: "kms", command: flags.kmsCommand.trim().split(/\s+/) };
  }
  if (flags.keyFile !== undefined) {
    return { kind: "key", key: parseKeyFile(readInput(flags.keyFile, "key file")) };
  }
  return {
    kind: "passphrase",
    passphrase: envSecret(flags.passphraseEnv!),
    ...(flags.scryptLog2n !== undefined ? { log2N: flags.scryptLog2n } : {}),
  };
}

function manifestOptions(o: ManifestFlags) {
  return {
    method: o.method,
    shardSize: o.shardSize,
    allowSymlinks: o.allowSymlinks,
    ignorePaths: o.ignore,
    workers: o.workers,
  };
}

interface ManifestFlags {
  method: "files" | "shards";
  shardSize?: number;
  allowSymlinks: boolean;
  ignore: string[];
  workers?: number;
}

function addManifestOptions(cmd: Command): Command {
  return cmd
    .option(
      "--method <method>",
      "serialization: files, or shards of --shard-size bytes",
      parseChoice("--method", ["files", "shards"] as const),
      "files",
    )
    .option(
      "--shard-size <bytes>",
      "shard size (default 1000000000)",
      parseInteger("--shard-size", 1),
    )
    .option("--ignore <path>", "path to ignore, relative to the model (repeatable)", collect, [])
    .option("--allow-symlinks", "follow symbolic links instead of refusing them", false)
    .option(
      "--workers <n>",
      "hashing worker threads (0 = main thread)",
      parseInteger("--workers", 0, 64),
    );
}

function describeResources(resources: readonly Resource[]): string {
  return table([["digest (sha256)", "name"], ...resources.map((r) => [r.digest, r.name])]);
}

async function hashCommand(ctx: CommandContext, model: string, o: ManifestFlags): Promise<number> {
  const { buildManifest } = await artifacts();
  const bar = ctx.progress();
  const started = performance.now();
  const manifest = await buildManifest(model, {
    ...manifestOptions(o),
    signaturePath: defaultSignaturePath(model),
    onProgress: bar,
  }).finally(() => bar.stop());
  const seconds = (performance.now() - started) / 1000;
  emit(ctx, "hash", { ...manifest, seconds }, (m) =>
    [
      describeResources(m.resources),
      "",
      `model ${m.modelName}: ${m.resources.length} resources, ${m.bytes} bytes`,
      `root digest sha256:${m.rootDigest}`,
    ].join("\n"),
  );
  return EXIT_OK;
}

interface SignFlags extends ManifestFlags {
  key: string;
  keyPassphraseEnv?: string;
  out?: string;
  certificate?: string;
  certificateChain?: string;
}

async function signCommand(ctx: CommandContext, model: string, o: SignFlags): Promise<number> {
  const { loadPrivateKey, parsePemCertificates, signModel, writeFileAtomic, keyTypeOf } =
    await artifacts();
  const privateKey = loadPrivateKey(
    readInput(o.key, "private key"),
    o.keyPassphraseEnv === undefined ? undefined : envSecret(o.keyPassphraseEnv),
  );
  const certificates =
    o.certificate === undefined
      ? undefined
      : [
          ...parsePemCertificates(readInput(o.certificate, "certificate").toString("utf8")),
          ...(o.certificateChain === undefined
            ? []
            : parsePemCertificates(readInput(o.certificateChain, "chain").toString("utf8"))),
        ];
  const out = o.out ?? defaultSignaturePath(model);
  const bar = ctx.progress();
  const { bundle, manifest } = await signModel(model, {
    ...manifestOptions(o),
    signaturePath: out,
    privateKey,
    certificates,
    onProgress: bar,
  }).finally(() => bar.stop());
  await writeFileAtomic(out, `${JSON.stringify(bundle, null, 2)}\n`);
  const keyType = keyTypeOf(privateKey);
  const result = {
    signature: out,
    method: certificates === undefined ? "key" : "certificate",
    keyType,
    modelName: manifest.modelName,
    resources: manifest.resources.length,
    bytes: manifest.bytes,
    rootDigest: manifest.rootDigest,
    // Ed25519 is outside the model_signing format (EC keys only): mlsec verifies it, the
    // reference tool does not.
    interoperable: keyType !== "ed25519",
  };
  emit(ctx, "sign", result, (r) =>
    [
      `signed ${r.modelName}: ${r.resources} resources, ${r.bytes} bytes (${r.keyType}, ${r.method})`,
      `root digest sha256:${r.rootDigest}`,
      `signature written to ${r.signature}`,
      ...(r.interoperable
        ? []
        : [
            "note: Ed25519 is an mlsec extension; the model_signing reference tool accepts EC keys only",
          ]),
    ].join("\n"),
  );
  return EXIT_OK;
}

interface VerifyFlags {
  signature?: string;
  publicKey?: string;
  certificateChain?: string;
  trustedRoot?: string;
  identity?: string;
  issuer?: string;
  ignore: string[];
  workers?: number;
}

async function verifyCommand(ctx: CommandContext, model: string, o: VerifyFlags): Promise<number> {
  const a = await artifacts();
  const chosen = [o.publicKey, o.certificateChain, o.trustedRoot].filter((x) => x !== undefined);
  if (chosen.length !== 1) {
    throw new MlsecError(
      "E_USAGE",
      "pass exactly one of --public-key, --certificate-chain, --trusted-root",
    );
  }
  let verifier: import("../../artifacts/index.js").BundleVerifier;
  if (o.publicKey !== undefined) {
    verifier = a.keyVerifier(a.loadPublicKey(readInput(o.publicKey, "public key")));
  } else if (o.certificateChain !== undefined) {
    verifier = a.certificateVerifier(
      a.parsePemCertificates(readInput(o.certificateChain, "certificate chain").toString("utf8")),
    );
  } else {
    if (o.identity === undefined || o.issuer === undefined) {
      throw new MlsecError("E_USAGE", "--trusted-root needs --identity and --issuer");
    }
    let trustedRoot: unknown;
    try {
      trustedRoot = JSON.parse(readInput(o.trustedRoot!, "trusted root").toString("utf8"));
    } catch (cause) {
      if (isMlsecError(cause)) throw cause;
      throw new MlsecError("E_KEY_FORMAT", "the trusted root is not JSON", { cause });
    }
    verifier = a.sigstoreVerifier({ trustedRoot, identity: o.identity, issuer: o.issuer });
  }
  const signaturePath = o.signature ?? defaultSignaturePath(model);
  const bar = ctx.progress();
  try {
    const result = await a.verifyModel(model, {
      signaturePath,
      verifier,
      ignorePaths: o.ignore,
      workers: o.workers,
      onProgress: bar,
    });
    bar.stop();
    emit(ctx, "verify", result, (r) =>
      [
        `verified ${r.modelName || model}: ${r.resources} resources (${r.serialization}), ${r.bytes} bytes`,
        `signer: ${r.signer}`,
        `root digest sha256:${r.rootDigest}`,
        ...(r.legacy ? ["note: legacy model_signing v0.2 signature"] : []),
      ].join("\n"),
    );
    return EXIT_OK;
  } catch (error) {
    bar.stop();
    if (!isMlsecError(error) || !VERIFY_FAILURES.includes(error.code)) throw error;
    emit(
      ctx,
      "verify",
      { valid: false, error: error.toJSON() },
      (r) => `verification FAILED [${r.error.code}]: ${r.error.message}`,
    );
    return EXIT_FINDING;
  }
}

interface KeygenFlags {
  type: "ecdsa-p256" | "ecdsa-p384" | "ecdsa-p521" | "ed25519" | "aes256";
  out: string;
  force: boolean;
}

async function keygenCommand(ctx: CommandContext, o: KeygenFlags): Promise<number> {
  const { generateSigningKey, writeFileAtomic, keyId } = await artifacts();
  const { randomBytes } = await import("node:crypto");
  // Replacing a key file can make everything encrypted or signed with it unusable.
  const targets = o.type === "aes256" ? [o.out] : [o.out, `${o.out}.pub`];
  const existing = targets.filter((t) => existsSync(t));
  if (existing.length > 0 && !o.force) {
    throw new MlsecError("E_INVALID_ARGUMENT", `${existing.join(", ")} already exists`, {
      hint: "Choose another --out, or pass --force to replace the key.",
    });
  }
  const files: string[] = [];
  let id: string;
  if (o.type === "aes256") {
    const key = randomBytes(32);
    await writeFileAtomic(o.out, `${key.toString("hex")}\n`, 0o600);
    files.push(o.out);
    id = keyId(key).toString("hex");
  } else {
    const pair = generateSigningKey(o.type);
    await writeFileAtomic(o.out, pair.privatePem, 0o600);
    await writeFileAtomic(`${o.out}.pub`, pair.publicPem);
    files.push(o.out, `${o.out}.pub`);
    const { createHash } = await import("node:crypto");
    id = createHash("sha256").update(pair.publicPem).digest("hex");
  }
  emit(ctx, "keygen", { type: o.type, files, keyId: id }, (r) =>
    [`${r.type} key written to ${r.files.join(" and ")}`, `key id ${r.keyId}`].join("\n"),
  );
  return EXIT_OK;
}

/** Decryption outcomes that mean the ciphertext was altered (exit 1). */
async function reportTamper<T>(ctx: CommandContext, run: () => Promise<T>): Promise<T | number> {
  try {
    return await run();
  } catch (error) {
    if (isMlsecError(error) && error.code === "E_DECRYPT_AUTH") {
      reportError(error, ctx.format);
      return EXIT_FINDING;
    }
    throw error;
  }
}

interface CryptFlags extends KeyFlags {
  out: string;
  segmentSize?: number;
}

function addKeyOptions(cmd: Command, prefix = ""): Command {
  const flag = prefix === "" ? "" : `${prefix}-`;
  return cmd
    .option(
      `--${flag}key-file <path>`,
      `${prefix || "the"} 256-bit key file (mlsec keygen --type aes256)`,
    )
    .option(
      `--${flag}passphrase-env <var>`,
      `environment variable holding the ${prefix} passphrase`,
    )
    .option(
      `--${flag}kms-command <cmd>`,
      `external KMS: "CMD wrap" / "CMD unwrap" over stdin/stdout (no shell)`,
    );
}

function renderSummary(
  verb: string,
  r: {
    plaintextBytes: number;
    segments: number;
    segmentSize: number;
    keyKind: string;
    keyId?: string;
    out: string;
  },
): string {
  return [
    `${verb} ${r.plaintextBytes} bytes in ${r.segments} segments of ${r.segmentSize} bytes -> ${r.out}`,
    `key: ${r.keyKind}${r.keyId ? ` (id ${r.keyId})` : ""}`,
  ].join("\n");
}

async function encryptCommand(ctx: CommandContext, input: string, o: CryptFlags): Promise<number> {
  const { encryptFile } = await artifacts();
  const key = await keySource(o);
  const bar = ctx.progress();
  const summary = await encryptFile(input, o.out, {
    key,
    segmentSize: o.segmentSize,
    onProgress: bar,
  }).finally(() => bar.stop());
  emit(ctx, "encrypt", { ...summary, out: o.out }, (r) => renderSummary("encrypted", r));
  return EXIT_OK;
}

async function decryptCommand(ctx: CommandContext, input: string, o: CryptFlags): Promise<number> {
  const { decryptFile } = await artifacts();
  const key = await keySource(o);
  const bar = ctx.progress();
  const outcome = await reportTamper(ctx, () =>
    decryptFile(input, o.out, { key, onProgress: bar }).finally(() => bar.stop()),
  );
  if (typeof outcome === "number") return outcome;
  emit(ctx, "decrypt", { ...outcome, out: o.out }, (r) => renderSummary("decrypted", r));
  return EXIT_OK;
}

interface RekeyFlags extends KeyFlags {
  out?: string;
  newKeyFile?: string;
  newPassphraseEnv?: string;
  newKmsCommand?: string;
}

async function rekeyCommand(ctx: CommandContext, input: string, o: RekeyFlags): Promise<number> {
  const { rekeyFile } = await artifacts();
  const oldKey = await keySource(o);
  const newKey = await keySource(
    {
      keyFile: o.newKeyFile,
      passphraseEnv: o.newPassphraseEnv,
      kmsCommand: o.newKmsCommand,
      scryptLog2n: o.scryptLog2n,
    },
    "--new-",
  );
  const out = o.out ?? input;
  const result = await rekeyFile(input, out, { oldKey, newKey });
  emit(
    ctx,
    "rekey",
    { ...result, out },
    (r) =>
      `re-keyed ${input} -> ${r.out} (${r.bytes} bytes, segments copied unchanged); key: ${r.keyKind}${r.keyId ? ` (id ${r.keyId})` : ""}`,
  );
  return EXIT_OK;
}

export function registerArtifacts(program: Command): void {
  addManifestOptions(
    program
      .command("hash")
      .description("hash every file of a model (SHA-256 manifest in the model_signing format)")
      .argument("<model>", "model file or directory"),
  ).action(action(hashCommand));

  addManifestOptions(
    program
      .command("sign")
      .description("sign a model (OpenSSF model-signing format, Sigstore bundle)")
      .argument("<model>", "model file or directory")
      .requiredOption(
        "--key <pem>",
        "private key: ECDSA P-256/P-384/P-521 or Ed25519 (mlsec extension)",
      )
      .option(
        "--key-passphrase-env <var>",
        "environment variable with the private key's passphrase",
      )
      .option("--certificate <pem>", "signing certificate for the key (certificate method)")
      .option("--certificate-chain <pem>", "intermediate certificates to include")
      .option("--out <path>", "signature file (default MODEL/model.sig or MODEL.sig)"),
  ).action(action(signCommand));

  program
    .command("verify")
    .description("verify a model against its signature; exit 1 if it does not verify")
    .argument("<model>", "model file or directory")
    .option("--signature <path>", "signature file (default MODEL/model.sig or MODEL.sig)")
    .option("--public-key <pem>", "signer's public key (key method)")
    .option("--certificate-chain <pem>", "trusted root CA certificate(s) (certificate method)")
    .option("--trusted-root <json>", "Sigstore trusted_root.json (keyless method)")
    .option("--identity <san>", "expected signer identity (keyless)")
    .option("--issuer <url>", "expected OIDC issuer (keyless)")
    .option("--ignore <path>", "extra path to ignore (repeatable)", collect, [])
    .option("--workers <n>", "hashing worker threads", parseInteger("--workers", 0, 64))
    .action(action(verifyCommand));

  program
    .command("keygen")
    .description("create a signing key pair (KEY and KEY.pub) or a 256-bit encryption key")
    .requiredOption(
      "--type <type>",
      "ecdsa-p256, ecdsa-p384, ecdsa-p521, ed25519 or aes256",
      parseChoice("--type", [
        "ecdsa-p256",
        "ecdsa-p384",
        "ecdsa-p521",
        "ed25519",
        "aes256",
      ] as const),
    )
    .requiredOption("--out <path>", "key file to write")
    .option("--force", "replace an existing key file", false)
    .action(action(keygenCommand));

  addKeyOptions(
    program
      .command("encrypt")
      .description("encrypt a file at rest (streaming AES-256-GCM, segmented)")
      .argument("<input>", "file to encrypt")
      .requiredOption("--out <path>", "encrypted file to write")
      .option(
        "--segment-size <bytes>",
        "plaintext bytes per segment",
        parseInteger("--segment-size", 16, 64 << 20),
      )
      .option(
        "--scrypt-log2n <n>",
        "scrypt cost log2(N) for passphrases (default 17)",
        parseInteger("--scrypt-log2n", 10, 20),
      ),
  ).action(action(encryptCommand));

  addKeyOptions(
    program
      .command("decrypt")
      .description("decrypt a file; exit 1 if it was tampered with, no output is left behind")
      .argument("<input>", "encrypted file")
      .requiredOption("--out <path>", "plaintext file to write"),
  ).action(action(decryptCommand));

  addKeyOptions(
    addKeyOptions(
      program
        .command("rekey")
        .description("re-wrap an encrypted file's data key under a new key (no re-encryption)")
        .argument("<input>", "encrypted file")
        .option("--out <path>", "output (default: replace the input atomically)")
        .option(
          "--scrypt-log2n <n>",
          "scrypt cost for a new passphrase",
          parseInteger("--scrypt-log2n", 10, 20),
        ),
    ),
    "new",
  ).action(action(rekeyCommand));
}
