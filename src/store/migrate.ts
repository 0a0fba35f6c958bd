// Per-module schema migrations with Kysely's Migrator: each module keeps its own history table
// (`mlsec_migrations_<module>`), so the registry, the privacy ledger and incidents evolve apart.
import { type Migration, Migrator } from "kysely";
import { MlsecError } from "../core/index.js";
import type { Store } from "./connect.js";

export type { Migration };

export interface MigrationReport {
  readonly module: string;
  /** Names of the migrations applied by this call, in order. */
  readonly applied: readonly string[];
}

/**
 * Brings a module's tables up to date. Migration names sort in the order they run
 * (use a numeric prefix: `0001_create_incidents`). Safe to call on every open.
 */
export async function migrate(
  store: Store,
  module: string,
  migrations: Readonly<Record<string, Migration>>,
): Promise<MigrationReport> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(module)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `invalid migration module name "${module}"`);
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableName: `mlsec_migrations_${module}`,
    migrationLockTableName: `mlsec_migrations_${module}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new MlsecError(
      "E_STORE",
      `migrating the ${module} tables in ${store.location} failed: ${(error as Error).message}`,
      { cause: error, hint: "The store may be from a newer mlsec, or a migration was edited." },
    );
  }
  return {
    module,
    applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}
