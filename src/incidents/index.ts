export {
  ATLAS_MITIGATIONS,
  ATLAS_TACTICS,
  ATLAS_TECHNIQUES,
  ATLAS_VERSION,
} from "./atlas-table.js";
export { type AvidReport, incidentToAvid } from "./avid.js";
export {
  incidentsFromScan,
  parseScanJson,
  type ScanIncident,
  type ScanJson,
  sha256File,
} from "./from-scan.js";
export { INCIDENT_MIGRATIONS, type IncidentsDatabase } from "./migrations.js";
export {
  INCIDENT_STATUSES,
  INDICATOR_KINDS,
  type Incident,
  type IncidentInput,
  type IncidentPatch,
  type IncidentStatus,
  type Indicator,
  type IndicatorKind,
  type ModelRef,
  SEVERITIES,
  type Severity,
  TLP_LEVELS,
  type Tlp,
  tlpRank,
} from "./model.js";
export { IncidentRepository, type ListQuery } from "./repository.js";
export * from "./stix/index.js";
export * from "./taxii/index.js";
