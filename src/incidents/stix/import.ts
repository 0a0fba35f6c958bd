// STIX 2.1 bundle -> incident records: the inverse of export.ts for mlsec bundles, and a
// best-effort reading of other producers' incidents (relationships to ATLAS attack-patterns,
// indicators with simple comparison patterns, courses of action).
import { schemaIssueLines } from "../../core/index.js";
import { ATLAS_MITIGATIONS, ATLAS_TECHNIQUES } from "../atlas-table.js";
import {
  INCIDENT_STATUSES,
  type Incident,
  type Indicator,
  incidentSchema,
  type ModelRef,
  modelRefSchema,
  SEVERITIES,
} from "../model.js";
import { objectProblem } from "./parse.js";
import { tlpOf } from "./tlp.js";
import { ATLAS_SOURCE, KNOWN_TYPES, SCO_TYPES, type StixBundle, type StixObject } from "./types.js";

export interface ImportOptions {
  /** Keep objects of types mlsec does not know (default) or reject them. */
  readonly keepUnknown?: boolean;
}

export interface ImportResult {
  readonly incidents: Incident[];
  /** Every acceptable object (the latest version of each ID). */
  readonly objects: StixObject[];
  readonly rejected: { index: number; id?: string; reason: string }[];
  /** IDs of kept objects of unknown types. */
  readonly unknown: string[];
  /** Incident fields that could not be read (an unknown ATLAS ID, an odd pattern). */
  readonly notes: string[];
}

// The comparison patterns export.ts writes (STIX 2.1 §9): one observation, one comparison.
const PATTERNS: readonly [RegExp, Indicator["kind"]][] = [
  [/^\[file:hashes\.'SHA-256' = '([0-9a-fA-F]{64})'\]$/, "file-sha256"],
  [/^\[file:hashes\.'SHA-1' = '([0-9a-fA-F]{40})'\]$/, "file-sha1"],
  [/^\[file:hashes\.(?:MD5|'MD5') = '([0-9a-fA-F]{32})'\]$/, "file-md5"],
  [/^\[ipv4-addr:value = '([^'\\]+)'\]$/, "ipv4"],
  [/^\[domain-name:value = '([^'\\]+)'\]$/, "domain"],
  [/^\[url:value = '([^'\\]+)'\]$/, "url"],
  [/^\[x-mlsec-client:fingerprint = '([^'\\]+)'\]$/, "client-fingerprint"],
];

export function indicatorFromPattern(pattern: string): Indicator | undefined {
  for (const [re, kind] of PATTERNS) {
    const m = re.exec(pattern.trim());
    if (m) return { kind, value: kind.startsWith("file-") ? m[1]!.toLowerCase() : m[1]! };
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function atlasId(o: StixObject | undefined): string | undefined {
  const refs = o?.external_references;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (r && typeof r === "object" && (r as Record<string, unknown>).source_name === ATLAS_SOURCE) {
      const id = (r as Record<string, unknown>).external_id;
      if (typeof id === "string") return id;
    }
  }
  return undefined;
}

export function importBundle(bundle: StixBundle, options: ImportOptions = {}): ImportResult {
  const keepUnknown = options.keepUnknown ?? true;
  const rejected: ImportResult["rejected"] = [];
  const unknown: string[] = [];
  const notes: string[] = [];
  const byId = new Map<string, StixObject>();
  const indexOf = new Map<StixObject, number>();
  bundle.objects.forEach((value, index) => {
    const problem = objectProblem(value, SCO_TYPES);
    const id = typeof (value as StixObject)?.id === "string" ? (value as StixObject).id : undefined;
    if (problem) {
      rejected.push({ index, ...(id ? { id } : {}), reason: problem });
      return;
    }
    const o = value as StixObject;
    if (!KNOWN_TYPES.has(o.type)) {
      if (!keepUnknown) {
        rejected.push({ index, id: o.id, reason: `unknown object type ${o.type}` });
        return;
      }
      unknown.push(o.id);
    }
    const prev = byId.get(o.id);
    if (!prev || String(o.modified ?? "") > String(prev.modified ?? "")) {
      byId.set(o.id, o);
      indexOf.set(o, index);
    }
  });

  const relsFrom = new Map<string, StixObject[]>();
  const relsTo = new Map<string, StixObject[]>();
  for (const o of byId.values()) {
    if (o.type !== "relationship") continue;
    const s = str(o.source_ref);
    const t = str(o.target_ref);
    // Append in place: a hostile bundle may hang many relationships on one object.
    if (s) {
      const from = relsFrom.get(s);
      if (from) from.push(o);
      else relsFrom.set(s, [o]);
    }
    if (t) {
      const to = relsTo.get(t);
      if (to) to.push(o);
      else relsTo.set(t, [o]);
    }
  }

  const incidents: Incident[] = [];
  for (const o of byId.values()) {
    if (o.type !== "incident") continue;
    const techniques: string[] = [];
    const models: ModelRef[] = [];
    for (const r of relsFrom.get(o.id) ?? []) {
      const target = byId.get(String(r.target_ref));
      if (target?.type === "attack-pattern") {
        const id = atlasId(target);
        if (id && ATLAS_TECHNIQUES.has(id)) techniques.push(id);
        else notes.push(`${o.id}: attack-pattern ${target.id} has no known ATLAS technique ID`);
      } else if (target?.type === "vulnerability") {
        const m = modelRefSchema.safeParse(target.x_mlsec_model);
        if (m.success) models.push(m.data);
      }
    }
    const indicators: Indicator[] = [];
    const mitigations: string[] = [];
    for (const r of relsTo.get(o.id) ?? []) {
      const source = byId.get(String(r.source_ref));
      if (source?.type === "indicator" && r.relationship_type === "indicates") {
        const ind =
          typeof source.pattern === "string" ? indicatorFromPattern(source.pattern) : undefined;
        if (ind) {
          const description = str(source.description);
          indicators.push(description ? { ...ind, description } : ind);
        } else notes.push(`${o.id}: indicator ${source.id} has a pattern mlsec does not map`);
      } else if (source?.type === "course-of-action" && r.relationship_type === "mitigates") {
        const id = atlasId(source);
        if (id && ATLAS_MITIGATIONS.has(id)) mitigations.push(id);
        else {
          const text = str(source.description) ?? str(source.name);
          if (text) mitigations.push(text);
        }
      }
    }
    const reporter = str(byId.get(String(o.created_by_ref))?.name);
    const status = INCIDENT_STATUSES.find((s) => s === o.x_mlsec_status);
    const severity = SEVERITIES.find((s) => s === o.x_mlsec_severity);
    const candidate = Object.fromEntries(
      Object.entries({
        id: o.id,
        title: str(o.name)?.slice(0, 300) ?? "(untitled incident)",
        description: str(o.description),
        status: status ?? "open",
        severity: severity ?? "medium",
        tlp: tlpOf(o.object_marking_refs) ?? "amber",
        occurredAt: str(o.x_mlsec_occurred_at),
        detectedAt: str(o.x_mlsec_detected_at),
        detectionSource: str(o.x_mlsec_detection_source),
        impact: str(o.x_mlsec_impact),
        reporter,
        closedAt: str(o.x_mlsec_closed_at),
        created: o.created,
        modified: o.modified,
        models,
        techniques: [...new Set(techniques)].sort(),
        indicators,
        mitigations: [...new Set(mitigations)],
      }).filter(([, v]) => v !== undefined),
    );
    const parsed = incidentSchema.safeParse(candidate);
    if (parsed.success) incidents.push(parsed.data);
    else {
      const why = schemaIssueLines(parsed.error.issues).join("; ");
      rejected.push({
        index: indexOf.get(o) ?? -1,
        id: o.id,
        reason: `incident fields: ${why}`,
      });
    }
  }
  incidents.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { incidents, objects: [...byId.values()], rejected, unknown, notes };
}
