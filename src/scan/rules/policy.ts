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

/** A policy's patterns indexed for lookup: exact names in maps, `module.*` by module prefix. */
interface CompiledPolicy {
  readonly denyExact: Map<string, DenyRule>;
  readonly denyPrefix: Map<string, DenyRule>; // "os" for "os.*"
  readonly allowExact: Set<string>;
  readonly allowPrefix: Map<string, true>;
  readonly denyNames: Map<string, DenyRule>;
  /** Classifications already made (the same few callables recur across a directory of files). */
  readonly seen: Map<string, ImportClass>;
}

const MAX_SEEN = 10_000;

const compiled = new WeakMap<ScanPolicy, CompiledPolicy>();
const NO_EXACT = new Map<string, true>();

function compile(policy: ScanPolicy): CompiledPolicy {
  let c = compiled.get(policy);
  if (c !== undefined) return c;
  c = {
    denyExact: new Map(),
    denyPrefix: new Map(),
    allowExact: new Set(),
    allowPrefix: new Map(),
    denyNames: new Map(),
    seen: new Map(),
  };
  // First rule wins, as in a list scan: user rules come first (extendPolicy).
  for (const r of policy.deny) {
    const target = r.pattern.endsWith(".*") ? c.denyPrefix : c.denyExact;
    const key = r.pattern.endsWith(".*") ? r.pattern.slice(0, -2) : r.pattern;
    if (!target.has(key)) target.set(key, r);
  }
  for (const p of policy.allow) {
    if (p.endsWith(".*")) c.allowPrefix.set(p.slice(0, -2), true);
    else c.allowExact.add(p);
  }
  for (const r of policy.denyNames) if (!c.denyNames.has(r.pattern)) c.denyNames.set(r.pattern, r);
  compiled.set(policy, c);
  return c;
}

/** The rule for `full` (exact first, then the longest `module.*` prefix), matching `module.*` patterns. */
function lookup<T>(exact: Map<string, T>, prefix: Map<string, T>, full: string): T | undefined {
  const hit = exact.get(full);
  if (hit !== undefined) return hit;
  let end = full.length;
  while (end > 0) {
    const p = prefix.get(full.slice(0, end));
    if (p !== undefined) return p;
    end = full.lastIndexOf(".", end - 1);
  }
  return undefined;
}

function findDeny(c: CompiledPolicy, full: string): DenyRule | undefined {
  return lookup(c.denyExact, c.denyPrefix, full);
}

/**
 * Classifies one imported callable. The deny-list wins over the allow-list. A dotted name
 * (`argparse` + `_os.system`, which protocol 4+ resolves attribute by attribute) is also checked
 * as if each attribute were a module, with a leading underscore dropped (`_os` -> `os`), because
 * innocent modules re-export dangerous ones.
 */
export function classifyImport(policy: ScanPolicy, module: string, name: string): ImportClass {
  const c = compile(policy);
  const key = `${module}\n${name}`;
  let cls = c.seen.get(key);
  if (cls === undefined) {
    cls = classifyUncached(c, module, name);
    if (c.seen.size < MAX_SEEN) c.seen.set(key, cls);
  }
  return cls;
}

function classifyUncached(c: CompiledPolicy, module: string, name: string): ImportClass {
  const mod = normalizeModule(module);
  const full = `${mod}.${name}`;
  const direct = findDeny(c, full);
  if (direct !== undefined) return { kind: "denied", rule: direct };
  const parts = full.split(".");
  for (let i = 1; i < parts.length - 1; i++) {
    const tail = parts.slice(i);
    const stripped = tail[0].replace(/^_+/, "");
    for (const head of new Set([tail[0], stripped, MODULE_ALIASES[tail[0]] ?? tail[0]])) {
      const candidate = [head, ...tail.slice(1)].join(".");
      const rule = findDeny(c, candidate);
      if (rule !== undefined) return { kind: "denied", rule, via: candidate };
    }
  }
  const last = parts[parts.length - 1];
  const byName = c.denyNames.get(last);
  if (byName !== undefined) return { kind: "denied", rule: byName };
  if (c.allowExact.has(full) || lookup(NO_EXACT, c.allowPrefix, full)) return { kind: "allowed" };
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
