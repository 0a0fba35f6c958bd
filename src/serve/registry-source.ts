// Models served straight from the mlsec registry: the ref is resolved with the registry's
// permission check for the gateway's acting user, the blob is decrypted (when stored
// encrypted) and rehashed against its content digest by the registry's verified copy, and only
// then read into memory. The registry verified the signature against its trusted keys when the
// version was published; `requireSignature` refuses versions published without one.

import { dirname, join, resolve } from "node:path";
import { parseKeyFile } from "../artifacts/index.js";
import { MlsecError, readFileBounded } from "../core/index.js";
import { localBlobStore, Registry } from "../registry/index.js";
import { openStore, resolveStoreConfig } from "../store/index.js";

export interface RegistrySource {
  /** Store URL or SQLite path, as `mlsec registry --store`. */
  readonly store: string;
  /** `name@version|alias|latest`. */
  readonly ref: string;
  /** The registry user the gateway acts as (needs the reader role on the model). */
  readonly actor: string;
  /** Blob directory (default: `blobs/` beside a SQLite store). */
  readonly blobs?: string;
  /** Key file of a registry that encrypts blobs at rest. */
  readonly blobKeyFile?: string;
  readonly requireSignature: boolean;
}

export interface RegistryModel {
  readonly bytes: Uint8Array;
  readonly version: string;
  readonly digest: string;
}

export async function modelFromRegistry(source: RegistrySource): Promise<RegistryModel> {
  const at = source.ref.lastIndexOf("@");
  const name = at < 0 ? source.ref : source.ref.slice(0, at);
  const selector = at < 0 ? "latest" : source.ref.slice(at + 1);
  const config = resolveStoreConfig(source.store, {});
  const blobs =
    source.blobs ??
    (config.kind === "sqlite" ? join(dirname(config.path), "blobs") : resolve(".mlsec", "blobs"));
  const blobKey =
    source.blobKeyFile === undefined
      ? undefined
      : {
          kind: "key" as const,
          key: parseKeyFile(Buffer.from(await readFileBounded(source.blobKeyFile, 1 << 16))),
        };
  const store = await openStore(config);
  try {
    const registry = await Registry.open(store, { blobs: localBlobStore(resolve(blobs)), blobKey });
    const version = await registry.resolve(source.actor, name, selector);
    if (source.requireSignature && version.signature === null) {
      throw new MlsecError(
        "E_GATEWAY_CONFIG",
        `${name}@${version.version} was published without a signature; the gateway requires one`,
        {
          hint: "Publish a signed version (mlsec sign, then registry push --signature) or set requireSignature: false.",
        },
      );
    }
    const bytes = await registry.withVerifiedCopy(version, (path) =>
      readFileBounded(path, 2 ** 31),
    );
    return { bytes, version: String(version.version), digest: version.digest };
  } finally {
    await store.close();
  }
}
