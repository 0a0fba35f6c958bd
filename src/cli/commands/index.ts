import type { Command } from "commander";
import { registerArtifacts } from "./artifacts.js";
import { registerAttack } from "./attack.js";
import { registerAudit } from "./audit.js";
import { registerDefend } from "./defend.js";
import { registerDetect } from "./detect.js";
import { registerExplain } from "./explain.js";
import { registerHe } from "./he.js";
import { registerIncident } from "./incident.js";
import { registerLint } from "./lint.js";
import { registerModel } from "./model.js";
import { registerModelCard } from "./model-card.js";
import { registerPdp } from "./pdp.js";
import { registerAnonymize, registerData, registerPii } from "./pii.js";
import { registerPoison } from "./poison.js";
import { registerPrivacy } from "./privacy.js";
import { registerRegistry } from "./registry/index.js";
import { registerRobustness } from "./robustness.js";
import { registerScan } from "./scan.js";
import { registerServe } from "./serve.js";
import { registerTaxii } from "./taxii.js";
import { registerThreatModel } from "./threat-model.js";
import { registerTrain } from "./train.js";

/** A command module adds its subcommands to the program. Keep this list sorted by name. */
export type CommandRegistration = (program: Command) => void;

export const COMMANDS: readonly CommandRegistration[] = [
  registerAnonymize,
  registerArtifacts,
  registerAttack,
  registerAudit,
  registerData,
  registerDefend,
  registerDetect,
  registerExplain,
  registerHe,
  registerIncident,
  registerLint,
  registerModel,
  registerModelCard,
  registerPdp,
  registerPii,
  registerPoison,
  registerPrivacy,
  registerRegistry,
  registerRobustness,
  registerScan,
  registerServe,
  registerTaxii,
  registerThreatModel,
  registerTrain,
];
