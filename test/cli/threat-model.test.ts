import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("mlsec threat-model", () => {
  it("prints the RAG chatbot's threats as JSON with schemaVersion", () => {
    const r = runCli([
      "threat-model",
      "examples/threat-models/rag-chatbot.yaml",
      "--format",
      "json",
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.schemaVersion).toBe(1);
    expect(out.command).toBe("threat-model");
    expect(out.threats.some((t: { id: string }) => t.id === "prompt-injection")).toBe(true);
  });

  it("prints Markdown and refuses a broken description with exit 2", () => {
    const md = runCli([
      "threat-model",
      "examples/threat-models/fraud-scoring-api.yaml",
      "--markdown",
      "-",
    ]);
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/^# Threat model: Card fraud scoring API/);
    const bad = runCli(["threat-model", "package.json"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error[E_THREAT_MODEL]");
  });
});
