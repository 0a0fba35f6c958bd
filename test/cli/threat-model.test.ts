import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("writes a self-contained HTML page with the data-flow diagram", () => {
    const html = join(mkdtempSync(join(tmpdir(), "mlsec-tm-")), "tm.html");
    const r = runCli([
      "threat-model",
      "examples/threat-models/medical-imaging.yaml",
      "--html",
      html,
    ]);
    expect(r.status).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page).toContain('class="chart dfd"');
    expect(page).not.toContain("<script");
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
