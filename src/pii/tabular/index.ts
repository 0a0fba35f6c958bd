export {
  type AnonymityReport,
  type AnonymizedTable,
  anonymizeTable,
  measureTable,
  type TabularAlgorithm,
  type TabularOptions,
} from "./anonymize-table.js";
export {
  buildDomain,
  type Domain,
  type DomainKind,
  type DomainSpec,
  parseTreeHierarchy,
  type TreeHierarchy,
} from "./domain.js";
export { domainLevels, latticeSearch } from "./lattice.js";
export type { Achieved, InformationLoss, RiskReport } from "./metrics.js";
export {
  buildSensitive,
  ClassChecker,
  type LDiversityKind,
  type PrivacyModel,
  type SensitiveColumn,
} from "./models.js";
export { mondrian } from "./mondrian.js";
