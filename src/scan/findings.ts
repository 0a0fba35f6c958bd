// Scan findings and verdicts: plain data, collected in full (never stop at the first finding).

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export type Verdict = "malicious" | "suspicious" | "invalid" | "safe";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** Where a finding is: the archive member path (outer to inner), a byte offset, an opcode. */
export interface FindingLocation {
  /** Archive members from the outermost archive inwards, e.g. ["model.zip", "archive/data.pkl"]. */
  readonly members?: readonly string[];
  /** Byte offset inside the innermost member (or the file). */
  readonly offset?: number;
  /** Index of the pickle opcode (0-based) inside its pickle. */
  readonly opIndex?: number;
}

export interface Finding {
  /** Stable rule id, e.g. `pickle.import.denied`; rules starting `invalid.` mean unparseable. */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: FindingLocation;
  /** The imported or called callable, `module.name`, when the finding is about one. */
  readonly callable?: string;
}

/**
 * The verdict for a set of findings: critical/high make a file malicious, medium suspicious;
 * otherwise a file with an `invalid.*` finding (truncated, malformed, over a bound) is invalid,
 * never safe: a file we could not read to the end is not known to be clean.
 */
export function verdictOf(findings: readonly Finding[]): Verdict {
  let verdict: Verdict = "safe";
  for (const f of findings) {
    if (f.severity === "critical" || f.severity === "high") return "malicious";
    if (f.severity === "medium") verdict = "suspicious";
    else if (verdict === "safe" && f.ruleId.startsWith("invalid.")) verdict = "invalid";
  }
  return verdict;
}

/** Prefixes a finding's location with the archive member it was found in. */
export function inMember(finding: Finding, member: string): Finding {
  return {
    ...finding,
    location: { ...finding.location, members: [member, ...(finding.location.members ?? [])] },
  };
}
