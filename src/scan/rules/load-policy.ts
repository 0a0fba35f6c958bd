// Reads a user's policy file (YAML or JSON) and adds it to the default policy.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { MlsecError } from "../../core/index.js";
import { DEFAULT_POLICY } from "./default-policy.js";
import { extendPolicy, type ScanPolicy } from "./policy.js";

const MAX_POLICY_BYTES = 1024 * 1024;

const pattern = z.string().regex(/^[A-Za-z_][\w]*(\.[A-Za-z_*][\w]*)*(\.\*)?$/, {
  message: "a pattern is `module.name` or `module.*`",
});
const denyRule = z.object({
  pattern,
  severity: z.enum(["critical", "high", "medium", "low", "info"]).default("critical"),
  reason: z.string().max(200).default("is denied by the user policy"),
});
const policyFile = z
  .object({
    allow: z.array(pattern).max(10_000).default([]),
    deny: z.array(z.union([pattern.transform((p) => denyRule.parse({ pattern: p })), denyRule])),
    denyNames: z.array(z.string().regex(/^[A-Za-z_]\w*$/)).default([]),
  })
  .partial()
  .strict();

/** Parses a policy document (already read) and extends the default policy with it. */
export function parsePolicy(text: string, source = "policy"): ScanPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 }); // YAML is a superset of JSON
  } catch (error) {
    throw new MlsecError("E_SCAN_POLICY", `${source}: not valid YAML/JSON`, { cause: error });
  }
  const parsed = policyFile.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlsecError(
      "E_SCAN_POLICY",
      `${source}: ${issue.path.join(".") || "document"}: ${issue.message}`,
    );
  }
  const p = parsed.data;
  return extendPolicy(DEFAULT_POLICY, {
    allow: p.allow ?? [],
    deny: p.deny ?? [],
    denyNames: (p.denyNames ?? []).map((name) => ({
      pattern: name,
      severity: "high",
      reason: "has a name the user policy denies",
    })),
  });
}

export function loadPolicy(path: string): ScanPolicy {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_POLICY_BYTES) {
      throw new MlsecError("E_LIMIT_EXCEEDED", `policy file ${path} is over 1 MiB`);
    }
    text = bytes.toString("utf8");
  } catch (error) {
    if (error instanceof MlsecError) throw error;
    throw new MlsecError("E_FILE_NOT_FOUND", `cannot read policy file ${path}`, { cause: error });
  }
  return parsePolicy(text, path);
}
