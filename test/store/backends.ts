// The store backends every store contract suite runs against: a temporary SQLite file and, when
// reachable, PostgreSQL (MLSEC_TEST_PG, default postgres://postgres@127.0.0.1:5432/test) in a
// uniquely named schema that is dropped afterwards.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, parseStoreUrl, type Store } from "../../src/store/index.js";

export const PG_URL = process.env.MLSEC_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const POSTGRES_AVAILABLE = await probePostgres();

export interface TestStore {
  readonly store: Store;
  /** The --store value that opens the same database (for CLI tests). */
  readonly url: string;
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: "sqlite" | "postgres";
  readonly available: boolean;
  open(): Promise<TestStore>;
}

export const BACKENDS: readonly Backend[] = [
  {
    name: "sqlite",
    available: true,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "mlsec-store-"));
      const url = join(dir, "mlsec.db");
      const store = await openStore(parseStoreUrl(url));
      return {
        store,
        url,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    available: POSTGRES_AVAILABLE,
    async open() {
      const schema = `mlsec_test_${process.pid}_${randomBytes(4).toString("hex")}`;
      const url = `${PG_URL}?schema=${schema}`;
      const store = await openStore(parseStoreUrl(url));
      return {
        store,
        url,
        async dispose() {
          await store.close();
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.end();
        },
      };
    },
  },
];
