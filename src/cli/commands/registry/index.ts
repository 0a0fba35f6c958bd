// `mlsec registry init|grant|revoke|policy|create|push|pull|list|show|alias|delete|expired|rescan|
// token|serve|audit`: the model and dataset registry (issue 9). Every subcommand acts as `--as
// USER` (or $MLSEC_USER), checked by RBAC; `serve` answers HTTP clients by their bearer tokens.
// Subcommands are registered in this order so `mlsec registry --help` lists them the same way.
import type { Command } from "commander";
import { registerAccess } from "./access.js";
import { registerAudit } from "./audit.js";
import { registerCatalog } from "./catalog.js";
import { registerLifecycle } from "./lifecycle.js";
import { registerLogin } from "./login.js";
import { registerPublish } from "./publish.js";
import { registerPull } from "./pull.js";
import { registerServe } from "./serve.js";
import { registerTokens } from "./tokens.js";

export function registerRegistry(program: Command): void {
  const registry = program
    .command("registry")
    .description("model registry: versions, lineage, aliases, RBAC, hash-chained audit log");
  registerAccess(registry);
  registerPublish(registry);
  registerCatalog(registry);
  registerPull(registry);
  registerLifecycle(registry);
  registerLogin(registry);
  registerTokens(registry);
  registerServe(registry);
  registerAudit(registry);
}
