import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MlsecError } from "../../src/core/index.js";
import {
  anonymizeTable,
  buildSensitive,
  ClassChecker,
  measureTable,
  parseTreeHierarchy,
} from "../../src/pii/index.js";
import { buildDomain, generalizeRange } from "../../src/pii/tabular/domain.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as MlsecError).code;
  }
  return "no error";
};

describe("t-closeness EMD (known answers from Li, Li and Venkatasubramanian 2007, §4)", () => {
  // Salaries 3k…11k, one record each; the paper's classes {3k,4k,5k} and {6k,8k,11k}.
  const salaries = ["3", "4", "5", "6", "7", "8", "9", "10", "11"];
  const sensitive = buildSensitive("salary", salaries);
  const checker = new ClassChecker({ k: 1, t: 1 }, sensitive);
  it("ordered distance", () => {
    expect(checker.measure(Int32Array.from([0, 1, 2])).emd).toBeCloseTo(0.375, 6);
    expect(checker.measure(Int32Array.from([3, 5, 8])).emd).toBeCloseTo(0.1667, 4);
    expect(checker.measure(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8])).emd).toBeCloseTo(0, 9);
  });
  it("equal distance for categorical values: half the L1 distance", () => {
    const cat = buildSensitive("d", ["flu", "flu", "hiv", "cancer"]);
    const c = new ClassChecker({ k: 1, t: 1 }, cat);
    // class {flu, flu} vs table {flu .5, hiv .25, cancer .25}: (0.5 + 0.25 + 0.25) / 2
    expect(c.measure(Int32Array.from([0, 1])).emd).toBeCloseTo(0.5, 9);
  });
  it("distinct and entropy l-diversity", () => {
    const cat = buildSensitive("d", ["a", "a", "b", "c"]);
    const c = new ClassChecker({ k: 1, l: 3, lKind: "entropy" }, cat);
    const m = c.measure(Int32Array.from([0, 1, 2, 3]));
    expect(m.distinct).toBe(3);
    expect(m.entropy).toBeCloseTo(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)), 9);
    expect(c.satisfies(Int32Array.from([0, 1, 2, 3]))).toBe(false); // exp(H) ≈ 2.83 < 3
    expect(new ClassChecker({ k: 1, l: 3 }, cat).satisfies(Int32Array.from([0, 1, 2, 3]))).toBe(
      true,
    );
  });
});

/** A small table with a seeded generator (no Math.random in tests). */
function table(n: number, seed: number): string[][] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const rows = [["name", "age", "zip", "sex", "born", "diagnosis"]];
  const diagnoses = ["flu", "cancer", "asthma", "hiv", "diabetes"];
  for (let i = 0; i < n; i++) {
    rows.push([
      `person ${i}`,
      String(18 + Math.floor(next() * 60)),
      `4${Math.floor(next() * 10)}${Math.floor(next() * 10)}0${Math.floor(next() * 10)}`,
      next() < 0.5 ? "F" : "M",
      `19${50 + Math.floor(next() * 50)}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`,
      diagnoses[Math.floor(next() * diagnoses.length)],
    ]);
  }
  return rows;
}

function classesOf(out: string[][], quasi: number[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  out.slice(1).forEach((r, i) => {
    const key = JSON.stringify(quasi.map((q) => r[q]));
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return groups;
}

describe("Mondrian k-anonymity, l-diversity, t-closeness", () => {
  const quasi = ["age", "zip", "sex", "born"];
  it("every published class has >= k rows, >= l diagnoses and EMD <= t; values stay inside", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 200 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 2, max: 6 }),
        (n, seed, k) => {
          const input = table(n, seed);
          const { records, report } = anonymizeTable(input, {
            quasi,
            sensitive: "diagnosis",
            model: { k, l: 2, t: 0.6 },
            domains: { zip: { kind: "prefix" } },
            drop: ["name"],
          });
          expect(records[0]).toEqual(["age", "zip", "sex", "born", "diagnosis"]);
          expect(records).toHaveLength(n + 1);
          const groups = classesOf(records, [0, 1, 2, 3]);
          for (const rows of groups.values()) {
            expect(rows.length).toBeGreaterThanOrEqual(k);
            expect(new Set(rows.map((r) => records[r + 1][4])).size).toBeGreaterThanOrEqual(2);
          }
          // Each generalized age range contains the true age; zip masks keep the true prefix.
          records.slice(1).forEach((r, i) => {
            const age = Number(input[i + 1][1]);
            const m = /^\[(\d+), (\d+)\]$/.exec(r[0]);
            if (m) expect(age >= Number(m[1]) && age <= Number(m[2])).toBe(true);
            else expect(r[0]).toBe(String(age));
            const prefix = r[1].replace(/\*+$/, "");
            expect(input[i + 1][2].startsWith(prefix)).toBe(true);
          });
          expect(report.satisfied).toBe(true);
          expect(report.achieved.k).toBeGreaterThanOrEqual(k);
          expect(report.achieved.t!).toBeLessThanOrEqual(0.6 + 1e-9);
          expect(report.risk.prosecutor.highest).toBeLessThanOrEqual(1 / k + 1e-12);
          expect(report.informationLoss.ncp).toBeGreaterThanOrEqual(0);
          expect(report.informationLoss.ncp).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 25 },
    );
  });
  it("measure: an identifying table has k = 1 and prosecutor risk 1", () => {
    const r = measureTable(table(50, 7), { quasi: ["name"], model: { k: 2 } });
    expect(r.achieved.k).toBe(1);
    expect(r.satisfied).toBe(false);
    expect(r.risk.prosecutor.highest).toBe(1);
    expect(r.risk.marketer).toBe(1);
  });
  it("k larger than the data, impossible l, bad columns and ragged rows are typed errors", () => {
    const t = table(20, 3);
    expect(code(() => anonymizeTable(t, { quasi, model: { k: 21 } }))).toBe("E_PII_ANONYMITY");
    expect(
      code(() => anonymizeTable(t, { quasi, sensitive: "diagnosis", model: { k: 2, l: 9 } })),
    ).toBe("E_PII_ANONYMITY");
    expect(code(() => anonymizeTable(t, { quasi: ["nope"], model: { k: 2 } }))).toBe("E_USAGE");
    expect(code(() => anonymizeTable(t, { quasi, model: { k: 2, l: 2 } }))).toBe("E_USAGE");
    const ragged = [...t, ["x", "1"]];
    expect(code(() => anonymizeTable(ragged, { quasi, model: { k: 2 } }))).toBe("E_DATA_FORMAT");
    const badDate = t.map((r, i) => (i === 3 ? [...r.slice(0, 4), "1999-02-30", r[5]] : r));
    expect(
      code(() =>
        anonymizeTable(badDate, { quasi, model: { k: 2 }, domains: { born: { kind: "date" } } }),
      ),
    ).toBe("E_DATA_FORMAT");
  });
});

describe("generalization and its NCP", () => {
  it("prefix masks charge for every domain value they admit; trees for the leaves below", () => {
    const zip = buildDomain("zip", ["02110", "02111", "02120", "03000"], { kind: "prefix" });
    expect(generalizeRange(zip, 0, 1)).toEqual({ text: "0211*", penalty: 1 / 3 });
    expect(generalizeRange(zip, 0, 2)).toEqual({ text: "021**", penalty: 2 / 3 });
    expect(generalizeRange(zip, 3, 3)).toEqual({ text: "03000", penalty: 0 });
    const tree = parseTreeHierarchy([
      ["flu", "respiratory", "*"],
      ["asthma", "respiratory", "*"],
      ["hiv", "chronic", "*"],
    ]);
    const cond = buildDomain("c", ["flu", "hiv", "asthma"], { tree });
    expect(cond.values).toEqual(["hiv", "asthma", "flu"]); // siblings adjacent
    expect(generalizeRange(cond, 1, 2)).toEqual({ text: "respiratory", penalty: 0.5 });
    expect(generalizeRange(cond, 0, 2)).toEqual({ text: "*", penalty: 1 });
    const age = buildDomain("age", ["20", "30", "60"]);
    expect(generalizeRange(age, 20, 30)).toEqual({ text: "[20, 30]", penalty: 0.25 });
    const born = buildDomain("born", ["2020-01-05", "2020-01-20", "2021-01-01"]);
    expect(born.kind).toBe("date");
    expect(generalizeRange(born, born.min, born.ordinal[1]).text).toBe("2020-01");
  });
});

describe("lattice search", () => {
  const tree = parseTreeHierarchy([
    ["flu", "respiratory", "*"],
    ["asthma", "respiratory", "*"],
    ["cancer", "chronic", "*"],
    ["diabetes", "chronic", "*"],
    ["hiv", "chronic", "*"],
  ]);
  it("finds the least-loss node; a user tree generalizes to its ancestors", () => {
    const rows = [
      ["age", "condition", "salary"],
      ["31", "flu", "3"],
      ["32", "asthma", "4"],
      ["33", "flu", "5"],
      ["34", "asthma", "6"],
      ["51", "cancer", "7"],
      ["52", "diabetes", "8"],
      ["53", "hiv", "9"],
      ["54", "cancer", "10"],
    ];
    const { records, report } = anonymizeTable(rows, {
      quasi: ["age", "condition"],
      model: { k: 4 },
      algorithm: "lattice",
      maxSuppression: 0,
      domains: { condition: { tree } },
    });
    expect(report.suppressed).toBe(0);
    expect(report.achieved.k).toBe(4);
    // Exact ages and conditions fail; the two natural groups survive at the tree's middle level.
    expect(records.slice(1).map((r) => r[1])).toEqual([
      ...Array(4).fill("respiratory"),
      ...Array(4).fill("chronic"),
    ]);
    // Every pair of levels was evaluated (ages exact … "*", conditions leaf, parent, "*").
    expect(report.lattice!.nodes).toBeGreaterThan(4);
  });
  it("suppresses outliers within the budget instead of generalizing everyone", () => {
    const rows = [["age", "sex"]];
    for (let i = 0; i < 20; i++) rows.push(["30", i % 2 === 0 ? "F" : "M"]);
    rows.push(["99", "F"]);
    const { records, report } = anonymizeTable(rows, {
      quasi: ["age", "sex"],
      model: { k: 5 },
      algorithm: "lattice",
      maxSuppression: 0.1,
    });
    expect(report.suppressed).toBe(1);
    expect(records[21]).toEqual(["*", "*"]);
    expect(records[1]).toEqual(["30", "F"]);
    expect(
      code(() =>
        anonymizeTable(rows, {
          quasi: ["age", "sex"],
          model: { k: 11 },
          algorithm: "lattice",
          maxSuppression: 0,
        }),
      ),
    ).toBe("no error");
  });
  it("rejects malformed hierarchy files", () => {
    expect(code(() => parseTreeHierarchy([["a"]]))).toBe("E_PII_CONFIG");
    expect(
      code(() =>
        parseTreeHierarchy([
          ["a", "x", "*"],
          ["b", "*"],
        ]),
      ),
    ).toBe("E_PII_CONFIG");
    expect(
      code(() =>
        parseTreeHierarchy([
          ["a", "*"],
          ["a", "*"],
        ]),
      ),
    ).toBe("E_PII_CONFIG");
  });
});
