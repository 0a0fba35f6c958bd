// API keys: 256-bit random keys shown once, stored only as their SHA-256 digest. A slow password
// hash is not needed for keys of this entropy; lookups compare digests in constant time.

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiKeyConfig } from "./config.js";

const KEY_PREFIX = "mlsec_";

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export class ApiKeyStore {
  private readonly digests: readonly { config: ApiKeyConfig; digest: Buffer }[];

  constructor(keys: readonly ApiKeyConfig[]) {
    this.digests = keys.map((config) => ({ config, digest: Buffer.from(config.sha256, "hex") }));
  }

  get size(): number {
    return this.digests.length;
  }

  /** The key's entry, or undefined. Every stored digest is compared, so timing reveals nothing. */
  find(key: string): ApiKeyConfig | undefined {
    const digest = createHash("sha256").update(key, "utf8").digest();
    let found: ApiKeyConfig | undefined;
    for (const entry of this.digests) {
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.config;
    }
    return found;
  }
}
