import { describe, expect, it } from "vitest";
import { type AuditResult, runAudit } from "../../src/audit/index.js";
import { auditHtml, auditSarif } from "../../src/report/index.js";

const CNN = "examples/models/digits-cnn.onnx";
const SYSTEM = "examples/threat-models/digit-reader.yaml";

describe("audit", () => {
  it("scans, describes and threat-models a model without data, timing each section", async () => {
    const r = await runAudit({ model: CNN, system: SYSTEM, profile: "quick", seed: 0 });
    expect(r.sections.scan?.verdict).toBe("safe");
    expect(r.sections.model?.differentiable).toBe(true);
    expect(r.sections.accuracy).toBeUndefined();
    expect(r.timings.map((t) => t.section)).toEqual(["scan", "signature", "model", "threats"]);
    expect(r.sections.signature?.status).toBe("unsigned");
    expect(r.findings.some((f) => f.id === "threat.evasion")).toBe(true);
    expect(r.score).toBeLessThan(100);
    const html = await auditHtml(r, "0.1.0");
    expect(html).toContain('class="chart dfd"');
    // The public reader is threatened: outlined and counted in the diagram.
    expect(html).toMatch(/data-id="reader"><rect[^>]*stroke="#cf222e"/);
  });

  const sample: AuditResult = {
    model: "m<script>.onnx",
    data: "d.npz",
    train: "t.npz",
    system: null,
    profile: "quick",
    seed: 1,
    startedAt: "2026-01-01T00:00:00.000Z",
    score: 90,
    findings: [
      {
        id: "robustness.pgd",
        section: "robustness",
        severity: "high",
        title: "PGD <b>",
        detail: "x & y",
        command: "mlsec attack",
      },
    ],
    timings: [{ section: "robustness", seconds: 1.5 }],
    sections: {
      accuracy: {
        samples: 10,
        accuracy: 0.9,
        perClass: [{ label: 0, support: 10, accuracy: 0.9 }],
      },
      robustness: {
        samples: 10,
        norm: "inf",
        bounds: [0, 1],
        points: [
          { attack: "fgsm", eps: 0.1, robustAccuracy: 0.5, successRate: 0.4, seconds: 0.1 },
          { attack: "pgd", eps: 0.1, robustAccuracy: 0.2, successRate: 0.8, seconds: 0.2 },
        ],
      },
    },
  };

  it("HTML is self-contained, escapes input and draws every section's chart", async () => {
    const html = await auditHtml(
      {
        ...sample,
        sections: {
          ...sample.sections,
          membership: {
            attack: "loss threshold",
            members: 10,
            nonMembers: 10,
            auc: 0.61,
            tprAtFpr: { "0.01": 0.1 },
            advantage: 0.2,
            memberAccuracy: 1,
            nonMemberAccuracy: 0.9,
            roc: [
              [0, 0],
              [0.5, 0.7],
              [1, 1],
            ],
          },
          explanations: {
            method: "permutation importance",
            samples: 10,
            values: [0.3, 0.1],
            features: ["age<i>", "income"],
            inputShape: [2],
            note: "test",
          },
        },
      },
      "0.1.0",
    );
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i);
    expect(html).toContain("m&lt;script&gt;.onnx");
    expect(html).toContain("PGD &lt;b&gt;");
    expect(html).toContain("age&lt;i&gt;");
    // Vega-rendered SVG charts: robustness, ROC, importance bars.
    expect(html.match(/<svg class="chart"/g)).toHaveLength(3);
    for (const id of ["summary", "accuracy", "robustness", "membership", "explanations"])
      expect(html).toContain(`<section id="${id}">`);
  });

  it("SARIF 2.1.0 has one result per finding with mapped levels", () => {
    const sarif = auditSarif(sample, "0.1.0") as {
      version: string;
      runs: { results: { level: string; ruleId: string }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toEqual([
      expect.objectContaining({ ruleId: "robustness.pgd", level: "error" }),
    ]);
  });
});
