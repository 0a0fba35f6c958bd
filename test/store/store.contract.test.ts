import { type Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { type Migration, migrate } from "../../src/store/index.js";
import { BACKENDS, type TestStore } from "./backends.js";

const NOTES: Record<string, Migration> = {
  "0001_notes": {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the untyped database.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("notes")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("text", "text", (c) => c.notNull())
        .execute();
    },
  },
};
const NOTES_V2: Record<string, Migration> = {
  ...NOTES,
  "0002_notes_author": {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async up(db: Kysely<any>) {
      await db.schema.alterTable("notes").addColumn("author", "varchar(50)").execute();
    },
  },
};

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`store contract: ${backend.name}`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await backend.open();
    });
    afterEach(async () => {
      await t.dispose();
    });

    it("reports its dialect and a location", () => {
      expect(t.store.dialect).toBe(backend.name);
      expect(t.store.location.length).toBeGreaterThan(0);
    });

    it("applies a module's migrations once, in order, and later ones on upgrade", async () => {
      expect((await migrate(t.store, "notes", NOTES)).applied).toEqual(["0001_notes"]);
      expect((await migrate(t.store, "notes", NOTES)).applied).toEqual([]);
      expect((await migrate(t.store, "notes", NOTES_V2)).applied).toEqual(["0002_notes_author"]);
      await t.store.db.insertInto("notes").values({ id: 1, text: "hi", author: "ana" }).execute();
      const rows = await t.store.db.selectFrom("notes").selectAll().execute();
      expect(rows).toEqual([{ id: 1, text: "hi", author: "ana" }]);
    });

    it("keeps each module's migration history apart", async () => {
      await migrate(t.store, "notes", NOTES);
      const other: Record<string, Migration> = {
        "0001_notes": {
          // biome-ignore lint/suspicious/noExplicitAny: see above.
          async up(db: Kysely<any>) {
            await db.schema.createTable("ledger").addColumn("n", "integer").execute();
          },
        },
      };
      // Same migration name, different module: it must still run.
      expect((await migrate(t.store, "ledger", other)).applied).toEqual(["0001_notes"]);
    });

    it("refuses a store whose history has a migration this build does not know", async () => {
      await migrate(t.store, "notes", NOTES_V2);
      await expect(migrate(t.store, "notes", NOTES)).rejects.toMatchObject({ code: "E_STORE" });
    });

    it("rolls back a failed migration's transaction", async () => {
      const broken: Record<string, Migration> = {
        "0001_broken": {
          // biome-ignore lint/suspicious/noExplicitAny: see above.
          async up(db: Kysely<any>) {
            await db.schema.createTable("half").addColumn("n", "integer").execute();
            await sql`SELECT * FROM no_such_table`.execute(db);
          },
        },
      };
      const error = await migrate(t.store, "broken", broken).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MlsecError);
      expect((error as MlsecError).code).toBe("E_STORE");
      if (t.store.dialect === "postgres") {
        // PostgreSQL has transactional DDL: the half-made table is gone.
        const r = await sql<{ n: string }>`SELECT to_regclass('half') AS n`.execute(t.store.db);
        expect(r.rows[0]?.n).toBeNull();
      }
    });

    it("rejects invalid module names", async () => {
      await expect(migrate(t.store, "Bad-Name", NOTES)).rejects.toMatchObject({
        code: "E_INVALID_ARGUMENT",
      });
    });
  });
}
