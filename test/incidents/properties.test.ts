import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ATLAS_TECHNIQUES,
  Authenticator,
  decodeCursor,
  encodeCursor,
  exportBundle,
  type Incident,
  importBundle,
  prepareForSharing,
  TLP_LEVELS,
  tlpOf,
  tlpRank,
} from "../../src/incidents/index.js";
import { SAMPLE } from "./stix-helpers.js";

const techniques = [...ATLAS_TECHNIQUES.keys()];
const incidentArb = fc
  .record({
    n: fc.integer({ min: 1, max: 0xffffff }),
    tlp: fc.constantFrom(...TLP_LEVELS),
    techniques: fc.uniqueArray(fc.constantFrom(...techniques), { maxLength: 3 }),
    hashes: fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{64}$/), { maxLength: 2 }),
    reporter: fc.constantFrom("Acme", "Globex", undefined),
  })
  .map(
    ({ n, tlp, techniques, hashes, reporter }): Incident => ({
      ...SAMPLE,
      id: `incident--00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
      tlp,
      techniques,
      indicators: hashes.map((value) => ({ kind: "file-sha256" as const, value })),
      ...(reporter ? { reporter } : { reporter: undefined }),
    }),
  );

describe("properties", () => {
  it("sharing never lets an object above the allowed TLP out, and leaves no dangling reference", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(incidentArb, { maxLength: 5, selector: (i) => i.id }),
        fc.constantFrom(...TLP_LEVELS),
        (incidents, maxTlp) => {
          const { bundle } = prepareForSharing(exportBundle(incidents), { maxTlp });
          const ids = new Set(bundle.objects.map((o) => o.id));
          for (const o of bundle.objects) {
            if (o.type === "marking-definition") continue;
            expect(tlpRank(tlpOf(o.object_marking_refs) ?? "amber")).toBeLessThanOrEqual(
              tlpRank(maxTlp),
            );
            for (const k of ["source_ref", "target_ref", "sighting_of_ref", "created_by_ref"]) {
              if (typeof o[k] === "string") expect(ids.has(o[k] as string)).toBe(true);
            }
          }
          const shared = importBundle(bundle)
            .incidents.map((i) => i.id)
            .sort();
          const allowed = incidents
            .filter((i) => tlpRank(i.tlp) <= tlpRank(maxTlp))
            .map((i) => i.id)
            .sort();
          expect(shared).toEqual(allowed);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("pagination cursors round-trip and garbage never decodes", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
        fc.nat(),
        (d, seq) => {
          const ts = `${d.toISOString().slice(0, 19)}.123456Z`;
          expect(decodeCursor(encodeCursor(ts, seq))).toEqual([ts, seq]);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = decodeCursor(s);
        if (r !== undefined) expect(typeof r[0]).toBe("string");
      }),
    );
  });

  it("authentication accepts exactly the configured credentials", () => {
    const auth = new Authenticator([
      { name: "acme", token: "acme-token-0123456789abcdef", read: ["*"], write: [] },
    ]);
    expect(auth.authenticate("Bearer acme-token-0123456789abcdef")?.name).toBe("acme");
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
    expect(auth.authenticate(basic("acme", "acme-token-0123456789abcdef"))?.name).toBe("acme");
    expect(auth.authenticate(basic("globex", "acme-token-0123456789abcdef"))).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), (header) => {
        expect(auth.authenticate(header)).toBeUndefined();
      }),
    );
  });
});
