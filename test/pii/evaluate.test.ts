import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  analyze,
  evaluateSpans,
  fromPresidioDataset,
  mergeAdjacent,
  PRESIDIO_LABEL_MAP,
} from "../../src/pii/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";

describe("evaluateSpans", () => {
  it("counts matches by IoU, one-to-one, per type", () => {
    const data = [
      {
        text: "Ann Lee met Bob in Paris",
        spans: [
          { type: "PERSON", start: 0, end: 7 },
          { type: "PERSON", start: 12, end: 15 },
          { type: "GPE", start: 19, end: 24 },
        ],
      },
    ];
    const r = evaluateSpans(
      data,
      () => [
        { type: "PERSON", start: 0, end: 3 }, // IoU 3/7 < 0.5: false positive, Ann Lee missed
        { type: "PERSON", start: 12, end: 15 },
        { type: "LOCATION", start: 19, end: 24 },
        { type: "URL", start: 0, end: 2 }, // not a scored type: ignored
      ],
      { labelMap: PRESIDIO_LABEL_MAP },
    );
    expect(r.perType.PERSON).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
    });
    expect(r.perType.LOCATION).toMatchObject({ precision: 1, recall: 1, f1: 1, f2: 1 });
    expect(r.overall.precision).toBeCloseTo(2 / 3);
    expect(r.overall.recall).toBeCloseTo(2 / 3);
    expect(Object.keys(r.perType)).toEqual(["LOCATION", "PERSON"]);
  });

  it("merges whitespace-adjacent spans of one type only", () => {
    const chars = Array.from("5049 Harjukuja 54, X");
    const merged = mergeAdjacent(chars, [
      { type: "L", start: 0, end: 4 },
      { type: "L", start: 5, end: 17 },
      { type: "L", start: 19, end: 20 },
    ]);
    expect(merged).toEqual([
      { type: "L", start: 0, end: 17 },
      { type: "L", start: 19, end: 20 },
    ]);
  });

  const path = sharedDataPath("pii/synth_dataset_v2.json");
  it.skipIf(path === undefined)(
    `scores mlsec on Presidio's synth_dataset_v2${path === undefined ? ` (${SHARED_DATA_SKIP_REASON})` : ""}`,
    () => {
      const data = fromPresidioDataset(JSON.parse(readFileSync(path!, "utf8")));
      expect(data).toHaveLength(1500);
      const r = evaluateSpans(data, (t) => analyze(t), { labelMap: PRESIDIO_LABEL_MAP });
      // Every scored type of the benchmark is reported.
      expect(Object.keys(r.perType).sort()).toEqual(
        [
          "CREDIT_CARD",
          "DATE_TIME",
          "EMAIL_ADDRESS",
          "IBAN_CODE",
          "IP_ADDRESS",
          "LOCATION",
          "PERSON",
          "PHONE_NUMBER",
          "URL",
          "US_DRIVER_LICENSE",
          "US_SSN",
        ].sort(),
      );
      const gold = Object.values(r.perType).reduce(
        (n, s) => n + s.truePositives + s.falseNegatives,
        0,
      );
      expect(gold).toBeGreaterThan(2000);
      // Checksum types are exact on this data; overall F2 beats Presidio's default spaCy engine
      // (0.618, the published number on the same file).
      for (const t of ["CREDIT_CARD", "IBAN_CODE", "EMAIL_ADDRESS", "US_SSN", "IP_ADDRESS"]) {
        expect(r.perType[t].f1).toBeGreaterThan(0.95);
      }
      expect(r.overall.f2).toBeGreaterThan(0.618);
    },
  );
});
