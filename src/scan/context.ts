// Per-file scan state: policy, bounds shared by every nested archive, and collected findings.
import type { Finding, Severity } from "./findings.js";
import type { PickleLimits } from "./pickle/trace.js";
import type { ScanPolicy } from "./rules/policy.js";
import type { ByteSource } from "./source.js";

export interface ScanLimits {
  /** Archive nesting depth (a zip in a zip is depth 2). */
  readonly maxDepth: number;
  /** Archive members per file, all archives together. */
  readonly maxEntries: number;
  /** Bytes one member may decompress to, and all members of one file together (zip bombs). */
  readonly maxMemberBytes: number;
  readonly maxTotalInflated: number;
  /** Largest pickle read into memory; a bigger one is reported, not silently skipped. */
  readonly maxPickleBytes: number;
  /** Largest JSON header or config read (safetensors, Keras config, npy header). */
  readonly maxHeaderBytes: number;
  readonly pickle: Partial<PickleLimits>;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxDepth: 4,
  maxEntries: 100_000,
  maxMemberBytes: 1024 ** 3,
  maxTotalInflated: 4 * 1024 ** 3,
  maxPickleBytes: 2 * 1024 ** 3,
  maxHeaderBytes: 100 * 1024 * 1024,
  pickle: {},
};

export class ScanContext {
  readonly findings: Finding[] = [];
  readonly callables = new Set<string>();
  entries = 0;
  inflated = 0;
  private readonly members: string[] = [];

  constructor(
    readonly policy: ScanPolicy,
    readonly limits: ScanLimits,
    readonly scanNested: (ctx: ScanContext, src: ByteSource, member: string) => string,
  ) {}

  get depth(): number {
    return this.members.length;
  }

  /** Records a finding at the current member path. */
  add(
    ruleId: string,
    severity: Severity,
    message: string,
    location: Finding["location"] = {},
  ): void {
    this.push({ ruleId, severity, message, location });
  }

  push(finding: Finding): void {
    const members = [...this.members, ...(finding.location.members ?? [])];
    this.findings.push({
      ...finding,
      location: members.length > 0 ? { ...finding.location, members } : finding.location,
    });
    if (finding.callable !== undefined) this.callables.add(finding.callable);
  }

  /** Scans `src` as the archive member `name`, within the depth bound. */
  nested(src: ByteSource, name: string): string {
    if (this.members.length >= this.limits.maxDepth) {
      this.add(
        "archive.depth",
        "medium",
        `archive nesting deeper than ${this.limits.maxDepth}: member ${name} not scanned`,
      );
      return "unscanned";
    }
    this.members.push(name);
    try {
      return this.scanNested(this, src, name);
    } finally {
      this.members.pop();
    }
  }
}
