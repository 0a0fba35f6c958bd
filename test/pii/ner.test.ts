import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { MlsecError } from "../../src/core/index.js";
import { analyze, DEFAULT_RECOGNIZERS, nerRecognizer, runNerCommand } from "../../src/pii/index.js";
import { runCli } from "../helpers/cli.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as MlsecError).code;
  }
  return "no error";
};

// A stand-in NER model: finds "Zaphod Beeblebrox" and reports code-point offsets, as Python does.
const MODEL = `
const lines = require("node:fs").readFileSync(0, "utf8").split("\\n").filter(Boolean);
for (const line of lines) {
  const cps = Array.from(JSON.parse(line).text);
  const text = cps.join("");
  const at = text.indexOf("Zaphod Beeblebrox");
  const start = at < 0 ? -1 : Array.from(text.slice(0, at)).length;
  const entities = at < 0 ? [] : [{ start, end: start + 17, label: "B-PER", score: 0.9 }];
  process.stdout.write(JSON.stringify({ entities }) + "\\n");
}`;

const dir = mkdtempSync(join(tmpdir(), "mlsec-ner-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, "model.cjs");
writeFileSync(model, MODEL);
const broken = join(dir, "broken.cjs");
writeFileSync(broken, 'process.stdout.write("not json\\n")');

describe("NER plug-in point", () => {
  it("maps labels, converts code-point offsets and competes with built-in recognizers", () => {
    const text = "😀 Zaphod Beeblebrox wrote to z@example.org";
    const ner = nerRecognizer(() => [
      { start: 2, end: 19, label: "B-PER", score: 0.95 },
      { start: 0, end: 1, label: "EMOJI" },
    ]);
    const found = analyze(text, { recognizers: [...DEFAULT_RECOGNIZERS, ner] });
    const person = found.find((f) => f.type === "PERSON");
    expect(person?.text).toBe("Zaphod Beeblebrox");
    expect(person?.start).toBe(2); // code points
    expect(found.some((f) => f.type === "EMAIL_ADDRESS")).toBe(true);
    const outside = nerRecognizer(() => [{ start: 5, end: 500, label: "PER" }]);
    expect(code(() => analyze(text, { recognizers: [outside] }))).toBe("E_PII_NER");
  });
  it("runs an external model once over many texts (JSON Lines)", () => {
    const answers = runNerCommand([process.execPath, model], ["no one", "é Zaphod Beeblebrox"]);
    expect(answers).toEqual([[], [{ start: 2, end: 19, label: "B-PER", score: 0.9 }]]);
    expect(code(() => runNerCommand([process.execPath, broken], ["x"]))).toBe("E_PII_NER");
    expect(code(() => runNerCommand([join(dir, "missing")], ["x"]))).toBe("E_PII_NER");
  });
  it("mlsec pii detect --ner-command adds the model's findings", () => {
    const r = runCli(
      [
        "--format",
        "json",
        "pii",
        "detect",
        "-",
        "--show-text",
        "--ner-command",
        `${process.execPath} ${model}`,
      ],
      { input: "🚀 Zaphod Beeblebrox lives here\n" },
    );
    expect(r.status).toBe(0);
    const findings = JSON.parse(r.stdout).results[0].findings;
    expect(findings).toContainEqual(
      expect.objectContaining({ type: "PERSON", start: 2, end: 19, text: "Zaphod Beeblebrox" }),
    );
  });
});
