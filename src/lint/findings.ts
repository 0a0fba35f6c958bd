// Lint rules, findings and the shared checks both language front-ends use.

export type LintSeverity = "critical" | "high" | "medium" | "low";

export const LINT_RULES = {
  "pickle-load": { severity: "high", title: "Unpickling runs arbitrary code from the file" },
  "joblib-load": { severity: "high", title: "joblib.load unpickles: arbitrary code from the file" },
  "torch-load": {
    severity: "high",
    title: "torch.load without weights_only=True unpickles arbitrary code",
  },
  "numpy-allow-pickle": {
    severity: "high",
    title: "numpy.load with allow_pickle=True unpickles arbitrary code",
  },
  "yaml-unsafe-load": {
    severity: "high",
    title: "yaml.load without SafeLoader can construct arbitrary objects",
  },
  "keras-unsafe-mode": {
    severity: "high",
    title: "Keras load_model with safe_mode=False runs Lambda-layer code",
  },
  "trust-remote-code": {
    severity: "high",
    title: "trust_remote_code=True runs code shipped with the model",
  },
  "eval-dynamic": {
    severity: "high",
    title: "eval/exec on a computed value (such as model output) runs arbitrary code",
  },
  "insecure-download": { severity: "medium", title: "Model or data downloaded over plain HTTP" },
  "unpinned-model": {
    severity: "medium",
    title: "Model downloaded without a pinned revision or hash",
  },
  "tls-verify-disabled": { severity: "high", title: "TLS certificate verification is disabled" },
  "hardcoded-secret": {
    severity: "high",
    title: "A secret (token, key, password) is written in the code",
  },
  "suppression-without-reason": {
    severity: "low",
    title: "An mlsec: ignore comment gives no reason, so it is not applied",
  },
} as const satisfies Record<string, { severity: LintSeverity; title: string }>;

export type LintRuleId = keyof typeof LINT_RULES;

export interface LintFinding {
  readonly ruleId: LintRuleId;
  readonly severity: LintSeverity;
  readonly message: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

export interface Suppression {
  readonly line: number;
  readonly rules: readonly string[];
  readonly reason: string;
}

export function finding(
  ruleId: LintRuleId,
  path: string,
  line: number,
  column: number,
  detail?: string,
): LintFinding {
  const rule = LINT_RULES[ruleId];
  return {
    ruleId,
    severity: rule.severity,
    message: detail === undefined ? rule.title : `${rule.title}: ${detail}`,
    path,
    line,
    column,
  };
}

/** `mlsec: ignore[rule-a, rule-b] reason` inside a comment's text. */
const SUPPRESS = /mlsec:\s*ignore\[([a-z0-9*,\s-]+)\]\s*(.*)$/;

export function parseSuppression(comment: string, line: number): Suppression | undefined {
  const m = SUPPRESS.exec(comment);
  if (m === null) return undefined;
  const reason = m[2].replace(/\*\/\s*$/, "").trim();
  return {
    line,
    rules: m[1]
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean),
    reason,
  };
}

/**
 * Applies suppressions: one on a finding's line or on the line just above (a comment-only line)
 * hides it when it names the rule (or `*`) and gives a reason. Reasonless ones become findings.
 */
export function applySuppressions(
  findings: readonly LintFinding[],
  suppressions: readonly Suppression[],
  path: string,
  commentOnlyLines: ReadonlySet<number>,
): { findings: LintFinding[]; suppressed: (LintFinding & { reason: string })[] } {
  const kept: LintFinding[] = [];
  const suppressed: (LintFinding & { reason: string })[] = [];
  for (const f of findings) {
    const s = suppressions.find(
      (s) =>
        s.reason !== "" &&
        (s.rules.includes(f.ruleId) || s.rules.includes("*")) &&
        (s.line === f.line || (s.line === f.line - 1 && commentOnlyLines.has(s.line))),
    );
    if (s === undefined) kept.push(f);
    else suppressed.push({ ...f, reason: s.reason });
  }
  for (const s of suppressions) {
    if (s.reason === "") {
      kept.push(
        finding("suppression-without-reason", path, s.line, 1, `ignore[${s.rules.join(",")}]`),
      );
    }
  }
  return { findings: kept, suppressed };
}

const SECRET_NAME =
  /(?:^|_)(?:api_?key|apikey|secret(?:_key)?|access_?key|auth_?token|token|password|passwd|pwd)$/i;
const SECRET_FORMATS: readonly [RegExp, string][] = [
  [/^hf_[A-Za-z0-9]{30,}$/, "Hugging Face token"],
  [/^sk-(?:proj-)?[A-Za-z0-9_-]{20,}$/, "OpenAI-style API key"],
  [/^AKIA[0-9A-Z]{16}$/, "AWS access key ID"],
  [/^gh[pousr]_[A-Za-z0-9]{36,}$/, "GitHub token"],
  [/^xox[abpr]-[A-Za-z0-9-]{10,}$/, "Slack token"],
  // A header alone is a format marker in parsers; a key has its base64 body after it.
  [/^-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]{64,}/, "private key"],
];
const PLACEHOLDER =
  /^(?:|x+|\*+|changeme|change-me|your[_-].*|<.*>|\$\{.*\}|\{.*\}|todo|none|null|test|dummy|example.*|\.\.\.)$/i;

/** A literal that looks like a real credential by its format. */
export function secretFormat(value: string): string | undefined {
  for (const [re, what] of SECRET_FORMATS) if (re.test(value)) return what;
  return undefined;
}

/** A literal assigned to a secret-looking name that is not an obvious placeholder. */
export function isSecretAssignment(name: string, value: string): boolean {
  return (
    SECRET_NAME.test(name) && value.length >= 8 && !PLACEHOLDER.test(value) && !/\s/.test(value)
  );
}

/** Plain-HTTP URL to a remote host (localhost and private test hosts are fine). */
export function isPlainHttpUrl(value: string): boolean {
  const m = /^http:\/\/([^/:?#]+)/i.exec(value);
  if (m === null) return false;
  return !/^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])$/i.test(m[1]);
}

/** A full commit hash (git SHA-1 or SHA-256) or a sha256 digest: a pinned revision. */
export function isPinnedRevision(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64}|sha256:[0-9a-f]{64})$/i.test(value);
}
