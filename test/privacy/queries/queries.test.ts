import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import {
  boundContributions,
  dpCount,
  dpMean,
  dpQuantile,
  dpSum,
  numericBins,
  runQuery,
  seededRandom,
} from "../../../src/privacy/index.js";
import { mean, variance } from "../mechanisms/stats.js";

describe("contribution bounding", () => {
  it("keeps at most k rows per unit and every row of units under k", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (units, k, seed) => {
          const rows = units.map((u, i) => ({ u: String(u), i }));
          const kept = boundContributions(rows, (r) => r.u, k, createRng(seed));
          const per = new Map<string, number>();
          for (const r of kept) per.set(r.u, (per.get(r.u) ?? 0) + 1);
          for (const [u, n] of per) {
            expect(n).toBe(Math.min(k, units.filter((x) => String(x) === u).length));
          }
          // Order is preserved.
          expect(kept.map((r) => r.i)).toEqual([...kept.map((r) => r.i)].sort((a, b) => a - b));
        },
      ),
    );
  });
});

describe("DP aggregates", () => {
  const rs = () => seededRandom(createRng(21));

  it("count noise is unbiased with the discrete Laplace variance", () => {
    const r = rs();
    const xs = Array.from({ length: 4000 }, () =>
      dpCount(100, { epsilon: 0.5, maxContributions: 1 }, r),
    );
    const e = Math.exp(-0.5);
    expect(Math.abs(mean(xs) - 100)).toBeLessThan(0.25);
    expect(Math.abs(variance(xs) / ((2 * e) / (1 - e) ** 2) - 1)).toBeLessThan(0.1);
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  it("sum and mean clamp to the bounds and are accurate at a large epsilon", () => {
    const values = [1, 2, 3, 4, 100];
    const p = { epsilon: 1000, maxContributions: 1, lower: 0, upper: 10 };
    expect(dpSum(values, p, rs())).toBeCloseTo(20, 0);
    expect(dpMean(values, p, rs())).toBeCloseTo(4, 0);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 30 }),
        (vs) => {
          const m = dpMean(vs, { epsilon: 0.1, maxContributions: 2, lower: -5, upper: 5 }, rs());
          expect(m).toBeGreaterThanOrEqual(-5);
          expect(m).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("the quantile lands near the true median at a large epsilon and inside the bounds", () => {
    const values = Array.from({ length: 999 }, (_, i) => i / 10);
    const q = dpQuantile(
      values,
      { quantile: 0.5, epsilon: 50, maxContributions: 1, lower: 0, upper: 100, grid: 1001 },
      rs(),
    );
    expect(Math.abs(q - 49.9)).toBeLessThan(1);
    const low = dpQuantile(
      [5],
      { quantile: 0.9, epsilon: 0.01, maxContributions: 1, lower: -1, upper: 1 },
      rs(),
    );
    expect(Math.abs(low)).toBeLessThanOrEqual(1);
  });

  it("numeric bins cover the bounds with the last bin closed", () => {
    const { labels, binOf } = numericBins(0, 10, 5);
    expect(labels).toEqual(["[0, 2)", "[2, 4)", "[4, 6)", "[6, 8)", "[8, 10]"]);
    expect(binOf(0)).toBe("[0, 2)");
    expect(binOf(10)).toBe("[8, 10]");
    expect(binOf(-3)).toBe("[0, 2)");
  });
});

describe("runQuery", () => {
  const table = {
    columns: ["user", "x", "city"],
    rows: [
      { user: "a", x: 1, city: "P" },
      { user: "a", x: 2, city: "P" },
      { user: "a", x: 3, city: "L" },
      { user: "b", x: null, city: "L" },
      { user: "c", x: 5, city: "P" },
    ],
  };
  const run = (spec: Parameters<typeof runQuery>[1]) =>
    runQuery(table, spec, createRng(1), seededRandom(createRng(2)));

  it("answers each kind and bounds contributions per unit", () => {
    const count = run({
      kind: "count",
      column: "x",
      epsilon: 1000,
      privacyUnit: "user",
      maxContributions: 1,
    });
    expect(count).toEqual({ kind: "count", value: 2 }); // a (1 row kept) and c; b's x is empty
    const hist = run({
      kind: "histogram",
      column: "city",
      categories: ["P", "L", "Q"],
      epsilon: 1000,
    });
    expect(hist.kind === "histogram" && hist.bins.map((b) => b.count)).toEqual([3, 2, 0]);
    const sum = run({ kind: "sum", column: "x", bounds: [0, 10], epsilon: 1000 });
    expect("value" in sum && Math.round(sum.value)).toBe(11);
    const numeric = run({
      kind: "histogram",
      column: "x",
      bounds: [0, 10],
      bins: 2,
      epsilon: 1000,
    });
    expect(numeric.kind === "histogram" && numeric.bins.map((b) => b.count)).toEqual([3, 1]);
  });

  it("groups by a public list of groups, dropping the others", () => {
    const byCity = run({
      kind: "count",
      epsilon: 1000,
      groupBy: "city",
      groups: ["P", "L", "Z"],
      privacyUnit: "user",
      maxContributions: 3,
    });
    expect("groups" in byCity && byCity.groups).toEqual([
      { group: "P", value: 3 },
      { group: "L", value: 2 },
      { group: "Z", value: 0 },
    ]);
    const mean = run({
      kind: "mean",
      column: "x",
      bounds: [0, 10],
      epsilon: 1000,
      groupBy: "city",
      groups: ["P"],
    });
    expect("groups" in mean && Math.round(mean.groups[0].value)).toBe(3); // (1 + 2 + 5) / 3
    expect(() => run({ kind: "count", epsilon: 1, groupBy: "city" })).toThrow(/--groups/);
    expect(() => run({ kind: "count", epsilon: 1, groupBy: "city", groups: ["P", "P"] })).toThrow(
      /distinct/,
    );
    expect(() =>
      run({
        kind: "histogram",
        column: "city",
        categories: ["P"],
        epsilon: 1,
        groupBy: "city",
        groups: ["P"],
      }),
    ).toThrow(/no --group-by/);
  });

  it("rejects unknown columns, missing bounds and text in numeric columns", () => {
    expect(() => run({ kind: "sum", column: "nope", bounds: [0, 1], epsilon: 1 })).toThrow(
      /no column "nope"/,
    );
    expect(() => run({ kind: "mean", column: "x", epsilon: 1 })).toThrow(/--bounds/);
    expect(() => run({ kind: "sum", column: "city", bounds: [0, 1], epsilon: 1 })).toThrow(
      /non-number/,
    );
    expect(() => run({ kind: "count", epsilon: 0 })).toThrow(/epsilon/);
  });
});
