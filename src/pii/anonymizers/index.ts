export {
  type AnonymizedItem,
  type AnonymizeResult,
  anonymizeFindings,
  anonymizeText,
  deanonymizeText,
  operatorFor,
} from "./anonymize.js";
export {
  anonymizeCsvRecords,
  type ColumnClass,
  type CsvAnonymizeOptions,
  classifyColumns,
  formatCsv,
} from "./csv.js";
export { decryptDeterministic, encryptDeterministic } from "./deterministic-encryption.js";
export { ff1Decrypt, ff1Encrypt } from "./ff1.js";
export { deriveKeys, MIN_KEY_BYTES, type PiiKeys, parseKey } from "./keys.js";
export {
  type AnonymizerConfig,
  anonymizerConfigSchema,
  applyOperator,
  ENCRYPTED_TOKEN,
  needsKey,
  type Operator,
  operatorSchema,
  parseAnonymizerConfig,
} from "./operators.js";
export { pseudonymize, unpseudonymize } from "./pseudonym.js";
