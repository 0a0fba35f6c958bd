import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadLabelledData } from "../../src/data/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-labelled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("labelled tabular data from CSV", () => {
  it("takes the label column out of the features and keeps the header as names", async () => {
    const d = await loadLabelledData(csv("a.csv", "age,income,label\n31,1200.5,1\n45,980,0\n"));
    expect(d.featureNames).toEqual(["age", "income"]);
    expect(d.x.shape).toEqual([2, 2]);
    expect(Array.from(d.x.data)).toEqual([31, 1200.5, 45, 980]);
    expect(Array.from(d.y)).toEqual([1, 0]);
  });

  it("maps string labels to sorted class indices and honours --label-column", async () => {
    const d = await loadLabelledData(csv("b.csv", "outcome,f\nyes,1\nno,2\nyes,3\n"), {
      labelColumn: "outcome",
    });
    expect(Array.from(d.y)).toEqual([1, 0, 1]);
    expect(d.classNames).toEqual(["no", "yes"]);
    expect(d.featureNames).toEqual(["f"]);
  });

  it("reads unlabelled files, and names what is wrong in bad ones", async () => {
    const d = await loadLabelledData(csv("c.csv", "f1,f2\n1,2\n"));
    expect(d.y).toHaveLength(0);
    await expect(
      loadLabelledData(csv("d.csv", "f1,f2\n1,2\n"), { labelColumn: "nope" }),
    ).rejects.toMatchObject({ code: "E_DATA_MISSING_ARRAY" });
    await expect(loadLabelledData(csv("e.csv", "f1,label\nabc,1\n"))).rejects.toMatchObject({
      code: "E_DTYPE",
    });
    await expect(loadLabelledData(csv("f.csv", "f1,label\n"))).rejects.toMatchObject({
      code: "E_DATA_FORMAT",
    });
  });
});
