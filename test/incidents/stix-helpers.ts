// Validation of STIX objects against the official OASIS STIX 2.1 JSON schemas (draft 2020-12,
// ../shared/data/stix2-schemas, BSD-3-Clause) with Ajv, plus the checks the schemas cannot make.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Incident, StixObject } from "../../src/incidents/index.js";
import { sharedDataPath } from "../helpers/shared-data.js";

export const SCHEMA_DIR = sharedDataPath("stix2-schemas");
const BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas";

const DIR_OF: Record<string, string> = {
  relationship: "sros",
  sighting: "sros",
  "marking-definition": "common",
  bundle: "common",
};

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

export function stixValidator(type: string): ValidateFunction {
  if (!SCHEMA_DIR) throw new Error("schemas absent");
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    for (const dir of ["common", "observables", "sdos", "sros"]) {
      for (const f of readdirSync(join(SCHEMA_DIR, dir))) {
        ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, dir, f), "utf8")));
      }
    }
  }
  const dir =
    DIR_OF[type] ??
    (["file", "ipv4-addr", "domain-name", "url"].includes(type) ? "observables" : "sdos");
  const id = `${BASE}/${dir}/${type}.json`;
  let v = cache.get(id);
  if (!v) {
    v = ajv.getSchema(id);
    if (!v) throw new Error(`no schema for ${type}`);
    cache.set(id, v);
  }
  return v;
}

/** Schema errors of one object, as readable strings (empty when valid). */
export function schemaErrors(o: StixObject): string[] {
  const v = stixValidator(o.type);
  const id = o.id;
  return v(o) ? [] : (v.errors ?? []).map((e) => `${id} ${e.instancePath} ${e.message}`);
}

export const SAMPLE: Incident = {
  id: "incident--4b7a3c1e-2f0d-4e8a-9c6b-1d2e3f4a5b6c",
  title: "Pickle payload in fraud model",
  description: "A model file from a partner carried a reverse shell in its pickle stream.",
  status: "contained",
  severity: "high",
  tlp: "green",
  occurredAt: "2026-03-01T08:00:00.000Z",
  detectedAt: "2026-03-01T09:30:00.000Z",
  detectionSource: "mlsec scan",
  impact: "The fraud model was served for 90 minutes before rollback.",
  reporter: "Example Bank",
  models: [{ name: "fraud-detector", version: "3" }],
  techniques: ["AML.T0010.001", "AML.T0011"],
  indicators: [
    {
      kind: "file-sha256",
      value: "9f86d081884c7d659a2feae0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
    { kind: "ipv4", value: "198.51.100.3", description: "callback host" },
    { kind: "client-fingerprint", value: "ja4:t13d1516h2_8daaf6152771" },
  ],
  mitigations: ["AML.M0014", "Load models only with safetensors"],
  created: "2026-03-01T10:00:00.000Z",
  modified: "2026-03-02T11:00:00.000Z",
};
