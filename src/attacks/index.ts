export * from "./evasion/index.js";
