import { describe, expect, it } from "vitest";
import { incidentToAvid } from "../../src/incidents/index.js";
import { SAMPLE } from "./stix-helpers.js";

describe("AVID report export", () => {
  it("maps an incident's ATLAS techniques to the AVID SEP and lifecycle views", () => {
    const r = incidentToAvid(SAMPLE);
    expect(r).toMatchObject({
      data_type: "AVID",
      data_version: "0.2",
      metadata: { report_id: SAMPLE.id },
      affects: {
        developer: [],
        deployer: ["Example Bank"],
        artifacts: [{ type: "Model", name: "fraud-detector@3" }],
      },
      problemtype: {
        classof: "Undefined",
        type: "Issue",
        description: { lang: "eng", value: SAMPLE.title },
      },
      credit: [{ lang: "eng", value: "Example Bank" }],
      reported_date: "2026-03-01",
    });
    expect(r.impact.avid).toEqual({
      risk_domain: ["Security"],
      sep_view: [
        "S0100: Software Vulnerability",
        "S0200: Supply Chain Compromise",
        "S0202: Software Compromise",
      ],
      lifecycle_view: ["L04: Model Development", "L06: Deployment"],
      taxonomy_version: "0.2",
    });
    expect(r.description.value).toContain(SAMPLE.description);
    expect(r.description.value).toContain(`Impact: ${SAMPLE.impact}`);
  });

  it("links every technique and ATLAS mitigation, and skips free-text mitigations", () => {
    const r = incidentToAvid(SAMPLE);
    expect(r.references.map((x) => x.url)).toEqual([
      "https://atlas.mitre.org/techniques/AML.T0010.001",
      "https://atlas.mitre.org/techniques/AML.T0011",
      "https://atlas.mitre.org/mitigations/AML.M0014",
    ]);
    expect(r.references[1]!.label).toBe("MITRE ATLAS AML.T0011 User Execution");
  });

  it("falls back to the parent technique and leaves unmapped techniques out of the views", () => {
    const extraction = incidentToAvid({ ...SAMPLE, techniques: ["AML.T0024.002"] });
    expect(extraction.impact.avid.sep_view).toEqual(["S0500: Exfiltration", "S0502: Model theft"]);
    const evasion = incidentToAvid({ ...SAMPLE, techniques: ["AML.T0043.001"] });
    expect(evasion.impact.avid.sep_view).toEqual(["S0403: Adversarial Example"]);
    const recon = incidentToAvid({ ...SAMPLE, techniques: ["AML.T0000"], reporter: undefined });
    expect(recon.impact.avid).toMatchObject({ risk_domain: [], sep_view: [], lifecycle_view: [] });
    expect(recon.affects.deployer).toEqual([]);
    expect(recon.credit).toEqual([]);
  });
});
