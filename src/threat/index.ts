export { OWASP_LLM_TOP10, OWASP_ML_TOP10, type OwaspId, TECHNIQUE_TACTICS } from "./catalog.js";
export { dataFlowSvg } from "./diagram.js";
export { loadSystem, MAX_SYSTEM_BYTES, parseSystem } from "./load.js";
export {
  buildThreatModel,
  severityOf,
  type Threat,
  type ThreatModel,
  type ThreatSeverity,
} from "./model.js";
export { threatModelMarkdown, threatModelText } from "./render.js";
export { THREAT_RULES, type ThreatRule } from "./rules.js";
export {
  COMPONENT_KINDS,
  CONTROLS,
  type Component,
  type Control,
  type SystemDescription,
  systemSchema,
} from "./schema.js";
