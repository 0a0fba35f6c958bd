// Persistence of TAXII collections, object versions and status resources in the shared store
// (TAXII 2.1 §5: collections, objects, manifest, versions; §4.3 status).
import { randomUUID } from "node:crypto";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import { migrate, type Store } from "../../store/index.js";
import { objectProblem } from "../stix/parse.js";
import { KNOWN_TYPES, SCO_TYPES, type StixObject } from "../stix/types.js";
import type { TaxiiConfig } from "./config.js";
import { type TaxiiDatabase, type TaxiiObjectsTable, taxiiMigrations } from "./migrations.js";
import { fromMicros, microsOf, normalizeTimestamp } from "./timestamps.js";

export interface AddOutcome {
  readonly successes: { id: string; version: string; message?: string }[];
  readonly failures: { id: string; version: string; message: string }[];
}

export interface ObjectQuery {
  readonly addedAfter?: string;
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  /** "last" (default), "first", "all", or explicit version timestamps. */
  readonly versions?: readonly string[];
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly next?: string;
}

export interface ObjectPage {
  readonly rows: Pick<TaxiiObjectsTable, "object_id" | "version" | "date_added" | "body">[];
  readonly more: boolean;
  readonly next?: string;
}

type Q = SelectQueryBuilder<TaxiiDatabase, "taxii_objects", object>;

export function encodeCursor(dateAdded: string, seq: number): string {
  return Buffer.from(JSON.stringify([dateAdded, seq])).toString("base64url");
}

export function decodeCursor(token: string): [string, number] | undefined {
  if (token.length > 200) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === "string" &&
      normalizeTimestamp(v[0]) === v[0] &&
      Number.isSafeInteger(v[1])
    ) {
      return [v[0], v[1] as number];
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return undefined;
}

export class TaxiiRepository {
  private readonly db: Kysely<TaxiiDatabase>;

  private constructor(
    readonly store: Store,
    private readonly now: () => Date,
  ) {
    this.db = store.db as Kysely<TaxiiDatabase>;
  }

  static async open(
    store: Store,
    config: TaxiiConfig,
    now: () => Date = () => new Date(),
  ): Promise<TaxiiRepository> {
    await migrate(store, "taxii", taxiiMigrations(store.dialect));
    const repo = new TaxiiRepository(store, now);
    for (const root of config.apiRoots) {
      for (const c of root.collections) {
        const row = {
          id: c.id,
          api_root: root.name,
          title: c.title,
          description: c.description ?? null,
          alias: c.alias ?? null,
        };
        await repo.db
          .insertInto("taxii_collections")
          .values(row)
          .onConflict((oc) => oc.column("id").doUpdateSet(row))
          .execute();
      }
    }
    return repo;
  }

  async collection(apiRoot: string, id: string) {
    return this.db
      .selectFrom("taxii_collections")
      .selectAll()
      .where("api_root", "=", apiRoot)
      .where((eb) => eb.or([eb("id", "=", id), eb("alias", "=", id)]))
      .executeTakeFirst();
  }

  async collections(apiRoot: string) {
    return this.db
      .selectFrom("taxii_collections")
      .selectAll()
      .where("api_root", "=", apiRoot)
      .orderBy("id")
      .execute();
  }

  /** Stores a batch; each object succeeds or fails on its own (TAXII 2.1 §5.5 status). */
  async addObjects(
    collectionId: string,
    objects: readonly unknown[],
    unknownTypes: "keep" | "reject",
  ): Promise<AddOutcome> {
    const successes: AddOutcome["successes"] = [];
    const failures: AddOutcome["failures"] = [];
    await this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom("taxii_objects")
        .select((eb) => eb.fn.max("date_added").as("last"))
        .where("collection_id", "=", collectionId)
        .executeTakeFirst();
      let us = BigInt(this.now().getTime()) * 1000n;
      if (last?.last) us = us > microsOf(last.last) ? us : microsOf(last.last) + 1n;
      for (const value of objects) {
        const o = value as StixObject;
        const id = typeof o?.id === "string" ? o.id.slice(0, 300) : "";
        const rawVersion = String(o?.modified ?? o?.created ?? "");
        const problem = objectProblem(value, SCO_TYPES);
        if (problem) {
          failures.push({ id, version: rawVersion, message: problem });
          continue;
        }
        if (!KNOWN_TYPES.has(o.type) && unknownTypes === "reject") {
          failures.push({ id, version: rawVersion, message: `unknown object type ${o.type}` });
          continue;
        }
        const dateAdded = fromMicros(us);
        us += 1n;
        const version =
          normalizeTimestamp(String(o.modified ?? "")) ??
          normalizeTimestamp(String(o.created ?? "")) ??
          dateAdded;
        const r = await trx
          .insertInto("taxii_objects")
          .values({
            collection_id: collectionId,
            object_id: o.id,
            object_type: o.type,
            version,
            spec_version: "2.1",
            date_added: dateAdded,
            body: JSON.stringify(o),
          })
          .onConflict((oc) => oc.columns(["collection_id", "object_id", "version"]).doNothing())
          .executeTakeFirst();
        const inserted = Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
        successes.push(
          inserted
            ? { id: o.id, version }
            : { id: o.id, version, message: "version already present" },
        );
      }
    });
    return { successes, failures };
  }

  private filtered(collectionId: string, q: Omit<ObjectQuery, "limit" | "next">): Q {
    let query = this.db
      .selectFrom("taxii_objects")
      .where("taxii_objects.collection_id", "=", collectionId) as Q;
    if (q.addedAfter) query = query.where("date_added", ">", q.addedAfter);
    if (q.ids && q.ids.length > 0) query = query.where("object_id", "in", [...q.ids]);
    if (q.types && q.types.length > 0) query = query.where("object_type", "in", [...q.types]);
    const versions = q.versions ?? ["last"];
    if (!versions.includes("all")) {
      const stamps = versions.filter((v) => v !== "first" && v !== "last");
      query = query.where((eb) => {
        const ors = [];
        for (const pick of ["first", "last"] as const) {
          if (!versions.includes(pick)) continue;
          const agg = pick === "last" ? sql`max(t2.version)` : sql`min(t2.version)`;
          ors.push(
            eb(
              "version",
              "=",
              sql<string>`(select ${agg} from taxii_objects t2 where t2.collection_id = taxii_objects.collection_id and t2.object_id = taxii_objects.object_id)`,
            ),
          );
        }
        if (stamps.length > 0) ors.push(eb("version", "in", stamps));
        return eb.or(ors);
      });
    }
    return query;
  }

  async objects(collectionId: string, q: ObjectQuery): Promise<ObjectPage> {
    let query = this.filtered(collectionId, q);
    const cursor = q.next ? decodeCursor(q.next) : undefined;
    if (cursor) {
      const [d, s] = cursor;
      query = query.where((eb) =>
        eb.or([eb("date_added", ">", d), eb.and([eb("date_added", "=", d), eb("seq", ">", s)])]),
      );
    }
    const rows = await query
      .select(["seq", "object_id", "version", "date_added", "body"])
      .orderBy("date_added")
      .orderBy("seq")
      .limit(q.limit + 1)
      .execute();
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const lastRow = page.at(-1);
    return {
      rows: page,
      more,
      ...(more && lastRow ? { next: encodeCursor(lastRow.date_added, Number(lastRow.seq)) } : {}),
    };
  }

  /**
   * Deletes the versions of one object that `versions` selects (TAXII 2.1 §5.7; every version
   * when no `match[version]` is given); returns how many rows went.
   */
  async deleteObject(
    collectionId: string,
    objectId: string,
    versions: readonly string[] = ["all"],
  ): Promise<number> {
    const doomed = this.filtered(collectionId, { ids: [objectId], versions }).select("seq");
    const r = await this.db
      .deleteFrom("taxii_objects")
      .where("seq", "in", doomed)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async versions(collectionId: string, objectId: string, addedAfter?: string): Promise<string[]> {
    let query = this.db
      .selectFrom("taxii_objects")
      .select("version")
      .where("collection_id", "=", collectionId)
      .where("object_id", "=", objectId);
    if (addedAfter) query = query.where("date_added", ">", addedAfter);
    const rows = await query.orderBy("version").execute();
    return rows.map((r) => r.version);
  }

  async putStatus(apiRoot: string, principal: string, body: Record<string, unknown>) {
    const id = randomUUID();
    const created = this.now().toISOString();
    const status = { id, ...body, request_timestamp: created };
    await this.db
      .insertInto("taxii_status")
      .values({ id, api_root: apiRoot, principal, created, body: JSON.stringify(status) })
      .execute();
    return status;
  }

  async status(apiRoot: string, principal: string, id: string) {
    const row = await this.db
      .selectFrom("taxii_status")
      .select("body")
      .where("id", "=", id)
      .where("api_root", "=", apiRoot)
      .where("principal", "=", principal)
      .executeTakeFirst();
    return row ? (JSON.parse(row.body) as Record<string, unknown>) : undefined;
  }
}
