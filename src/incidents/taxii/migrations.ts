// Tables of the TAXII server: collections, stored object versions, and status resources.
import type { Generated, Kysely, Migration } from "kysely";
import type { StoreDialect } from "../../store/index.js";

export interface TaxiiCollectionsTable {
  id: string;
  api_root: string;
  title: string;
  description: string | null;
  alias: string | null;
}

export interface TaxiiObjectsTable {
  seq: Generated<number>;
  collection_id: string;
  object_id: string;
  object_type: string;
  /** `modified`, else `created`, else date_added (TAXII 2.1 §3.4.1 version semantics). */
  version: string;
  spec_version: string;
  /** Fixed-width UTC timestamp with microseconds: string order is time order. */
  date_added: string;
  body: string;
}

export interface TaxiiStatusTable {
  id: string;
  api_root: string;
  principal: string;
  created: string;
  body: string;
}

export interface TaxiiDatabase {
  taxii_collections: TaxiiCollectionsTable;
  taxii_objects: TaxiiObjectsTable;
  taxii_status: TaxiiStatusTable;
}

export function taxiiMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    "0001_create_taxii": {
      // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable("taxii_collections")
          .addColumn("id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("api_root", "varchar(64)", (c) => c.notNull())
          .addColumn("title", "varchar(200)", (c) => c.notNull())
          .addColumn("description", "text")
          .addColumn("alias", "varchar(64)")
          .execute();
        await db.schema
          .createTable("taxii_objects")
          .addColumn("seq", dialect === "postgres" ? "bigserial" : "integer", (c) =>
            dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn("collection_id", "varchar(36)", (c) =>
            c.notNull().references("taxii_collections.id").onDelete("cascade"),
          )
          .addColumn("object_id", "varchar(300)", (c) => c.notNull())
          .addColumn("object_type", "varchar(250)", (c) => c.notNull())
          .addColumn("version", "varchar(40)", (c) => c.notNull())
          .addColumn("spec_version", "varchar(10)", (c) => c.notNull())
          .addColumn("date_added", "varchar(40)", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .addUniqueConstraint("taxii_objects_version", ["collection_id", "object_id", "version"])
          .execute();
        await db.schema
          .createIndex("taxii_objects_added")
          .on("taxii_objects")
          .columns(["collection_id", "date_added", "seq"])
          .execute();
        await db.schema
          .createTable("taxii_status")
          .addColumn("id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("api_root", "varchar(64)", (c) => c.notNull())
          .addColumn("principal", "varchar(64)", (c) => c.notNull())
          .addColumn("created", "varchar(40)", (c) => c.notNull())
          .addColumn("body", "text", (c) => c.notNull())
          .execute();
      },
    },
  };
}
