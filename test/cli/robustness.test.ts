import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const CNN = "examples/models/digits-cnn.onnx";
const TEST = "examples/data/digits-test.npz";
const dir = mkdtempSync(join(tmpdir(), "mlsec-robustness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec robustness", () => {
  it("sweeps attacks over budgets into a table, a worst-case curve and an HTML chart", () => {
    const out = join(dir, "report.html");
    const r = runCli([
      "robustness",
      CNN,
      "--data",
      TEST,
      "--attacks",
      "fgsm,square",
      "--eps",
      "0.3,0.1",
      "--max-queries",
      "200",
      "--limit",
      "16",
      "--out",
      out,
      "--clever",
      "1",
      "--format",
      "json",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.schemaVersion).toBe(1);
    expect(result.command).toBe("robustness");
    expect(result.n).toBe(16);
    expect(
      result.points.map((p: { attack: string; eps: number }) => `${p.attack}@${p.eps}`),
    ).toEqual(["fgsm@0.1", "fgsm@0.3", "square@0.1", "square@0.3"]);
    expect(result.worstCase.map((w: { eps: number }) => w.eps)).toEqual([0.1, 0.3]);
    for (const w of result.worstCase) {
      for (const p of result.points.filter((q: { eps: number }) => q.eps === w.eps)) {
        expect(w.robustAccuracy).toBeLessThanOrEqual(p.robustAccuracy);
      }
    }
    // More budget never helps the model.
    expect(result.worstCase[1].robustAccuracy).toBeLessThanOrEqual(
      result.worstCase[0].robustAccuracy,
    );
    expect(result.empiricalRobustness).toBeGreaterThan(0);
    expect(result.clever.scores).toHaveLength(1);
    expect(result.clever.radius).toBe(0.3);
    expect(result.clever.scores[0]).toBeGreaterThan(0);
    expect(result.clever.scores[0]).toBeLessThanOrEqual(0.3);
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/<svg[^>]*>/);
    // One Vega line mark per curve: fgsm, square and the worst case.
    expect(html.match(/class="mark-line role-mark/g)?.length).toBe(3);
    expect(html).toContain(">worst case</text>");
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("rejects an unknown attack or a bad budget with exit 2 and writes no report", () => {
    const out = join(dir, "never.html");
    for (const args of [
      ["--attacks", "fgsm,nope", "--eps", "0.1"],
      ["--attacks", "fgsm", "--eps", "0.1,-1"],
      ["--attacks", "square", "--eps", "2"],
    ]) {
      const r = runCli(["robustness", CNN, "--data", TEST, "--limit", "4", "--out", out, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error\[E_(USAGE|INVALID_ARGUMENT)\]/m);
      expect(existsSync(out)).toBe(false);
    }
  });
});
