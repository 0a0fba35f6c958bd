// What only people can say about a model, in a YAML/JSON file beside it: the parts of a model
// card (Mitchell et al. 2019, "Model Cards for Model Reporting", §4) that measurements cannot
// fill. Every field is optional; what is missing is reported as a caveat on the card.

import { z } from "zod";
import { MlsecError, parseYamlBounded, readFileBounded, schemaIssueLines } from "../core/index.js";

const text = z.string().trim().min(1).max(5000);
const list = z.array(text).max(100);

export const cardMetadataSchema = z
  .object({
    name: text.optional(),
    version: text.optional(),
    date: text.optional(),
    type: text.optional(),
    description: text.optional(),
    owners: list.optional(),
    license: text.optional(),
    citation: text.optional(),
    references: list.optional(),
    contact: text.optional(),
    intendedUse: z
      .object({
        primaryUses: list.optional(),
        primaryUsers: list.optional(),
        outOfScope: list.optional(),
      })
      .strict()
      .optional(),
    factors: z
      .object({ relevant: list.optional(), evaluation: list.optional() })
      .strict()
      .optional(),
    trainingData: text.optional(),
    evaluationData: text.optional(),
    /** Class names by index, used in the per-class tables. */
    classNames: list.optional(),
    ethicalConsiderations: list.optional(),
    caveats: list.optional(),
  })
  .strict();

export type CardMetadata = z.infer<typeof cardMetadataSchema>;

export const MAX_METADATA_BYTES = 256 * 1024;

export function parseCardMetadata(text: string, source = "model-card metadata"): CardMetadata {
  const raw = parseYamlBounded(text, {
    maxBytes: MAX_METADATA_BYTES,
    maxDepth: 16,
    code: "E_MODEL_CARD",
    source,
  });
  const r = cardMetadataSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issues = schemaIssueLines(r.error.issues, 10);
    throw new MlsecError(
      "E_MODEL_CARD",
      `${source} does not follow the schema: ${issues.join("; ")}`,
      {
        details: { issues },
      },
    );
  }
  return r.data;
}

export async function loadCardMetadata(path: string): Promise<CardMetadata> {
  const bytes = await readFileBounded(path, MAX_METADATA_BYTES);
  return parseCardMetadata(new TextDecoder("utf-8", { fatal: false }).decode(bytes), path);
}
