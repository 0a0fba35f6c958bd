// Tables of the incidents module (see src/store/migrate.ts for how migrations run).
import { type Kysely, type Migration, sql } from "kysely";

export interface IncidentsTable {
  id: string;
  title: string;
  status: string;
  severity: string;
  tlp: string;
  created: string;
  modified: string;
  /** The whole record as JSON; the columns above are copies for filtering and sorting. */
  body: string;
}

/** Where each TAXII pull stopped: the newest date_added seen per server and collection. */
export interface ShareStateTable {
  server: string;
  collection: string;
  added_after: string;
  updated: string;
}

export interface IncidentsDatabase {
  incidents: IncidentsTable;
  share_state: ShareStateTable;
}

export const INCIDENT_MIGRATIONS: Record<string, Migration> = {
  "0001_create_incidents": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("incidents")
        .addColumn("id", "varchar(80)", (c) => c.primaryKey())
        .addColumn("title", "varchar(300)", (c) => c.notNull())
        .addColumn("status", "varchar(20)", (c) => c.notNull())
        .addColumn("severity", "varchar(20)", (c) => c.notNull())
        .addColumn("tlp", "varchar(20)", (c) => c.notNull())
        .addColumn("created", "varchar(30)", (c) => c.notNull())
        .addColumn("modified", "varchar(30)", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("incidents_created").on("incidents").column("created").execute();
      await db.schema.createIndex("incidents_status").on("incidents").column("status").execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async down(db: Kysely<any>) {
      await sql`DROP TABLE incidents`.execute(db);
    },
  },
  "0002_create_share_state": {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("share_state")
        .addColumn("server", "varchar(2000)", (c) => c.notNull())
        .addColumn("collection", "varchar(100)", (c) => c.notNull())
        .addColumn("added_after", "varchar(40)", (c) => c.notNull())
        .addColumn("updated", "varchar(30)", (c) => c.notNull())
        .addPrimaryKeyConstraint("share_state_pk", ["server", "collection"])
        .execute();
    },
  },
};
