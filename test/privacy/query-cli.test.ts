// End-to-end: `mlsec privacy query` on a CSV with a SQLite ledger (run `npm run build` first).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("mlsec privacy query", () => {
  it("answers DP queries until the dataset's budget is spent", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlsec-privacy-"));
    const csv = join(dir, "people.csv");
    const rows = ["user,age,city"];
    for (let i = 0; i < 300; i++)
      rows.push(`u${i % 120},${20 + (i % 50)},${i % 3 === 0 ? "Paris" : "Lyon"}`);
    writeFileSync(csv, `${rows.join("\n")}\n`);
    const store = join(dir, "ledger.db");
    const base = ["privacy", "query", "--data", csv, "--store", store];

    const mean = runCli([
      "--format",
      "json",
      ...base,
      "--sql-like",
      "mean",
      "--column",
      "age",
      "--bounds",
      "0,100",
      "--epsilon",
      "0.6",
      "--privacy-unit",
      "user",
      "--max-contributions",
      "2",
      "--budget",
      "1",
    ]);
    expect(mean.status).toBe(0);
    const m = JSON.parse(mean.stdout);
    expect(m).toMatchObject({
      command: "privacy query",
      query: "mean",
      column: "age",
      epsilon: 0.6,
    });
    expect(m.dataset).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(m.value).toBeGreaterThanOrEqual(0);
    expect(m.value).toBeLessThanOrEqual(100);
    expect(m.budget).toEqual({ total: 1, spent: 0.6, remaining: 0.4, queries: 1 });

    const hist = runCli([
      ...base,
      "--sql-like",
      "histogram",
      "--column",
      "city",
      "--categories",
      "Paris,Lyon",
      "--epsilon",
      "0.4",
    ]);
    expect(hist.status).toBe(0);
    expect(hist.stdout).toMatch(
      /^histogram\(city\):\n {2}Paris +\d+\n {2}Lyon +\d+\nepsilon 0\.4; budget 1: spent 1 in 2 queries, 0 left/,
    );

    const grouped = runCli([
      "--format",
      "json",
      ...base.slice(0, 4),
      "--store",
      join(dir, "other.db"),
      "--sql-like",
      "count",
      "--epsilon",
      "0.5",
      "--budget",
      "1",
      "--group-by",
      "city",
      "--groups",
      "Paris,Lyon,Nice",
    ]);
    expect(grouped.status).toBe(0);
    const g = JSON.parse(grouped.stdout);
    expect(g.groupBy).toBe("city");
    expect(g.groups.map((x: { group: string }) => x.group)).toEqual(["Paris", "Lyon", "Nice"]);

    const refused = runCli([...base, "--sql-like", "count", "--epsilon", "0.01"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("error[E_PRIVACY_BUDGET_EXCEEDED]");
    expect(refused.stdout).toBe("");
  });

  it("rejects bad flags with exit 2", () => {
    const r = runCli([
      "privacy",
      "query",
      "--data",
      "x.csv",
      "--sql-like",
      "median",
      "--epsilon",
      "1",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_USAGE]: --sql-like");
    const b = runCli([
      "privacy",
      "query",
      "--data",
      "x.csv",
      "--sql-like",
      "sum",
      "--epsilon",
      "1",
      "--bounds",
      "5,1",
    ]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain("--bounds");
  });
});
