// What every `mlsec registry` subcommand shares: the --store/--blobs/--blob-key-file/--as options,
// the acting user, and opening the registry (store + blob directory) for the length of one call.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import type { Registry } from "../../../registry/index.js";
import { MlsecError } from "../../runner.js";

const USER_ENV = "MLSEC_USER";
const BLOBS_ENV = "MLSEC_REGISTRY_BLOBS";
const KEY_ENV = "MLSEC_REGISTRY_KEY_FILE";

export interface Common {
  store?: string;
  blobs?: string;
  blobKeyFile?: string;
  as?: string;
}

export function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read the ${what} ${path}`, { cause });
  }
}

export const collect = (value: string, previous: string[]) => [...previous, value];

export function common(cmd: Command): Command {
  return cmd
    .option(
      "--store <url>",
      "store: SQLite file path or postgres:// URL (default $MLSEC_STORE or ./.mlsec/mlsec.db)",
    )
    .option(
      "--blobs <dir>",
      `blob directory (default $${BLOBS_ENV}, else blobs/ beside a SQLite store, else ./.mlsec/blobs)`,
    )
    .option(
      "--blob-key-file <file>",
      `key for blobs encrypted at rest, from \`mlsec keygen --type aes256\` (default $${KEY_ENV})`,
    )
    .option("--as <user>", `the acting user (default $${USER_ENV})`);
}

export function actorOf(o: Common): string {
  const actor = o.as ?? process.env[USER_ENV];
  if (!actor) {
    throw new MlsecError("E_USAGE", "no acting user", {
      hint: `Pass --as USER or set ${USER_ENV}; every registry operation is checked and audited.`,
    });
  }
  return actor;
}

export async function withRegistry<T>(o: Common, body: (reg: Registry) => Promise<T>): Promise<T> {
  const { openStore, resolveStoreConfig } = await import("../../../store/index.js");
  const { Registry, localBlobStore } = await import("../../../registry/index.js");
  const { parseKeyFile } = await import("../../../artifacts/index.js");
  const keyFile = o.blobKeyFile ?? process.env[KEY_ENV];
  const blobKey =
    keyFile === undefined
      ? undefined
      : { kind: "key" as const, key: parseKeyFile(readBytes(keyFile, "blob key file")) };
  const config = resolveStoreConfig(o.store);
  const blobs =
    o.blobs ??
    process.env[BLOBS_ENV] ??
    (config.kind === "sqlite" && config.path !== ":memory:"
      ? join(dirname(config.path), "blobs")
      : resolve(".mlsec", "blobs"));
  const store = await openStore(config);
  try {
    return await body(
      await Registry.open(store, { blobs: localBlobStore(resolve(blobs)), blobKey }),
    );
  } finally {
    await store.close();
  }
}
