// `mlsec scan --format json` (or `mlsec audit --format json`) results -> incident records: each
// malicious (optionally suspicious) model file becomes one incident with its SHA-256 as
// indicator. Reads the commands' published JSON (schemaVersion 1), not their modules, so they
// evolve apart.
import { statSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { MlsecError, sha256OfFile } from "../core/index.js";
import type { IncidentInput } from "./model.js";
import { parseJsonBounded } from "./stix/parse.js";
import { stableId } from "./stix/uuid.js";

const findingSchema = z.object({
  ruleId: z.string().max(200),
  severity: z.enum(["critical", "high", "medium", "low", "info"]),
  message: z.string().max(5000),
  callable: z.string().max(500).optional(),
});

const scanJsonSchema = z.object({
  schemaVersion: z.literal(1),
  command: z.literal("scan"),
  files: z
    .array(
      z.object({
        path: z.string().min(1).max(4096),
        format: z.string().max(100),
        verdict: z.enum(["malicious", "suspicious", "invalid", "safe"]),
        findings: z.array(findingSchema).max(10_000),
        size: z.number().int().nonnegative().optional(),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
      }),
    )
    .max(1_000_000),
});

/** The part of `mlsec --format json audit` output that says what the scan found in the model. */
const auditJsonSchema = z.object({
  schemaVersion: z.literal(1),
  command: z.literal("audit"),
  model: z.string().min(1).max(4096),
  sections: z.object({
    scan: z
      .object({
        verdict: z.enum(["malicious", "suspicious", "invalid", "safe"]),
        format: z.string().max(100),
        findings: z.array(findingSchema).max(10_000),
      })
      .optional(),
  }),
});

export type ScanJson = z.infer<typeof scanJsonSchema> & { source?: "scan" | "audit" };

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Reads the JSON of `mlsec scan` or `mlsec audit` (its scan section) as a list of scanned files. */
export function parseScanJson(bytes: string | Uint8Array): ScanJson {
  const value = parseJsonBounded(bytes, {
    maxBytes: 256 * 1024 * 1024,
    maxDepth: 32,
    maxObjects: 0,
  });
  const audit = auditJsonSchema.safeParse(value);
  if (audit.success) {
    const { model, sections } = audit.data;
    const size = fileSize(model);
    return {
      schemaVersion: 1,
      command: "scan",
      source: "audit",
      files: sections.scan ? [{ path: model, ...sections.scan, ...(size ? { size } : {}) }] : [],
    };
  }
  const r = scanJsonSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `not the JSON of \`mlsec --format json scan\` or \`audit\`: ${issue?.path.join(".")}: ${issue?.message}`,
      { hint: "Run `mlsec --format json scan PATH > scan.json` and import that file." },
    );
  }
  return { ...r.data, source: "scan" };
}

/** SHA-256 of a file, streamed; undefined when it can no longer be read. */
export async function sha256File(path: string): Promise<string | undefined> {
  try {
    return await sha256OfFile(path);
  } catch {
    return undefined;
  }
}

export interface ScanIncident {
  /** Deterministic (same file content, same ID), so importing a scan twice changes nothing. */
  readonly id: string;
  readonly input: IncidentInput;
}

/** One incident per flagged file; the hash is the scan's, else computed from the file now. */
export async function incidentsFromScan(
  scan: ScanJson,
  options: {
    includeSuspicious?: boolean;
    tlp?: IncidentInput["tlp"];
    hash?: typeof sha256File;
  } = {},
): Promise<ScanIncident[]> {
  const hash = options.hash ?? sha256File;
  const out: ScanIncident[] = [];
  for (const f of scan.files) {
    if (f.verdict !== "malicious" && !(options.includeSuspicious && f.verdict === "suspicious"))
      continue;
    const sha256 = f.sha256 ?? (await hash(f.path));
    const name = basename(f.path);
    const worst = f.findings.some((x) => x.severity === "critical")
      ? "critical"
      : f.verdict === "malicious"
        ? "high"
        : "medium";
    const lines = f.findings
      .filter((x) => x.severity !== "info")
      .slice(0, 50)
      .map(
        (x) => `- [${x.severity}] ${x.ruleId}: ${x.message}${x.callable ? ` (${x.callable})` : ""}`,
      );
    const source = `mlsec ${scan.source ?? "scan"}`;
    const description = [
      `${source} found a ${f.verdict} ${f.format} model file: ${f.path}` +
        (f.size === undefined ? "." : ` (${f.size} bytes).`),
      sha256 && !f.sha256 ? `SHA-256 computed at import time: ${sha256}.` : undefined,
      ...lines,
    ]
      .filter(Boolean)
      .join("\n")
      .slice(0, 20_000);
    out.push({
      id: stableId("incident", `scan|${sha256 ?? f.path}`),
      input: {
        title: `${f.verdict === "malicious" ? "Malicious" : "Suspicious"} model file ${name}`.slice(
          0,
          300,
        ),
        description,
        severity: worst,
        ...(options.tlp ? { tlp: options.tlp } : {}),
        detectionSource: source,
        models: [{ name: name.slice(0, 200), ...(sha256 ? { sha256 } : {}) }],
        // ATLAS: a model from the supply chain that runs code when a user loads it.
        techniques: ["AML.T0010.003", "AML.T0011.000"],
        indicators: sha256
          ? [
              {
                kind: "file-sha256",
                value: sha256,
                description: `${f.format} file flagged ${f.verdict} by ${source}`,
              },
            ]
          : [],
        mitigations: ["AML.M0014"],
      },
    });
  }
  return out;
}
