// The gateway's audit records in the shared store (SQLite by default, PostgreSQL for teams), so
// they can be queried beside the registry and incidents. Buffered and flushed by a timer in
// multi-row inserts, off the response path, and drained on close like the JSONL file.

import { type Kysely, type Migration, sql } from "kysely";
import { MlsecError } from "../core/index.js";
import { migrate, openStore, resolveStoreConfig, type Store } from "../store/index.js";
import type { AuditRecord, AuditSink } from "./audit-log.js";

interface GatewayAuditTable {
  request_id: string;
  time: string;
  client: string | null;
  model: string | null;
  decision: string;
  status: number;
  /** The whole record as JSON; the columns above are copies for filtering. */
  body: string;
}

interface GatewayDatabase {
  gateway_audit: GatewayAuditTable;
}

export const GATEWAY_MIGRATIONS: Record<string, Migration> = {
  "0001_create_gateway_audit": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's types.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("gateway_audit")
        .addColumn("request_id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("time", "varchar(30)", (c) => c.notNull())
        .addColumn("client", "varchar(200)")
        .addColumn("model", "varchar(64)")
        .addColumn("decision", "varchar(20)", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .execute();
      await sql`CREATE INDEX gateway_audit_client_time ON gateway_audit (client, time)`.execute(db);
    },
  },
};

/** Rows per INSERT (7 parameters each stays under SQLite's 999-parameter limit). */
const ROWS_PER_INSERT = 100;

export async function storeAuditSink(
  location: string,
  flushIntervalMs: number,
): Promise<AuditSink> {
  const store: Store = await openStore(resolveStoreConfig(location, {}));
  await migrate(store, "gateway", GATEWAY_MIGRATIONS).catch(async (e) => {
    await store.close();
    throw e;
  });
  const db = store.db as Kysely<GatewayDatabase>;
  let buffer: GatewayAuditTable[] = [];
  let written = 0;
  let failure: Error | undefined;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (buffer.length === 0) return flushing;
    const rows = buffer;
    buffer = [];
    flushing = flushing.then(async () => {
      let done = 0;
      try {
        for (; done < rows.length; done += ROWS_PER_INSERT) {
          const chunk = rows.slice(done, done + ROWS_PER_INSERT);
          await db.insertInto("gateway_audit").values(chunk).execute();
          written += chunk.length;
        }
        failure = undefined;
      } catch (e) {
        // Keep what was not stored for the next attempt; close() reports a lasting failure.
        failure = e as Error;
        buffer = rows.slice(done).concat(buffer);
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), flushIntervalMs);
  timer.unref();
  return {
    write(record: AuditRecord) {
      buffer.push({
        request_id: record.requestId,
        time: record.time,
        client: record.client,
        model: record.model,
        decision: record.decision,
        status: record.status,
        body: JSON.stringify(record),
      });
    },
    get written() {
      return written;
    },
    async close() {
      clearInterval(timer);
      await flush();
      await store.close();

      if (buffer.length > 0) {
        throw new MlsecError(
          "E_STORE",
          `${buffer.length} audit records could not be stored: ${failure?.message}`,
        );
      }
    },
  };
}
