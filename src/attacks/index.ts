export * from "./endpoint/index.js";
export * from "./evasion/index.js";
export * from "./inference/index.js";
