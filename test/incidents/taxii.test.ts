import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptsTaxii,
  createTaxiiServer,
  exportBundle,
  isTaxiiContentType,
  normalizeTimestamp,
  parseTaxiiConfig,
  TAXII_MEDIA_TYPE,
  TaxiiClient,
  type TaxiiServer,
} from "../../src/incidents/index.js";
import { BACKENDS, type TestStore } from "../store/backends.js";
import { SAMPLE } from "./stix-helpers.js";
import { PRIVATE, SHARED, TOKENS, taxiiConfig } from "./taxii-fixtures.js";

describe("TAXII media types and timestamps", () => {
  it("negotiates application/taxii+json;version=2.1 only", () => {
    expect(acceptsTaxii("application/taxii+json;version=2.1")).toBe(true);
    expect(acceptsTaxii("application/json, application/taxii+json; version=2.1")).toBe(true);
    expect(acceptsTaxii("application/taxii+json")).toBe(true);
    expect(acceptsTaxii("application/taxii+json;version=2.0")).toBe(false);
    expect(acceptsTaxii("application/taxii+json;version=2.1;q=0")).toBe(false);
    expect(acceptsTaxii("application/json")).toBe(false);
    expect(acceptsTaxii(undefined)).toBe(false);
    expect(isTaxiiContentType("application/taxii+json;version=2.1")).toBe(true);
    expect(isTaxiiContentType("application/json")).toBe(false);
  });

  it("normalises RFC 3339 UTC timestamps to microseconds", () => {
    expect(normalizeTimestamp("2026-01-02T03:04:05Z")).toBe("2026-01-02T03:04:05.000000Z");
    expect(normalizeTimestamp("2026-01-02T03:04:05.1234567Z")).toBe("2026-01-02T03:04:05.123456Z");
    expect(normalizeTimestamp("2026-01-02 03:04:05Z")).toBeUndefined();
    expect(normalizeTimestamp("2026-13-02T03:04:05Z")).toBeUndefined();
  });

  it("rejects weak or malformed server configurations", () => {
    expect(() =>
      parseTaxiiConfig({ ...taxiiConfig(), principals: [{ name: "x", token: "short" }] }),
    ).toThrow(/token/);
    expect(() => parseTaxiiConfig({ apiRoots: [] })).toThrow();
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`TAXII 2.1 server and client: ${backend.name}`, () => {
    let t: TestStore;
    let server: TaxiiServer;
    let base: string;
    let clock = Date.parse("2026-04-01T00:00:00.000Z");
    const client = (token: string, user?: string) =>
      new TaxiiClient({ apiRoot: `${base}/api1/`, token, ...(user ? { user } : {}) });
    const raw = (path: string, init: RequestInit & { token?: string } = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: {
          accept: TAXII_MEDIA_TYPE,
          authorization: `Bearer ${init.token ?? TOKENS.acme}`,
          ...(init.headers as Record<string, string>),
        },
      });

    beforeAll(async () => {
      t = await backend.open();
      server = await createTaxiiServer({
        store: t.store,
        config: parseTaxiiConfig(taxiiConfig()),
        // A clock that stands still: date_added must still increase strictly.
        now: () => new Date(clock),
      });
      base = await server.listen(0);
    });
    afterAll(async () => {
      await server.close();
      await t.dispose();
    });

    it("serves discovery, the API root and the collections a principal may see", async () => {
      const d = await raw("/taxii2/");
      expect(d.status).toBe(200);
      expect(d.headers.get("content-type")).toBe(TAXII_MEDIA_TYPE);
      expect(await d.json()).toMatchObject({ title: "Test TAXII", api_roots: [`${base}/api1/`] });
      expect(await client(TOKENS.acme).apiRootInfo()).toMatchObject({
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: 64 * 1024,
      });
      const acme = await client(TOKENS.acme).collections();
      expect(acme.map((c) => c.id).sort()).toEqual([PRIVATE, SHARED].sort());
      const reader = await client(TOKENS.reader, "reader").collections();
      expect(reader).toEqual([
        expect.objectContaining({ id: SHARED, can_read: true, can_write: false, alias: "shared" }),
      ]);
    });

    it("stores a pushed bundle and pages through it with limit/next and added_after", async () => {
      const objects = exportBundle([SAMPLE]).objects;
      const status = await client(TOKENS.globex).addObjects(SHARED, objects);
      expect(status).toMatchObject({
        status: "complete",
        total_count: objects.length,
        success_count: objects.length,
        failure_count: 0,
      });
      expect(await client(TOKENS.globex).status(status.id)).toMatchObject({ id: status.id });
      await expect(client(TOKENS.reader).status(status.id)).rejects.toMatchObject({
        code: "E_TAXII",
      });

      const all = await client(TOKENS.reader).pullAll(SHARED, { pageSize: 7 });
      expect(all.pages).toBe(Math.ceil(objects.length / 7));
      expect(all.objects.map((o) => o.id).sort()).toEqual(objects.map((o) => o.id).sort());

      // Nothing new after the last date_added; a second push is seen incrementally.
      const none = await client(TOKENS.reader).pullAll(SHARED, { addedAfter: all.lastDateAdded });
      expect(none.objects).toEqual([]);
      clock += 1000;
      const newer = { ...SAMPLE, title: "Updated title", modified: "2026-03-05T00:00:00.000Z" };
      const incident = exportBundle([newer]).objects.find((o) => o.type === "incident")!;
      await client(TOKENS.globex).addObjects(SHARED, [incident]);
      const inc = await client(TOKENS.reader).pullAll(SHARED, { addedAfter: all.lastDateAdded });
      expect(inc.objects).toEqual([incident]);
    });

    it("filters by match[type], match[id], match[version] and lists versions and the manifest", async () => {
      // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
      const q = (s: string): Promise<any> =>
        raw(`/api1/collections/${SHARED}/${s}`).then((r) => r.json());
      const incidents = await q("objects/?match[type]=incident");
      expect(incidents.objects).toHaveLength(1);
      expect(incidents.objects[0].name).toBe("Updated title");
      const both = await q(`objects/?match[id]=${SAMPLE.id}&match[version]=all`);
      expect(both.objects).toHaveLength(2);
      const first = await q(`objects/${SAMPLE.id}/?match[version]=first`);
      expect(first.objects[0].name).toBe(SAMPLE.title);
      const versions = await q(`objects/${SAMPLE.id}/versions/`);
      expect(versions.versions).toEqual([
        "2026-03-02T11:00:00.000000Z",
        "2026-03-05T00:00:00.000000Z",
      ]);
      const manifest = await q("manifest/?match[type]=incident");
      expect(manifest.objects[0]).toMatchObject({
        id: SAMPLE.id,
        media_type: "application/stix+json;version=2.1",
      });
      const missing = await raw(
        `/api1/collections/${SHARED}/objects/incident--00000000-0000-4000-8000-000000000000/`,
      );
      expect(missing.status).toBe(404);
    });

    it("answers 401, 403, 404, 406, 413 and 415 as TAXII error messages", async () => {
      const noAuth = await fetch(`${base}/taxii2/`, { headers: { accept: TAXII_MEDIA_TYPE } });
      expect(noAuth.status).toBe(401);
      expect(noAuth.headers.get("www-authenticate")).toMatch(/Bearer/);
      expect((await raw("/taxii2/", { token: "wrong-token-0123456789" })).status).toBe(401);
      expect((await raw("/taxii2/", { headers: { accept: "application/json" } })).status).toBe(406);
      expect(
        (await raw(`/api1/collections/${PRIVATE}/objects/`, { token: TOKENS.globex })).status,
      ).toBe(403);
      const post = (body: string, headers: Record<string, string>, token: string = TOKENS.acme) =>
        raw(`/api1/collections/${SHARED}/objects/`, { method: "POST", body, headers, token });
      const taxiiType = { "content-type": TAXII_MEDIA_TYPE };
      expect((await post('{"objects":[]}', taxiiType, TOKENS.reader)).status).toBe(403);
      expect((await post('{"objects":[]}', { "content-type": "application/json" })).status).toBe(
        415,
      );
      const big = await post(JSON.stringify({ objects: ["x".repeat(70 * 1024)] }), taxiiType);
      expect(big.status).toBe(413);
      expect(big.headers.get("content-type")).toBe(TAXII_MEDIA_TYPE);
      expect(await big.json()).toMatchObject({ http_status: "413" });
      expect((await post("[".repeat(100), taxiiType)).status).toBe(413);
      expect((await post("{nope", taxiiType)).status).toBe(400);
      expect((await raw("/nope/collections/")).status).toBe(404);
      expect((await raw("/api1/collections/00000000-0000-4000-8000-000000000000/")).status).toBe(
        404,
      );
      expect((await raw(`/api1/collections/${SHARED}/objects/?added_after=yesterday`)).status).toBe(
        400,
      );
    });

    it("reports malformed objects as failures in the status, never crashing", async () => {
      const status = await client(TOKENS.acme).addObjects(PRIVATE, [
        null,
        { type: "incident", id: "incident--bad" },
        {
          type: "x-acme-note",
          id: "x-acme-note--3a1f0d5e-2b4c-4d6e-8f0a-1b2c3d4e5f60",
          created: "2026-01-01T00:00:00Z",
          modified: "2026-01-01T00:00:00Z",
        },
      ]);
      expect(status).toMatchObject({ total_count: 3, success_count: 1, failure_count: 2 });
    });

    it("deletes one version or every version of an object, with read and write rights only", async () => {
      const id = "x-acme-note--3a1f0d5e-2b4c-4d6e-8f0a-1b2c3d4e5f61";
      const note = (modified: string) => ({ type: "x-acme-note", id, created: modified, modified });
      await client(TOKENS.globex).addObjects(SHARED, [
        note("2026-02-01T00:00:00Z"),
        note("2026-02-02T00:00:00Z"),
        note("2026-02-03T00:00:00Z"),
      ]);
      const versions = async () =>
        (await (await raw(`/api1/collections/${SHARED}/objects/${id}/versions/`)).json()) as {
          versions: string[];
        };
      const del = (query: string, token: string = TOKENS.globex) =>
        raw(`/api1/collections/${SHARED}/objects/${id}/${query}`, { method: "DELETE", token });

      expect((await del("", TOKENS.reader)).status).toBe(403);
      expect((await del("?match[version]=yesterday")).status).toBe(400);
      const first = await del("?match[version]=first");
      expect(first.status).toBe(200);
      expect(await first.text()).toBe("");
      expect((await versions()).versions).toEqual([
        "2026-02-02T00:00:00.000000Z",
        "2026-02-03T00:00:00.000000Z",
      ]);
      await client(TOKENS.globex).deleteObject(SHARED, id);
      expect((await raw(`/api1/collections/${SHARED}/objects/${id}/versions/`)).status).toBe(404);
      expect((await del("")).status).toBe(404);
      await expect(client(TOKENS.globex).deleteObject(SHARED, id)).rejects.toMatchObject({
        code: "E_TAXII",
      });
    });
  });
}
