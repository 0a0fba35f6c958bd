// Opens a Kysely database over better-sqlite3 (embedded file) or pg (PostgreSQL pool).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { MlsecError } from "../core/index.js";
import type { StoreConfig } from "./config.js";
import { describeStore } from "./config.js";

export type StoreDialect = StoreConfig["kind"];

/**
 * A connection to the shared store. Modules keep their own tables and migrations (see
 * `migrate`); they type `db` with their own table interfaces via `store.db as Kysely<T>`.
 */
export interface Store {
  // biome-ignore lint/suspicious/noExplicitAny: each module narrows the table types it owns.
  readonly db: Kysely<any>;
  readonly dialect: StoreDialect;
  /** Printable location (password hidden). */
  readonly location: string;
  close(): Promise<void>;
}

export async function openStore(config: StoreConfig): Promise<Store> {
  try {
    return config.kind === "sqlite" ? await openSqlite(config.path) : await openPostgres(config);
  } catch (cause) {
    if (cause instanceof MlsecError) throw cause;
    throw new MlsecError(
      "E_STORE",
      `cannot open the store ${describeStore(config)}: ${(cause as Error).message}`,
      { cause, details: { store: describeStore(config) } },
    );
  }
}

async function openSqlite(path: string): Promise<Store> {
  const { default: Database } = await import("better-sqlite3");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL lets readers run beside one writer; busy_timeout waits out short write locks held by
  // another mlsec process instead of failing at once.
  if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: "sqlite",
    location: `sqlite:${path}`,
    close: () => db.destroy(),
  };
}

async function openPostgres(config: Extract<StoreConfig, { kind: "postgres" }>): Promise<Store> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // Fail now (bad host, auth, missing schema) rather than at the first query.
  const client = await pool.connect();
  try {
    if (config.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
  } finally {
    client.release();
  }
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: "postgres",
    location: describeStore(config),
    close: () => db.destroy(),
  };
}
