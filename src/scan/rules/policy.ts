// Import policy for pickled callables: an allow-list and a deny-list, as data (JSON/YAML).
import type { Severity } from "../findings.js";

/** A denied callable or module. `pattern` is `module.name` (exact) or `module.*` (anything in it). */
export interface DenyRule {
  readonly pattern: string;
  readonly severity: Severity;
  readonly reason: string;
}

export interface ScanPolicy {
  /** Callables known to be safe to import and call while unpickling (`module.name` or `module.*`). */
  readonly allow: readonly string[];
  readonly deny: readonly DenyRule[];
  /** Function names that are dangerous whatever module they come from (e.g. `system`). */
  readonly denyNames: readonly DenyRule[];
}

export type ImportClass =
  | { readonly kind: "allowed" }
  | { readonly kind: "denied"; readonly rule: DenyRule; readonly via?: string }
  | { readonly kind: "unknown"; readonly dotted: boolean };

/** Python 2 names that `pickle` maps to Python 3 modules (Lib/_compat_pickle.py IMPORT_MAPPING). */
const MODULE_ALIASES: Readonly<Record<string, string>> = {
  __builtin__: "builtins",
  __builtins__: "builtins",
  copy_reg: "copyreg",
  cPickle: "pickle",
  commands: "subprocess",
  exceptions: "builtins",
};

function normalizeModule(module: string): string {
  const head = module.split(".")[0];
  const mapped = MODULE_ALIASES[head];
  return mapped === undefined ? module : mapped + module.slice(head.length);
}

function matches(pattern: string, full: string): boolean {
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -1); // keeps the dot
    return full.startsWith(prefix) || full === pattern.slice(0, -2);
  }
  return full === pattern;
}

function findDeny(rules: readonly DenyRule[], full: string): DenyRule | undefined {
  return rules.find((r) => matches(r.pattern, full));
}

/**
 * Classifies one imported callable. The deny-list wins over the allow-list. A dotted name
 * (`argparse` + `_os.system`, which protocol 4+ resolves attribute by attribute) is also checked
 * as if each attribute were a module, with a leading underscore dropped (`_os` -> `os`), because
 * innocent modules re-export dangerous ones.
 */
export function classifyImport(policy: ScanPolicy, module: string, name: string): ImportClass {
  const mod = normalizeModule(module);
  const full = `${mod}.${name}`;
  const direct = findDeny(policy.deny, full);
  if (direct !== undefined) return { kind: "denied", rule: direct };
  const parts = full.split(".");
  for (let i = 1; i < parts.length - 1; i++) {
    const tail = parts.slice(i);
    const stripped = tail[0].replace(/^_+/, "");
    for (const head of new Set([tail[0], stripped, MODULE_ALIASES[tail[0]] ?? tail[0]])) {
      const candidate = [head, ...tail.slice(1)].join(".");
      const rule = findDeny(policy.deny, candidate);
      if (rule !== undefined) return { kind: "denied", rule, via: candidate };
    }
  }
  const last = parts[parts.length - 1];
  const byName = policy.denyNames.find((r) => r.pattern === last);
  if (byName !== undefined) return { kind: "denied", rule: byName };
  if (policy.allow.some((p) => matches(p, full))) return { kind: "allowed" };
  return { kind: "unknown", dotted: name.includes(".") };
}

/** Adds a user's policy to a base policy (the user's entries come first). */
export function extendPolicy(base: ScanPolicy, extra: Partial<ScanPolicy>): ScanPolicy {
  return {
    allow: [...(extra.allow ?? []), ...base.allow],
    deny: [...(extra.deny ?? []), ...base.deny],
    denyNames: [...(extra.denyNames ?? []), ...base.denyNames],
  };
}
