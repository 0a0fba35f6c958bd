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
