// A client for the registry's HTTP API. `push` hashes the model locally and streams it up, then
// checks that the server stored the same digest; `pull` streams a version to a temporary file,
// rehashes it against the digest the server recorded, and only then renames it into place.
import type { KeyObject } from "node:crypto";
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { buildManifest, writeAtomically } from "../../artifacts/index.js";
import { MlsecError } from "../../core/index.js";
import type { PublishResult, RescanChange, Version } from "../model.js";
import { verifyPulled } from "../signature.js";
import type { TokenInfo } from "../tokens.js";
import { normalizeUrl } from "./credentials.js";

/** The local error code for a server's answer (a bad token is a denial too). */
function clientCode(status: number, code: string) {
  if (code === "E_REGISTRY_NOT_FOUND" || code === "E_REGISTRY_CONFLICT") return code;
  if (code === "E_REGISTRY_DENIED" || status === 401 || status === 403) {
    return "E_REGISTRY_DENIED" as const;
  }
  if (status === 413) return "E_LIMIT_EXCEEDED" as const;
  if (status === 400) return "E_INVALID_ARGUMENT" as const;
  return "E_IO" as const;
}

export interface PushOptions {
  readonly metrics?: Readonly<Record<string, number>>;
  readonly datasets?: readonly string[];
  readonly parent?: string;
  readonly codeRevision?: string;
  readonly dataDigest?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly signaturePath?: string;
}

export class RegistryClient {
  readonly url: string;

  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.url = normalizeUrl(url);
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${this.token}`,
        },
      });
    } catch (cause) {
      throw new MlsecError("E_IO", `cannot reach the registry at ${this.url}`, { cause });
    }
    if (response.ok || response.status === 422) return response;
    let code = "E_IO";
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // Not a JSON error body: keep the status line.
    }
    throw new MlsecError(clientCode(response.status, code), `registry ${this.url}: ${message}`, {
      details: { status: response.status, code },
    });
  }

  async whoami(): Promise<string> {
    const body = (await (await this.request("/v1/whoami")).json()) as { principal: string };
    return body.principal;
  }

  /** Re-scans every stored version on the server (registry-wide maintainer). */
  async rescan(demote: boolean): Promise<RescanChange[]> {
    const response = await this.request("/v1/rescan", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ demote }),
    });
    return ((await response.json()) as { changes: RescanChange[] }).changes;
  }

  /** The token's own principal's tokens (the server never lists anyone else's over HTTP). */
  async listTokens(): Promise<TokenInfo[]> {
    return ((await (await this.request("/v1/tokens")).json()) as { items: TokenInfo[] }).items;
  }

  /** Revokes one of the token's own principal's live tokens. */
  async revokeToken(id: string): Promise<void> {
    await this.request(`/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  /** Uploads a single-file model; verifies the server recorded the digest computed here. */
  async push(name: string, path: string, options: PushOptions = {}): Promise<PublishResult> {
    const info = await fs.stat(path).catch((cause: unknown) => {
      throw new MlsecError("E_FILE_NOT_FOUND", `cannot read ${path}`, { cause });
    });
    if (!info.isFile()) {
      throw new MlsecError("E_INVALID_ARGUMENT", "pushing over HTTP takes a single file", {
        hint: "Publish a directory model with a local --store instead.",
      });
    }
    const manifest = await buildManifest(path, { signaturePath: options.signaturePath });
    const digest = `sha256:${manifest.rootDigest}`;
    const q = new URLSearchParams({ filename: basename(path) });
    for (const [k, v] of Object.entries(options.metrics ?? {})) q.append("metric", `${k}=${v}`);
    for (const d of options.datasets ?? []) q.append("dataset", d);
    for (const t of options.tags ?? []) q.append("tag", t);
    for (const key of ["parent", "codeRevision", "dataDigest", "description"] as const) {
      const v = options[key];
      if (v !== undefined) q.set(key, v);
    }
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "content-length": String(info.size),
    };
    if (options.signaturePath !== undefined) {
      headers["x-mlsec-signature"] = (await fs.readFile(options.signaturePath)).toString("base64");
    }
    const response = await this.request(`/v1/models/${encodeURIComponent(name)}/versions?${q}`, {
      method: "POST",
      headers,
      body: Readable.toWeb(createReadStream(path)) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    const result = (await response.json()) as PublishResult;
    const stored = result.status === "published" ? result.version.digest : result.digest;
    if (stored !== digest) {
      throw new MlsecError(
        "E_MODEL_MODIFIED",
        `the registry received ${stored} but ${path} hashes to ${digest} (altered in transit?)`,
      );
    }
    return result;
  }

  /**
   * Downloads `name@ref` to `target` (must not exist), verified against its recorded digest and,
   * with `trustedKeys`, against its signing bundle (an unsigned version is then refused).
   */
  async pull(
    name: string,
    ref: string,
    target: string,
    trustedKeys: readonly KeyObject[] = [],
  ): Promise<Version> {
    const base = `/v1/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(ref)}`;
    const version = (await (await this.request(base)).json()) as Version;
    // Pin the exact version: an alias moving meanwhile must not mix two versions' answers.
    const pinned = `/v1/models/${encodeURIComponent(name)}/versions/${version.version}`;
    let bundle: string | null = null;
    if (trustedKeys.length > 0) {
      if (version.signature === null) {
        throw new MlsecError(
          "E_SIGNATURE_INVALID",
          `${name}@${version.version} is not signed, and trusted keys were given`,
        );
      }
      bundle = await (await this.request(`${pinned}/signature`)).text();
    }
    const response = await this.request(`${pinned}/blob`);
    if (response.headers.get("x-mlsec-digest") !== version.digest || response.body === null) {
      throw new MlsecError("E_MODEL_MODIFIED", `the registry sent a different version of ${name}`);
    }
    const exists = await fs.lstat(target).then(
      () => true,
      () => false,
    );
    if (exists) throw new MlsecError("E_INVALID_ARGUMENT", `${target} already exists`);
    await writeAtomically(target, async (temp) => {
      await pipeline(
        Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]),
        createWriteStream(temp, { flags: "wx" }),
      );
      const got = `sha256:${(await buildManifest(temp)).rootDigest}`;
      if (got !== version.digest) {
        throw new MlsecError(
          "E_MODEL_MODIFIED",
          `downloaded ${name}@${version.version} hashes to ${got}, the registry recorded ${version.digest}`,
        );
      }
      if (bundle !== null) {
        const scratch = `${temp}.sig`;
        try {
          await verifyPulled(temp, bundle, trustedKeys, scratch, `${name}@${version.version}`);
        } finally {
          await fs.rm(scratch, { force: true });
        }
      }
    });
    return version;
  }
}
