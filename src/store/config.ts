// Store configuration: `--store URL`, else $MLSEC_STORE, else ./.mlsec/mlsec.db (SQLite).
import { resolve } from "node:path";
import { MlsecError } from "../core/index.js";

export const DEFAULT_STORE_PATH = ".mlsec/mlsec.db";
export const STORE_ENV = "MLSEC_STORE";

export type StoreConfig =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string; readonly schema?: string };

/**
 * Parses a store location. Accepted forms: `postgres://…` / `postgresql://…` (an optional
 * `?schema=NAME` query parameter selects the schema), `sqlite:PATH`, `:memory:`, or a plain
 * file path (SQLite).
 */
export function parseStoreUrl(value: string, cwd = process.cwd()): StoreConfig {
  const url = value.trim();
  if (url === "") throw new MlsecError("E_INVALID_ARGUMENT", "the store location is empty");
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw new MlsecError("E_INVALID_ARGUMENT", `the store URL is not a valid URL: ${url}`, {
        cause,
      });
    }
    const schema = parsed.searchParams.get("schema") ?? undefined;
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `invalid PostgreSQL schema name "${schema}"`, {
        hint: "Schema names are letters, digits and underscores, starting with a letter.",
      });
    }
    parsed.searchParams.delete("schema");
    return schema === undefined
      ? { kind: "postgres", url: parsed.toString() }
      : { kind: "postgres", url: parsed.toString(), schema };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:\/\//i.test(url)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `unsupported store URL scheme: ${url}`, {
      hint: "Use a SQLite file path (the default) or a postgres:// connection URL.",
    });
  }
  if (url === ":memory:" || url === "sqlite::memory:") return { kind: "sqlite", path: ":memory:" };
  const path = url.replace(/^sqlite:/i, "").replace(/^file:\/\//i, "");
  return { kind: "sqlite", path: resolve(cwd, path) };
}

/** The store the CLI uses: explicit option, then the environment, then the default file. */
export function resolveStoreConfig(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): StoreConfig {
  const value = option ?? env[STORE_ENV] ?? DEFAULT_STORE_PATH;
  return parseStoreUrl(value, cwd);
}

/** A printable location without the password. */
export function describeStore(config: StoreConfig): string {
  if (config.kind === "sqlite") return `sqlite:${config.path}`;
  const u = new URL(config.url);
  if (u.password) u.password = "***";
  return config.schema ? `${u.toString()} (schema ${config.schema})` : u.toString();
}
