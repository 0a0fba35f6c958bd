// The shared persistence layer. A module that needs tables:
//   const store = await openStore(resolveStoreConfig(options.store)); // --store / MLSEC_STORE
//   await migrate(store, "registry", { "0001_create_models": { up: async (db) => ... } });
//   const db = store.db as Kysely<MyTables>;  ...  await store.close();
// Migrations are per module (history table mlsec_migrations_<module>), append-only, and must
// work on SQLite and PostgreSQL (test them with test/store/backends.ts: both backends).
export {
  DEFAULT_STORE_PATH,
  describeStore,
  parseStoreUrl,
  resolveStoreConfig,
  STORE_ENV,
  type StoreConfig,
} from "./config.js";
export { openStore, type Store, type StoreDialect } from "./connect.js";
export { type Migration, type MigrationReport, migrate } from "./migrate.js";
