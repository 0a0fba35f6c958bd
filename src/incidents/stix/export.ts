// Incidents -> STIX 2.1 bundle (OASIS STIX Version 2.1, CS/OS 2021: §4 SDOs, §5 SROs, §6 SCOs,
// §7 marking definitions, §9 patterning). Deterministic: the same records give the same bytes.
import { ATLAS_DATA_AS_OF, ATLAS_MITIGATIONS, ATLAS_TECHNIQUES } from "../atlas-table.js";
import type { Incident, Indicator, Tlp } from "../model.js";
import { tlpRank } from "../model.js";
import { TLP2_MARKING_IDS, tlpMarking } from "./tlp.js";
import { ATLAS_SOURCE, type StixBundle, type StixObject } from "./types.js";
import { scoId, stableId } from "./uuid.js";

export interface ExportOptions {
  /** The producing organisation when an incident has no `reporter`. */
  readonly organisation?: string;
}

/** STIX pattern and observable for each indicator kind (STIX 2.1 §9, §6). */
export function indicatorPattern(i: Indicator): { pattern: string; sco?: StixObject } {
  // Values are checked by the model's regexes (no quotes or backslashes can reach here), and
  // are escaped anyway as STIX patterning §9.2 requires for string literals.
  const v = i.value.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  const hash = (alg: string) => {
    const sco = { type: "file", hashes: { [alg]: i.value } };
    return {
      pattern: `[file:hashes.${alg === "MD5" ? "MD5" : `'${alg}'`} = '${v}']`,
      sco: { ...sco, spec_version: "2.1", id: scoId("file", { hashes: sco.hashes }) },
    };
  };
  const value = (type: string) => ({
    pattern: `[${type}:value = '${v}']`,
    sco: { type, spec_version: "2.1", id: scoId(type, { value: i.value }), value: i.value },
  });
  switch (i.kind) {
    case "file-sha256":
      return hash("SHA-256");
    case "file-sha1":
      return hash("SHA-1");
    case "file-md5":
      return hash("MD5");
    case "ipv4":
      return value("ipv4-addr");
    case "domain":
      return value("domain-name");
    case "url":
      return value("url");
    case "client-fingerprint":
      // A custom observable type (STIX 2.1 §11): there is no standard one for API clients.
      return { pattern: `[x-mlsec-client:fingerprint = '${v}']` };
  }
}

function atlasTechniqueRef(id: string) {
  return {
    source_name: ATLAS_SOURCE,
    external_id: id,
    url: `https://atlas.mitre.org/techniques/${id}`,
  };
}

/** Builds one bundle holding every object of the given incidents, each once. */
export function exportBundle(
  incidents: readonly Incident[],
  options: ExportOptions = {},
): StixBundle {
  const objects = new Map<string, StixObject>();
  const identityTlp = new Map<string, Tlp>();
  const add = (o: StixObject) => {
    if (!objects.has(o.id)) objects.set(o.id, o);
  };
  const mark = (tlp: Tlp) => [TLP2_MARKING_IDS[tlp]];
  const rel = (source: string, type: string, target: string, i: Incident): StixObject => ({
    type: "relationship",
    spec_version: "2.1",
    id: stableId("relationship", `${source}|${type}|${target}`),
    created: i.created,
    modified: i.modified,
    relationship_type: type,
    source_ref: source,
    target_ref: target,
    object_marking_refs: mark(i.tlp),
  });

  for (const i of [...incidents].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const refs: string[] = [];
    const push = (o: StixObject) => {
      add(o);
      refs.push(o.id);
    };
    const orgName = i.reporter ?? options.organisation ?? "mlsec user";
    const identityId = stableId("identity", orgName);
    const prevTlp = identityTlp.get(identityId);
    if (prevTlp === undefined || tlpRank(i.tlp) < tlpRank(prevTlp))
      identityTlp.set(identityId, i.tlp);
    const earliest = objects.get(identityId)?.created;
    objects.set(identityId, {
      type: "identity",
      spec_version: "2.1",
      id: identityId,
      created: earliest && earliest < i.created ? earliest : i.created,
      modified: earliest && earliest < i.created ? earliest : i.created,
      name: orgName,
      identity_class: "organization",
    });
    refs.push(identityId);

    const custom = Object.fromEntries(
      Object.entries({
        x_mlsec_status: i.status,
        x_mlsec_severity: i.severity,
        x_mlsec_impact: i.impact,
        x_mlsec_detection_source: i.detectionSource,
        x_mlsec_occurred_at: i.occurredAt,
        x_mlsec_detected_at: i.detectedAt,
        x_mlsec_closed_at: i.closedAt,
      }).filter(([, v]) => v !== undefined),
    );
    push({
      type: "incident",
      spec_version: "2.1",
      id: i.id,
      created: i.created,
      modified: i.modified,
      created_by_ref: identityId,
      name: i.title,
      ...(i.description ? { description: i.description } : {}),
      ...custom,
      object_marking_refs: mark(i.tlp),
    });

    for (const t of i.techniques) {
      const ap: StixObject = {
        type: "attack-pattern",
        spec_version: "2.1",
        id: stableId("attack-pattern", t),
        created: ATLAS_DATA_AS_OF,
        modified: ATLAS_DATA_AS_OF,
        name: ATLAS_TECHNIQUES.get(t) ?? t,
        external_references: [atlasTechniqueRef(t)],
        object_marking_refs: mark("clear"),
      };
      push(ap);
      push(rel(i.id, "uses", ap.id, i));
    }

    for (const m of i.models) {
      const label = m.version ? `${m.name}@${m.version}` : m.name;
      push({
        type: "vulnerability",
        spec_version: "2.1",
        id: stableId("vulnerability", `${i.id}|${label}`),
        created: i.created,
        modified: i.modified,
        created_by_ref: identityId,
        name: `${label}: ${i.title}`.slice(0, 300),
        description: `Model ${label}${m.sha256 ? ` (sha256 ${m.sha256})` : ""} affected by ${i.id}.`,
        x_mlsec_model: m,
        object_marking_refs: mark(i.tlp),
      });
      push(rel(i.id, "related-to", stableId("vulnerability", `${i.id}|${label}`), i));
    }

    for (const ind of i.indicators) {
      const { pattern, sco } = indicatorPattern(ind);
      const indicatorId = stableId("indicator", `${i.id}|${pattern}`);
      push({
        type: "indicator",
        spec_version: "2.1",
        id: indicatorId,
        created: i.created,
        modified: i.modified,
        created_by_ref: identityId,
        name: `${ind.kind} ${ind.value}`.slice(0, 300),
        ...(ind.description ? { description: ind.description } : {}),
        indicator_types: ["malicious-activity"],
        pattern,
        pattern_type: "stix",
        pattern_version: "2.1",
        valid_from: i.occurredAt ?? i.created,
        object_marking_refs: mark(i.tlp),
      });
      push(rel(indicatorId, "indicates", i.id, i));
      if (sco) {
        push({ ...sco, object_marking_refs: mark(i.tlp) });
        const seen = i.detectedAt ?? i.occurredAt ?? i.created;
        const observedId = stableId("observed-data", `${i.id}|${sco.id}`);
        push({
          type: "observed-data",
          spec_version: "2.1",
          id: observedId,
          created: i.created,
          modified: i.modified,
          created_by_ref: identityId,
          first_observed: seen,
          last_observed: seen,
          number_observed: 1,
          object_refs: [sco.id],
          object_marking_refs: mark(i.tlp),
        });
        push({
          type: "sighting",
          spec_version: "2.1",
          id: stableId("sighting", `${indicatorId}|${observedId}`),
          created: i.created,
          modified: i.modified,
          created_by_ref: identityId,
          sighting_of_ref: indicatorId,
          observed_data_refs: [observedId],
          where_sighted_refs: [identityId],
          count: 1,
          object_marking_refs: mark(i.tlp),
        });
      }
    }

    for (const m of i.mitigations) {
      const atlas = ATLAS_MITIGATIONS.get(m);
      const coa: StixObject = atlas
        ? {
            type: "course-of-action",
            spec_version: "2.1",
            id: stableId("course-of-action", m),
            created: ATLAS_DATA_AS_OF,
            modified: ATLAS_DATA_AS_OF,
            name: atlas,
            external_references: [
              {
                source_name: ATLAS_SOURCE,
                external_id: m,
                url: `https://atlas.mitre.org/mitigations/${m}`,
              },
            ],
            object_marking_refs: mark("clear"),
          }
        : {
            type: "course-of-action",
            spec_version: "2.1",
            id: stableId("course-of-action", `${i.id}|${m}`),
            created: i.created,
            modified: i.modified,
            created_by_ref: identityId,
            name: m.length > 120 ? `${m.slice(0, 117)}...` : m,
            description: m,
            object_marking_refs: mark(i.tlp),
          };
      push(coa);
      push(rel(coa.id, "mitigates", i.id, i));
    }

    const markingIds = new Set<string>([TLP2_MARKING_IDS[i.tlp]]);
    for (const id of refs) {
      for (const m of (objects.get(id)?.object_marking_refs ?? []) as string[]) markingIds.add(m);
    }
    push({
      type: "report",
      spec_version: "2.1",
      id: stableId("report", i.id),
      created: i.created,
      modified: i.modified,
      created_by_ref: identityId,
      name: `Incident report: ${i.title}`.slice(0, 300),
      report_types: ["threat-report"],
      published: i.modified,
      object_refs: [...new Set([...refs, ...markingIds])],
      object_marking_refs: mark(i.tlp),
    });
  }

  for (const [id, tlp] of identityTlp) {
    const o = objects.get(id)!;
    objects.set(id, { ...o, object_marking_refs: [TLP2_MARKING_IDS[tlp]] });
  }
  const used = new Set<Tlp>();
  for (const o of objects.values()) {
    for (const ref of o.object_marking_refs ?? []) {
      const tlp = (Object.keys(TLP2_MARKING_IDS) as Tlp[]).find((t) => TLP2_MARKING_IDS[t] === ref);
      if (tlp) used.add(tlp);
    }
  }
  const all: StixObject[] = [
    ...[...used].sort((a, b) => tlpRank(a) - tlpRank(b)).map(tlpMarking),
    ...[...objects.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  ];
  const bundleKey = all.map((o) => `${o.id}@${o.modified ?? ""}`).join(",");
  return { type: "bundle", id: stableId("bundle", bundleKey), objects: all };
}
