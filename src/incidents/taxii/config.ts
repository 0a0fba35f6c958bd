// TAXII server configuration: API roots, collections, and the partner organisations allowed
// to read or write each collection (authenticated by bearer token or HTTP basic).
import { z } from "zod";
import { parseOrThrow } from "../model.js";

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "letters, digits, _ and -");
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const taxiiConfigSchema = z
  .object({
    title: z.string().min(1).max(200).default("mlsec TAXII 2.1 server"),
    description: z.string().max(2000).optional(),
    contact: z.string().max(200).optional(),
    /** Largest request body accepted, bytes (the API root's max_content_length). */
    maxContentLength: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /** Most objects returned per page when the client asks for more (or gives no limit). */
    pageSize: z.number().int().min(1).max(10_000).default(100),
    /** Objects of types mlsec does not know: keep them, or fail them in the status. */
    unknownTypes: z.enum(["keep", "reject"]).default("keep"),
    apiRoots: z
      .array(
        z
          .object({
            name,
            title: z.string().min(1).max(200),
            description: z.string().max(2000).optional(),
            collections: z
              .array(
                z
                  .object({
                    id: uuid,
                    title: z.string().min(1).max(200),
                    description: z.string().max(2000).optional(),
                    alias: name.optional(),
                  })
                  .strict(),
              )
              .max(1000),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    principals: z
      .array(
        z
          .object({
            name: name,
            /** The shared secret; at least 16 characters. */
            token: z.string().min(16).max(512),
            /** Collection IDs (or "*") this principal may read. */
            read: z.array(z.union([uuid, z.literal("*")])).default([]),
            write: z.array(z.union([uuid, z.literal("*")])).default([]),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

export type TaxiiConfig = z.infer<typeof taxiiConfigSchema>;
export type TaxiiConfigInput = z.input<typeof taxiiConfigSchema>;
export type TaxiiPrincipal = TaxiiConfig["principals"][number];

export function parseTaxiiConfig(value: unknown): TaxiiConfig {
  return parseOrThrow(taxiiConfigSchema, value, "TAXII server configuration");
}

export function mayRead(p: TaxiiPrincipal, collection: string): boolean {
  return p.read.includes("*") || p.read.includes(collection);
}

export function mayWrite(p: TaxiiPrincipal, collection: string): boolean {
  return p.write.includes("*") || p.write.includes(collection);
}
