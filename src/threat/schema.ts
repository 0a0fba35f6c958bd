// The system description a threat model is built from: plain data, validated with zod. The YAML is
// untrusted input, so its size and nesting are bounded before it is parsed (see load.ts).

import { z } from "zod";

export const COMPONENT_KINDS = [
  "data-source",
  "labelling",
  "feature-store",
  "training-pipeline",
  "model-registry",
  "model",
  "serving-endpoint",
  "llm",
  "vector-store",
  "agent-tool",
  "user",
  "client",
] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** Controls a team can declare as in place; each one covers the mitigations that name it. */
export const CONTROLS = [
  "model-scan",
  "artifact-signing",
  "pinned-dependencies",
  "code-lint",
  "adversarial-testing",
  "adversarial-training",
  "input-validation",
  "rate-limiting",
  "query-monitoring",
  "output-minimization",
  "access-control",
  "encryption-at-rest",
  "differential-privacy",
  "membership-audit",
  "pii-anonymization",
  "data-provenance",
  "data-validation",
  "drift-monitoring",
  "prompt-injection-filter",
  "output-filtering",
  "tool-allowlist",
  "human-approval",
  "incident-response",
] as const;
export type Control = (typeof CONTROLS)[number];

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "ids are letters, digits, '_', '.', '-'");

export const componentSchema = z.strictObject({
  id,
  kind: z.enum(COMPONENT_KINDS),
  name: z.string().max(200).optional(),
  exposure: z.enum(["public", "partner", "internal"]).default("internal"),
  /** Data that arrives from outside the organisation (web crawls, user uploads, vendors). */
  untrustedInput: z.boolean().default(false),
  /** agent-tool: the tool changes state (sends mail, writes files, pays) rather than only reading. */
  sideEffects: z.boolean().default(false),
});
export type Component = z.infer<typeof componentSchema>;

export const flowSchema = z.strictObject({
  from: id,
  to: id,
  data: z.string().max(200).optional(),
  crossesTrustBoundary: z.boolean().default(false),
});
export type Flow = z.infer<typeof flowSchema>;

export const assetSchema = z.strictObject({
  name: z.string().min(1).max(200),
  kind: z.enum(["training-data", "model", "predictions", "user-data", "credentials", "other"]),
  sensitivity: z.enum(["low", "medium", "high"]),
});
export type Asset = z.infer<typeof assetSchema>;

export const systemSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    modelType: z.enum(["classifier", "regressor", "vision", "llm", "embedding", "other"]),
    /** The model (or its base) comes from outside: a hub download, a vendor, a pretrained backbone. */
    thirdPartyModel: z.boolean().default(false),
    components: z.array(componentSchema).min(1).max(500),
    flows: z.array(flowSchema).max(2000).default([]),
    assets: z.array(assetSchema).max(500).default([]),
    controls: z.array(z.enum(CONTROLS)).max(CONTROLS.length).default([]),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.components.forEach((c, i) => {
      if (ids.has(c.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["components", i, "id"],
          message: `duplicate id ${c.id}`,
        });
      }
      ids.add(c.id);
    });
    s.flows.forEach((f, i) => {
      for (const end of ["from", "to"] as const) {
        if (!ids.has(f[end])) {
          ctx.addIssue({
            code: "custom",
            path: ["flows", i, end],
            message: `unknown component ${f[end]}`,
          });
        }
      }
    });
  });
export type SystemDescription = z.infer<typeof systemSchema>;
