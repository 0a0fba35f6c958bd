import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_STORE_PATH,
  describeStore,
  openStore,
  parseStoreUrl,
  resolveStoreConfig,
} from "../../src/store/index.js";

describe("store configuration", () => {
  it("defaults to ./.mlsec/mlsec.db, then MLSEC_STORE, then --store", () => {
    expect(resolveStoreConfig(undefined, {}, "/w")).toEqual({
      kind: "sqlite",
      path: `/w/${DEFAULT_STORE_PATH}`,
    });
    expect(resolveStoreConfig(undefined, { MLSEC_STORE: "x.db" }, "/w")).toEqual({
      kind: "sqlite",
      path: "/w/x.db",
    });
    expect(resolveStoreConfig("/abs/y.db", { MLSEC_STORE: "x.db" }, "/w")).toEqual({
      kind: "sqlite",
      path: "/abs/y.db",
    });
  });

  it("parses PostgreSQL URLs and their schema parameter", () => {
    const c = parseStoreUrl("postgresql://u:secret@db:5432/mlsec?schema=team_a&sslmode=disable");
    expect(c).toEqual({
      kind: "postgres",
      url: "postgresql://u:secret@db:5432/mlsec?sslmode=disable",
      schema: "team_a",
    });
    expect(describeStore(c)).not.toContain("secret");
  });

  it("accepts sqlite: and :memory: forms", () => {
    expect(parseStoreUrl("sqlite:a/b.db", "/w")).toEqual({ kind: "sqlite", path: "/w/a/b.db" });
    expect(parseStoreUrl(":memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
  });

  it("rejects unknown schemes, bad schema names and empty values", () => {
    expect(() => parseStoreUrl("mysql://h/db")).toThrow(/unsupported store URL/);
    expect(() => parseStoreUrl("postgres://h/db?schema=a;drop")).toThrow(/schema name/);
    expect(() => parseStoreUrl("  ")).toThrow(/empty/);
  });

  it("never throws anything but MlsecError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          parseStoreUrl(s, "/w");
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^E_/);
        }
      }),
    );
  });

  it("maps an unreachable PostgreSQL server to E_STORE", async () => {
    // Port 1 on loopback refuses connections immediately.
    await expect(
      openStore(parseStoreUrl("postgres://postgres@127.0.0.1:1/x")),
    ).rejects.toMatchObject({ code: "E_STORE" });
  });
});
