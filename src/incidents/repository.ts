// Incident persistence over the shared store (SQLite or PostgreSQL through Kysely).
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { MlsecError } from "../core/index.js";
import { migrate, type Store } from "../store/index.js";
import { INCIDENT_MIGRATIONS, type IncidentsDatabase } from "./migrations.js";
import {
  type Incident,
  type IncidentInput,
  type IncidentPatch,
  type IncidentStatus,
  incidentInputSchema,
  incidentPatchSchema,
  incidentSchema,
  parseOrThrow,
  type Tlp,
  tlpRank,
} from "./model.js";

export interface ListQuery {
  readonly status?: IncidentStatus;
  /** Only incidents whose TLP is at most this level. */
  readonly maxTlp?: Tlp;
  readonly limit?: number;
}

export class IncidentRepository {
  private readonly db: Kysely<IncidentsDatabase>;

  private constructor(
    readonly store: Store,
    private readonly now: () => Date,
  ) {
    this.db = store.db as Kysely<IncidentsDatabase>;
  }

  /** Opens the repository and brings its tables up to date. */
  static async open(store: Store, now: () => Date = () => new Date()): Promise<IncidentRepository> {
    await migrate(store, "incidents", INCIDENT_MIGRATIONS);
    return new IncidentRepository(store, now);
  }

  async create(input: IncidentInput, id: string = `incident--${randomUUID()}`): Promise<Incident> {
    const fields = parseOrThrow(incidentInputSchema, input, "incident");
    const stamp = this.now().toISOString();
    const incident = parseOrThrow(
      incidentSchema,
      { ...fields, id, created: stamp, modified: stamp },
      "incident",
    );
    await this.insert(incident);
    return incident;
  }

  /** Stores a complete record as is (import); fails if the ID exists. */
  async insert(incident: Incident): Promise<void> {
    const record = parseOrThrow(incidentSchema, incident, "incident");
    if (await this.find(record.id)) {
      throw new MlsecError("E_INVALID_ARGUMENT", `incident ${record.id} already exists`);
    }
    await this.db.insertInto("incidents").values(row(record)).execute();
  }

  /**
   * Stores an incoming version (import, TAXII pull): new IDs are inserted, newer versions
   * (later `modified`, STIX 2.1 §3.6) replace older ones, older or equal versions are ignored.
   */
  async upsert(incident: Incident): Promise<"inserted" | "updated" | "unchanged"> {
    const record = parseOrThrow(incidentSchema, incident, "incident");
    const current = await this.find(record.id);
    if (!current) {
      await this.db.insertInto("incidents").values(row(record)).execute();
      return "inserted";
    }
    if (Date.parse(record.modified) <= Date.parse(current.modified)) return "unchanged";
    await this.replace(record);
    return "updated";
  }

  async find(id: string): Promise<Incident | undefined> {
    const r = await this.db
      .selectFrom("incidents")
      .select("body")
      .where("id", "=", id)
      .executeTakeFirst();
    return r ? (JSON.parse(r.body) as Incident) : undefined;
  }

  async get(id: string): Promise<Incident> {
    const incident = await this.find(id);
    if (!incident) {
      throw new MlsecError("E_NOT_FOUND", `no incident has the ID ${id}`, { details: { id } });
    }
    return incident;
  }

  async list(query: ListQuery = {}): Promise<Incident[]> {
    let q = this.db.selectFrom("incidents").select("body").orderBy("created", "desc");
    q = q.orderBy("id");
    if (query.status) q = q.where("status", "=", query.status);
    if (query.maxTlp) {
      const allowed = ["clear", "green", "amber", "amber+strict", "red"].filter(
        (t) => tlpRank(t as Tlp) <= tlpRank(query.maxTlp as Tlp),
      );
      q = q.where("tlp", "in", allowed);
    }
    if (query.limit !== undefined) q = q.limit(query.limit);
    const rows = await q.execute();
    return rows.map((r) => JSON.parse(r.body) as Incident);
  }

  async update(id: string, patch: IncidentPatch): Promise<Incident> {
    const p = parseOrThrow(incidentPatchSchema, patch, "incident update");
    const current = await this.get(id);
    const { addModels, addTechniques, addIndicators, addMitigations, ...scalars } = p;
    const defined = Object.fromEntries(Object.entries(scalars).filter(([, v]) => v !== undefined));
    const next: Incident = {
      ...current,
      ...defined,
      models: dedupe([...current.models, ...(addModels ?? [])]),
      techniques: dedupe([...current.techniques, ...(addTechniques ?? [])]),
      indicators: dedupe([...current.indicators, ...(addIndicators ?? [])]),
      mitigations: dedupe([...current.mitigations, ...(addMitigations ?? [])]),
      modified: this.nextModified(current.modified),
    };
    if (next.status !== "closed") delete next.closedAt;
    else next.closedAt ??= next.modified;
    return this.replace(next);
  }

  async close(id: string, resolution?: string): Promise<Incident> {
    const current = await this.get(id);
    const modified = this.nextModified(current.modified);
    const impact =
      resolution === undefined
        ? current.impact
        : [current.impact, `Resolution: ${resolution}`].filter(Boolean).join("\n");
    return this.replace({
      ...current,
      ...(impact === undefined ? {} : { impact }),
      status: "closed",
      closedAt: modified,
      modified,
    });
  }

  private async replace(incident: Incident): Promise<Incident> {
    const record = parseOrThrow(incidentSchema, incident, "incident");
    await this.db.updateTable("incidents").set(row(record)).where("id", "=", record.id).execute();
    return record;
  }

  /** The `added_after` to send on the next pull from this server's collection. */
  async pullCursor(server: string, collection: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom("share_state")
      .select("added_after")
      .where("server", "=", server)
      .where("collection", "=", collection)
      .executeTakeFirst();
    return r?.added_after;
  }

  async savePullCursor(server: string, collection: string, addedAfter: string): Promise<void> {
    const row = { server, collection, added_after: addedAfter, updated: this.now().toISOString() };
    await this.db
      .insertInto("share_state")
      .values(row)
      .onConflict((oc) => oc.columns(["server", "collection"]).doUpdateSet(row))
      .execute();
  }

  /** STIX versions must increase strictly: never reuse or go below the previous `modified`. */
  private nextModified(previous: string): string {
    const now = this.now().getTime();
    const prev = Date.parse(previous);
    return new Date(Math.max(now, prev + 1)).toISOString();
  }
}

function row(i: Incident) {
  return {
    id: i.id,
    title: i.title,
    status: i.status,
    severity: i.severity,
    tlp: i.tlp,
    created: i.created,
    modified: i.modified,
    body: JSON.stringify(i),
  };
}

function dedupe<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
