// TAXII 2.1 client (OASIS TAXII Version 2.1 §4-§5) over fetch, with bounded responses.
import { MlsecError } from "../../core/index.js";
import { parseJsonBounded } from "../stix/parse.js";
import type { StixObject } from "../stix/types.js";
import { isTaxiiContentType, TAXII_MEDIA_TYPE } from "./media.js";

export interface TaxiiClientOptions {
  /** The API root URL, e.g. https://taxii.example.org/api1/ */
  readonly apiRoot: string;
  readonly token: string;
  /** With a user, HTTP basic (user:token) is sent; otherwise a bearer token. */
  readonly user?: string;
  readonly maxResponseBytes?: number;
  readonly timeoutMs?: number;
}

export interface ObjectsPage {
  readonly objects: StixObject[];
  readonly more: boolean;
  readonly next?: string;
  readonly dateAddedFirst?: string;
  readonly dateAddedLast?: string;
}

export interface TaxiiStatus {
  readonly id: string;
  readonly status: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly failure_count: number;
  readonly pending_count: number;
  readonly failures?: { id: string; version: string; message?: string }[];
}

export class TaxiiClient {
  private readonly base: string;
  private readonly authorization: string;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(options: TaxiiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.apiRoot);
    } catch (cause) {
      throw new MlsecError("E_INVALID_ARGUMENT", `not a URL: ${options.apiRoot}`, { cause });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new MlsecError(
        "E_INVALID_ARGUMENT",
        `TAXII servers are http(s) URLs, got ${url.protocol}`,
      );
    }
    this.base = url.toString().endsWith("/") ? url.toString() : `${url.toString()}/`;
    this.authorization = options.user
      ? `Basic ${Buffer.from(`${options.user}:${options.token}`).toString("base64")}`
      : `Bearer ${options.token}`;
    this.maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  private async request(method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
    const url = new URL(path, this.base);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: TAXII_MEDIA_TYPE,
          authorization: this.authorization,
          ...(body === undefined ? {} : { "content-type": TAXII_MEDIA_TYPE }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "error",
      });
    } catch (cause) {
      throw new MlsecError("E_TAXII", `cannot reach ${url.origin}: ${(cause as Error).message}`, {
        cause,
      });
    }
    const bytes = await readBounded(response, this.maxBytes);
    const json =
      bytes.length > 0 && isTaxiiContentType(response.headers.get("content-type") ?? undefined)
        ? (parseJsonBounded(bytes, {
            maxBytes: this.maxBytes,
            maxDepth: 64,
            maxObjects: 0,
          }) as Record<string, unknown>)
        : undefined;
    if (!response.ok) {
      const title = typeof json?.title === "string" ? json.title : response.statusText;
      throw new MlsecError(
        "E_TAXII",
        `${method} ${url.pathname}: HTTP ${response.status} ${title}`,
        {
          details: { status: response.status, url: url.toString() },
          ...(response.status === 401 || response.status === 403
            ? { hint: "Check the token and that this organisation may use the collection." }
            : {}),
        },
      );
    }
    // A successful DELETE answers with an empty body (TAXII 2.1 §5.7).
    if (method === "DELETE") return { json: {}, headers: response.headers };
    if (!json) throw new MlsecError("E_TAXII", `${url} did not answer with ${TAXII_MEDIA_TYPE}`);
    return { json, headers: response.headers };
  }

  async apiRootInfo(): Promise<Record<string, unknown>> {
    return (await this.request("GET", "./")).json;
  }

  async collections(): Promise<Record<string, unknown>[]> {
    const { json } = await this.request("GET", "collections/");
    return Array.isArray(json.collections) ? (json.collections as Record<string, unknown>[]) : [];
  }

  async getObjects(
    collection: string,
    query: { addedAfter?: string; limit?: number; next?: string; types?: string[] } = {},
  ): Promise<ObjectsPage> {
    const params = new URLSearchParams();
    if (query.addedAfter) params.set("added_after", query.addedAfter);
    if (query.limit) params.set("limit", String(query.limit));
    if (query.next) params.set("next", query.next);
    if (query.types?.length) params.set("match[type]", query.types.join(","));
    const qs = params.toString();
    const { json, headers } = await this.request(
      "GET",
      `collections/${encodeURIComponent(collection)}/objects/${qs ? `?${qs}` : ""}`,
    );
    const first = headers.get("x-taxii-date-added-first");
    const last = headers.get("x-taxii-date-added-last");
    return {
      objects: Array.isArray(json.objects) ? (json.objects as StixObject[]) : [],
      more: json.more === true,
      ...(typeof json.next === "string" ? { next: json.next } : {}),
      ...(first ? { dateAddedFirst: first } : {}),
      ...(last ? { dateAddedLast: last } : {}),
    };
  }

  /** Every object added after `addedAfter`, following `next`; returns the newest date_added. */
  async pullAll(
    collection: string,
    options: { addedAfter?: string; pageSize?: number; maxPages?: number } = {},
  ): Promise<{ objects: StixObject[]; lastDateAdded?: string; pages: number }> {
    const objects: StixObject[] = [];
    let next: string | undefined;
    let lastDateAdded: string | undefined;
    let pages = 0;
    const maxPages = options.maxPages ?? 10_000;
    do {
      const page = await this.getObjects(collection, {
        ...(options.addedAfter ? { addedAfter: options.addedAfter } : {}),
        ...(options.pageSize ? { limit: options.pageSize } : {}),
        ...(next ? { next } : {}),
      });
      objects.push(...page.objects);
      if (page.dateAddedLast) lastDateAdded = page.dateAddedLast;
      next = page.more ? page.next : undefined;
      pages++;
      if (pages >= maxPages && next) {
        throw new MlsecError("E_LIMIT_EXCEEDED", `more than ${maxPages} pages from ${collection}`);
      }
    } while (next);
    return { objects, ...(lastDateAdded ? { lastDateAdded } : {}), pages };
  }

  async addObjects(collection: string, objects: readonly unknown[]): Promise<TaxiiStatus> {
    const { json } = await this.request(
      "POST",
      `collections/${encodeURIComponent(collection)}/objects/`,
      { objects },
    );
    return json as unknown as TaxiiStatus;
  }

  /** Deletes an object (every version, or only `version`: a timestamp, "first" or "last"). */
  async deleteObject(collection: string, objectId: string, version?: string): Promise<void> {
    const qs = version ? `?${new URLSearchParams({ "match[version]": version })}` : "";
    await this.request(
      "DELETE",
      `collections/${encodeURIComponent(collection)}/objects/${encodeURIComponent(objectId)}/${qs}`,
    );
  }

  async status(id: string): Promise<TaxiiStatus> {
    return (await this.request("GET", `status/${encodeURIComponent(id)}/`))
      .json as unknown as TaxiiStatus;
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new MlsecError("E_LIMIT_EXCEEDED", `response of ${declared} bytes exceeds ${maxBytes}`);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new MlsecError("E_LIMIT_EXCEEDED", `response exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
