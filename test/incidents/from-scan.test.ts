import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { incidentsFromScan, parseScanJson } from "../../src/incidents/index.js";
import { runCli } from "../helpers/cli.js";

// pickle.dumps(P(), protocol=2) where P.__reduce__ returns (os.system, ("echo pwned",)),
// written by CPython 3 on Linux (hence `posix`). Never loaded: only scanned.
const EVIL = Buffer.from(
  "800263706f7369780a73797374656d0a7100580a0000006563686f2070776e656471018571025271032e",
  "hex",
);
const dir = mkdtempSync(join(tmpdir(), "mlsec-from-scan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scanJson = (files: unknown[]) => JSON.stringify({ schemaVersion: 1, command: "scan", files });
const file = (path: string, verdict: string, severity = "critical") => ({
  path,
  format: "pickle",
  verdict,
  size: 10,
  callables: [],
  skipped: false,
  findings: [
    {
      ruleId: "pickle.import.denied",
      severity,
      message: "imports posix.system",
      location: {},
      callable: "posix.system",
    },
  ],
});

describe("scan results as incidents", () => {
  it("makes one deterministic incident per malicious file, with its hash as indicator", async () => {
    const scan = parseScanJson(
      scanJson([
        file("a.pkl", "malicious"),
        file("b.pkl", "suspicious", "medium"),
        file("c.onnx", "safe"),
      ]),
    );
    const hash = async (p: string) => createHash("sha256").update(p).digest("hex");
    const [a, ...rest] = await incidentsFromScan(scan, { hash });
    expect(rest).toEqual([]);
    expect(a!.input).toMatchObject({
      title: "Malicious model file a.pkl",
      severity: "critical",
      techniques: ["AML.T0010.003", "AML.T0011.000"],
      indicators: [{ kind: "file-sha256", value: await hash("a.pkl") }],
      mitigations: ["AML.M0014"],
    });
    expect((await incidentsFromScan(scan, { hash }))[0]!.id).toBe(a!.id);
    const both = await incidentsFromScan(scan, { hash, includeSuspicious: true });
    expect(both.map((i) => i.input.severity)).toEqual(["critical", "medium"]);
  });

  it("reads the scan section of `mlsec audit` JSON as one scanned file", async () => {
    const model = join(dir, "audited.onnx");
    writeFileSync(model, "0123456789");
    const audit = (verdict: string) =>
      JSON.stringify({
        schemaVersion: 1,
        command: "audit",
        model,
        score: 40,
        findings: [],
        sections: { scan: { verdict, format: "onnx", findings: [file("x", verdict).findings[0]] } },
      });
    const [incident, ...rest] = await incidentsFromScan(parseScanJson(audit("malicious")));
    expect(rest).toEqual([]);
    const sha = createHash("sha256").update("0123456789").digest("hex");
    expect(incident!.input).toMatchObject({
      title: "Malicious model file audited.onnx",
      detectionSource: "mlsec audit",
      indicators: [{ kind: "file-sha256", value: sha }],
    });
    expect(incident!.input.description).toContain("(10 bytes)");
    expect(await incidentsFromScan(parseScanJson(audit("safe")))).toEqual([]);
    const noScan = JSON.stringify({ schemaVersion: 1, command: "audit", model, sections: {} });
    expect(parseScanJson(noScan).files).toEqual([]);
  });

  it("rejects anything that is not scan JSON, never crashing", () => {
    expect(() => parseScanJson('{"schemaVersion":1,"command":"pii"}')).toThrow(
      /mlsec --format json scan/,
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        try {
          parseScanJson(JSON.stringify(v));
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^E_/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("mlsec incident import-scan records what mlsec scan found (built binary)", {
    timeout: 300_000,
  }, () => {
    const pkl = join(dir, "evil.pkl");
    writeFileSync(pkl, EVIL);
    const scan = runCli(["--format", "json", "scan", pkl]);
    expect(scan.status).toBe(1);
    const out = join(dir, "scan.json");
    writeFileSync(out, scan.stdout);
    const store = join(dir, "s.db");
    const r = runCli(["--format", "json", "incident", "import-scan", out, "--store", store]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.created).toHaveLength(1);
    const shown = JSON.parse(
      runCli(["--format", "json", "incident", "show", doc.created[0].id, "--store", store]).stdout,
    );
    const sha = createHash("sha256").update(EVIL).digest("hex");
    expect(shown.incident.indicators[0]).toMatchObject({ kind: "file-sha256", value: sha });
    const again = JSON.parse(
      runCli(["--format", "json", "incident", "import-scan", out, "--store", store]).stdout,
    );
    expect(again).toMatchObject({ created: [], alreadyRecorded: [doc.created[0].id] });
  });
});
