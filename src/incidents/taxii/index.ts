export { Authenticator } from "./auth.js";
export {
  type ObjectsPage,
  TaxiiClient,
  type TaxiiClientOptions,
  type TaxiiStatus,
} from "./client.js";
export {
  mayRead,
  mayWrite,
  parseTaxiiConfig,
  type TaxiiConfig,
  type TaxiiConfigInput,
  type TaxiiPrincipal,
  taxiiConfigSchema,
} from "./config.js";
export { acceptsTaxii, isTaxiiContentType, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from "./media.js";
export {
  type AddOutcome,
  decodeCursor,
  encodeCursor,
  type ObjectQuery,
  TaxiiRepository,
} from "./repository.js";
export { createTaxiiServer, MAX_OBJECTS_PER_POST, type TaxiiServer } from "./server.js";
export { normalizeTimestamp } from "./timestamps.js";
