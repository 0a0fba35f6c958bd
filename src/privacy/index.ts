export * from "./accounting/index.js";
export * from "./dpsgd/index.js";
export * from "./mechanisms/index.js";
export * from "./queries/index.js";
