export { dpCount, dpMean, dpSum } from "./aggregates.js";
export { boundContributions } from "./bounding.js";
export { dpHistogram, type HistogramBin, MAX_BINS, numericBins } from "./histogram.js";
export { BudgetLedger, type BudgetStatus } from "./ledger.js";
export { dpQuantile } from "./quantile.js";
export {
  type GroupValue,
  MAX_GROUPS,
  QUERY_KINDS,
  type QueryAnswer,
  type QueryKind,
  type QuerySpec,
  runQuery,
} from "./query.js";
