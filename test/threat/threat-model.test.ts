import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MlsecError } from "../../src/core/index.js";
import { ATLAS_MITIGATIONS, ATLAS_TECHNIQUES } from "../../src/incidents/index.js";
import {
  buildThreatModel,
  dataFlowSvg,
  loadSystem,
  parseSystem,
  TECHNIQUE_TACTICS,
  THREAT_RULES,
  threatModelMarkdown,
} from "../../src/threat/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";

const EX = "examples/threat-models";

describe("threat model", () => {
  it("every rule cites known ATLAS techniques (with tactics) and mitigations", () => {
    for (const rule of THREAT_RULES) {
      for (const t of rule.atlas) {
        expect(ATLAS_TECHNIQUES.has(t), t).toBe(true);
        expect(TECHNIQUE_TACTICS[t]?.length ?? 0, t).toBeGreaterThan(0);
      }
      for (const m of rule.mitigations) expect(ATLAS_MITIGATIONS.has(m.atlas), m.atlas).toBe(true);
    }
  });

  const atlasYaml = sharedDataPath("atlas/ATLAS.yaml");
  it.skipIf(atlasYaml === undefined)(
    `technique tactics match ATLAS.yaml (${SHARED_DATA_SKIP_REASON})`,
    () => {
      const doc = parse(readFileSync(atlasYaml as string, "utf8"));
      const techniques = doc.matrices[0].techniques as {
        id: string;
        tactics?: string[];
        "subtechnique-of"?: string;
      }[];
      const byId = new Map(techniques.map((t) => [t.id, t]));
      for (const [id, tactics] of Object.entries(TECHNIQUE_TACTICS)) {
        const t = byId.get(id);
        expect(t, id).toBeDefined();
        const parent = t?.["subtechnique-of"];
        const expected = t?.tactics ?? byId.get(parent ?? "")?.tactics;
        expect([...tactics].sort(), id).toEqual([...(expected ?? [])].sort());
      }
    },
  );

  it("fraud API: evasion and extraction threats, covered controls reduce residual risk", async () => {
    const m = buildThreatModel(await loadSystem(`${EX}/fraud-scoring-api.yaml`));
    const ids = m.threats.map((t) => t.id);
    expect(ids).toContain("evasion");
    expect(ids).toContain("model-theft");
    expect(ids).not.toContain("prompt-injection");
    const theft = m.threats.find((t) => t.id === "model-theft");
    expect(
      theft?.mitigations
        .filter((x) => x.covered)
        .map((x) => x.control)
        .sort(),
    ).toEqual(["access-control", "encryption-at-rest", "rate-limiting"]);
    expect(theft?.status).toBe("partial");
    expect(theft?.residualRisk).toBeLessThan(theft?.risk ?? 0);
    const evasion = m.threats.find((t) => t.id === "evasion");
    expect(evasion?.atlas.map((a) => a.name)).toEqual(["Craft Adversarial Data", "Evade AI Model"]);
    expect(evasion?.owasp).toEqual([{ id: "ML01", name: "Input Manipulation Attack" }]);
  });

  it("medical imaging: a third-party backbone raises supply-chain and transfer-learning threats", async () => {
    const m = buildThreatModel(await loadSystem(`${EX}/medical-imaging.yaml`));
    const ids = m.threats.map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining(["supply-chain", "transfer-learning", "data-poisoning"]),
    );
    expect(ids.some((i) => i.includes("prompt"))).toBe(false);
  });

  it("RAG chatbot: LLM Top 10 threats with the ATLAS sub-technique names", async () => {
    const m = buildThreatModel(await loadSystem(`${EX}/rag-chatbot.yaml`));
    const ids = m.threats.map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "prompt-injection",
        "indirect-prompt-injection",
        "excessive-agency",
        "unbounded-consumption",
        "sensitive-disclosure",
      ]),
    );
    expect(ids).not.toContain("evasion");
    const agency = m.threats.find((t) => t.id === "excessive-agency");
    expect(agency?.targets).toEqual(["refunds"]);
    const inj = m.threats.find((t) => t.id === "indirect-prompt-injection");
    expect(inj?.atlas[0].name).toBe("LLM Prompt Injection: Indirect");
    expect(threatModelMarkdown(m)).toContain("| critical |");
  });

  it("data-flow diagram: every component drawn, boundary-crossing flows dashed", async () => {
    const system = await loadSystem(`${EX}/rag-chatbot.yaml`);
    const svg = dataFlowSvg(system, buildThreatModel(system));
    expect(svg.match(/class="component"/g)).toHaveLength(system.components.length);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(
      system.flows.filter((f) => f.crossesTrustBoundary).length,
    );
    expect(svg).not.toContain("<script");
  });

  it("declaring every control leaves no open threat", async () => {
    const text = readFileSync(`${EX}/rag-chatbot.yaml`, "utf8");
    const { CONTROLS } = await import("../../src/threat/index.js");
    const all = text.replace(/^controls:.*$/m, `controls: [${CONTROLS.join(", ")}]`);
    const m = buildThreatModel(parseSystem(all));
    expect(m.threats.every((t) => t.status === "mitigated")).toBe(true);
  });

  it("rejects unknown flow endpoints, kinds and controls with E_THREAT_MODEL", () => {
    const base = "name: x\nmodelType: classifier\ncomponents:\n  - { id: a, kind: model }\n";
    expect(() => parseSystem(`${base}flows:\n  - { from: a, to: b }\n`)).toThrow(
      /unknown component b/,
    );
    expect(() => parseSystem(`${base}controls: [magic]\n`)).toThrow(MlsecError);
    expect(() =>
      parseSystem("name: x\nmodelType: classifier\ncomponents: [{id: a, kind: toaster}]"),
    ).toThrow(/schema/);
    expect(() => parseSystem("a: [1, 2")).toThrow(/not valid YAML/);
  });

  it("bounds hostile input: nesting, aliases and size", () => {
    expect(() => parseSystem(`${"[".repeat(5000)}${"]".repeat(5000)}`)).toThrow(/nests deeper/);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${"abcdefghijklmnop"[i]}: &${"abcdefghijklmnop"[i]} [${Array(10)
          .fill(`*${"abcdefghijklmnop"[i - 1]}`)
          .join(", ")}]`,
      );
    expect(() => parseSystem(bomb.join("\n"))).toThrow(MlsecError);
    expect(() => parseSystem("x".repeat((1 << 20) + 1))).toThrow(/over/);
  });

  it("property: any input either parses or throws an MlsecError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
        ),
        (text) => {
          try {
            parseSystem(text);
          } catch (e) {
            expect(e).toBeInstanceOf(MlsecError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: valid random systems always yield well-formed threats", () => {
    const kinds = [
      "data-source",
      "labelling",
      "training-pipeline",
      "model-registry",
      "serving-endpoint",
      "llm",
      "vector-store",
      "agent-tool",
      "user",
      "client",
    ] as const;
    const comp = fc.record({
      kind: fc.constantFrom(...kinds),
      exposure: fc.constantFrom("public", "partner", "internal"),
      untrustedInput: fc.boolean(),
      sideEffects: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(comp, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.nat(),
        (cs, third, seed) => {
          const components = cs.map((c, i) => ({ id: `c${i}`, ...c }));
          const flows = components
            .slice(1)
            .map((c, i) => ({ from: components[(seed + i) % components.length].id, to: c.id }));
          const m = buildThreatModel(
            parseSystem(
              JSON.stringify({
                name: "p",
                modelType: third ? "llm" : "classifier",
                thirdPartyModel: third,
                components,
                flows,
              }),
            ),
          );
          for (const t of m.threats) {
            expect(t.risk).toBe(t.likelihood * t.impact);
            expect(t.residualRisk).toBeLessThanOrEqual(t.risk);
            expect(t.targets.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
