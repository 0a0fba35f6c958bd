// Incident records: the fields of issue 14, checked with zod at every boundary (CLI, import).
import { z } from "zod";
import { MlsecError, schemaIssueLines } from "../core/index.js";
import { ATLAS_MITIGATIONS, ATLAS_TECHNIQUES } from "./atlas-table.js";

/** TLP 2.0 levels, least to most restrictive (FIRST TLP 2.0, https://www.first.org/tlp/). */
export const TLP_LEVELS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const INCIDENT_STATUSES = [
  "open",
  "investigating",
  "contained",
  "resolved",
  "closed",
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Indicator kinds and the value syntax each accepts. */
export const INDICATOR_KINDS = {
  "file-sha256": /^[0-9a-f]{64}$/,
  "file-sha1": /^[0-9a-f]{40}$/,
  "file-md5": /^[0-9a-f]{32}$/,
  ipv4: /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(\/\d{1,2})?$/,
  domain: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  url: /^https?:\/\/[^\s'\\]{1,2000}$/,
  "client-fingerprint": /^[A-Za-z0-9._:+/=-]{8,256}$/,
} as const;
export type IndicatorKind = keyof typeof INDICATOR_KINDS;

const ATLAS_TECHNIQUE_ID = /^AML\.T\d{4}(\.\d{3})?$/;
const ATLAS_MITIGATION_ID = /^AML\.M\d{4}$/;
const text = (max: number) => z.string().trim().min(1).max(max);
const timestamp = z.iso.datetime({ offset: false });

export const indicatorSchema = z
  .object({
    kind: z.enum(Object.keys(INDICATOR_KINDS) as [IndicatorKind, ...IndicatorKind[]]),
    value: text(2048),
    description: text(2000).optional(),
  })
  .strict()
  .transform((i) => (i.kind.startsWith("file-") ? { ...i, value: i.value.toLowerCase() } : i))
  .refine((i) => INDICATOR_KINDS[i.kind].test(i.value), {
    message: "indicator value does not match its kind",
  });
export type Indicator = z.infer<typeof indicatorSchema>;

export const modelRefSchema = z
  .object({
    name: text(200),
    version: text(100).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .strict();
export type ModelRef = z.infer<typeof modelRefSchema>;

/** A mitigation: an ATLAS mitigation ID (AML.Mxxxx) or a free-text measure. */
export const mitigationSchema = text(2000).refine(
  (m) => !m.startsWith("AML.") || (ATLAS_MITIGATION_ID.test(m) && ATLAS_MITIGATIONS.has(m)),
  { message: "unknown ATLAS mitigation ID" },
);

export const techniqueSchema = z
  .string()
  .regex(ATLAS_TECHNIQUE_ID, "ATLAS technique IDs look like AML.T0010 or AML.T0010.001")
  .refine((t) => ATLAS_TECHNIQUES.has(t), { message: "unknown ATLAS technique ID" });

/** The incident's own fields; `incidentInputSchema` adds the defaults for new records. */
const fieldShape = {
  title: text(300),
  description: text(20_000).optional(),
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(SEVERITIES),
  tlp: z.enum(TLP_LEVELS),
  occurredAt: timestamp.optional(),
  detectedAt: timestamp.optional(),
  detectionSource: text(500).optional(),
  impact: text(5000).optional(),
  reporter: text(200).optional(),
};

/** What a user supplies to create an incident. */
export const incidentInputSchema = z
  .object({
    ...fieldShape,
    status: fieldShape.status.default("open"),
    severity: fieldShape.severity.default("medium"),
    tlp: fieldShape.tlp.default("amber"),
    models: z.array(modelRefSchema).max(100).default([]),
    techniques: z.array(techniqueSchema).max(200).default([]),
    indicators: z.array(indicatorSchema).max(10_000).default([]),
    mitigations: z.array(mitigationSchema).max(200).default([]),
  })
  .strict();
export type IncidentInput = z.input<typeof incidentInputSchema>;

export const incidentSchema = incidentInputSchema.extend({
  id: z
    .string()
    .regex(/^incident--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  created: timestamp,
  modified: timestamp,
  closedAt: timestamp.optional(),
});
export type Incident = z.infer<typeof incidentSchema>;

/** Fields `update` may change; list fields are replaced, `add*` fields are appended. */
export const incidentPatchSchema = z
  .object(fieldShape)
  .partial()
  .extend({
    addModels: z.array(modelRefSchema).max(100).optional(),
    addTechniques: z.array(techniqueSchema).max(200).optional(),
    addIndicators: z.array(indicatorSchema).max(10_000).optional(),
    addMitigations: z.array(mitigationSchema).max(200).optional(),
  })
  .strict();
export type IncidentPatch = z.input<typeof incidentPatchSchema>;

/** Parses with a zod schema and turns failures into one E_INVALID_ARGUMENT listing every issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string) {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.infer<S>;
  const issues = schemaIssueLines(r.error.issues);
  throw new MlsecError("E_INVALID_ARGUMENT", `invalid ${what}: ${issues.join("; ")}`, {
    details: { issues },
  });
}

export function tlpRank(tlp: Tlp): number {
  return TLP_LEVELS.indexOf(tlp);
}
