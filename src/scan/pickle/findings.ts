// Turns pickle traces into findings under an import policy (allow-list / deny-list).
import type { Finding, Severity } from "../findings.js";
import { classifyImport, type ScanPolicy } from "../rules/policy.js";
import { callText, type PickleTrace } from "./trace.js";

/**
 * Findings for one pickle: each distinct imported callable that is denied, unknown or
 * unresolved (once, at its first import, with how often it is called), calls of computed
 * callables, mutations of imported objects, and how the parse ended if it did not complete.
 */
export function pickleFindings(trace: PickleTrace, policy: ScanPolicy): Finding[] {
  const findings: Finding[] = [];
  // Group imports by name: a callable imported many times is one finding.
  const groups = new Map<string, { first: number; calls: string[] }>();
  const idOf = trace.imports.map((imp, i) =>
    imp.resolved ? `${imp.module}\n${imp.name}` : `#${i}`,
  );
  idOf.forEach((id, i) => {
    if (!groups.has(id)) groups.set(id, { first: i, calls: [] });
  });
  for (const call of trace.calls) {
    if (call.importIndex === undefined) continue;
    const group = groups.get(idOf[call.importIndex])!;
    group.calls.push(callText(call.callee, call.args));
  }
  for (const { first, calls } of groups.values()) {
    const imp = trace.imports[first];
    const more = calls.length > 3 ? ` and ${calls.length - 3} more calls` : "";
    const called = calls.length > 0 ? `; called as ${calls.slice(0, 3).join(", ")}${more}` : "";
    const location = { offset: imp.offset, opIndex: imp.opIndex };
    if (!imp.resolved) {
      findings.push({
        ruleId: "pickle.import.unresolved",
        severity: "high",
        message: `${imp.opcode} imports a callable whose name is not in the file (${imp.note})${called}`,
        location,
      });
      continue;
    }
    const callable = `${imp.module}.${imp.name}`;
    const cls = classifyImport(policy, imp.module, imp.name);
    if (cls.kind === "allowed") continue;
    if (cls.kind === "denied") {
      const via = cls.via === undefined ? "" : ` (reaches ${cls.via})`;
      findings.push({
        ruleId: "pickle.import.denied",
        severity: cls.rule.severity,
        message: `imports ${callable}${via}, which ${cls.rule.reason}${called}`,
        location,
        callable,
      });
      continue;
    }
    const dotted = cls.dotted ? " through a dotted attribute path" : "";
    findings.push({
      ruleId: "pickle.import.unknown",
      severity: "medium",
      message: `imports ${callable}${dotted}, which is not on the allow-list${called}`,
      location,
      callable,
    });
  }
  for (const call of trace.calls) {
    if (call.importIndex !== undefined) continue;
    findings.push({
      ruleId: "pickle.call.computed",
      severity: "medium",
      message: `${call.opcode} calls a computed callable: ${callText(call.callee, call.args)}`,
      location: { offset: call.offset, opIndex: call.opIndex },
    });
  }
  for (const m of trace.mutations) {
    const imp = trace.imports[m.importIndex];
    const allowed = imp.resolved && classifyImport(policy, imp.module, imp.name).kind === "allowed";
    const severity: Severity = allowed ? "medium" : "high";
    findings.push({
      ruleId: "pickle.mutation.global",
      severity,
      message: `${m.opcode} sets state on the imported object ${m.target} itself (${m.what}), patching a module or class`,
      location: { offset: m.offset, opIndex: m.opIndex },
      callable: m.target,
    });
  }
  if (trace.status.kind !== "complete") {
    findings.push({
      ruleId: trace.status.kind === "limit" ? "invalid.limit" : "invalid.pickle",
      severity: "low",
      message: `pickle is ${trace.status.kind === "limit" ? "over a safety bound" : trace.status.kind}: ${trace.status.message}`,
      location: { offset: trace.status.offset, opIndex: trace.status.opIndex },
    });
  }
  return findings;
}
