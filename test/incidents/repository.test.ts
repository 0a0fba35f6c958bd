import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ATLAS_TECHNIQUES, IncidentRepository } from "../../src/incidents/index.js";
import { BACKENDS, type TestStore } from "../store/backends.js";

const SHA = "9f86d081884c7d659a2feae0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`incident repository: ${backend.name}`, () => {
    let t: TestStore;
    let repo: IncidentRepository;
    let clock: number;
    beforeEach(async () => {
      t = await backend.open();
      clock = Date.parse("2026-03-01T10:00:00.000Z");
      // A frozen clock: updates within the same millisecond must still move `modified` forward.
      repo = await IncidentRepository.open(t.store, () => new Date(clock));
    });
    afterEach(async () => {
      await t.dispose();
    });

    it("creates, reads and lists incidents with defaults filled in", async () => {
      const a = await repo.create({
        title: "Backdoored classifier",
        techniques: ["AML.T0018"],
        indicators: [{ kind: "file-sha256", value: SHA.toUpperCase() }],
        models: [{ name: "fraud", version: "3" }],
      });
      expect(a).toMatchObject({ status: "open", severity: "medium", tlp: "amber" });
      expect(a.id).toMatch(/^incident--[0-9a-f-]{36}$/);
      expect(a.indicators[0]?.value).toBe(SHA);
      expect(await repo.get(a.id)).toEqual(a);
      clock += 1000;
      const b = await repo.create({
        title: "Model theft via API",
        tlp: "red",
        status: "investigating",
      });
      expect((await repo.list()).map((i) => i.id)).toEqual([b.id, a.id]);
      expect((await repo.list({ status: "open" })).map((i) => i.id)).toEqual([a.id]);
      expect((await repo.list({ maxTlp: "amber" })).map((i) => i.id)).toEqual([a.id]);
      expect(await repo.list({ limit: 1 })).toHaveLength(1);
    });

    it("updates fields, appends lists without duplicates and bumps modified strictly", async () => {
      const a = await repo.create({ title: "t", techniques: ["AML.T0018"], severity: "high" });
      const u = await repo.update(a.id, {
        status: "contained",
        addTechniques: ["AML.T0018", "AML.T0043"],
        addMitigations: ["AML.M0014", "retrained from a clean snapshot"],
      });
      expect(u.severity).toBe("high");
      expect(u.techniques).toEqual(["AML.T0018", "AML.T0043"]);
      expect(u.mitigations).toEqual(["AML.M0014", "retrained from a clean snapshot"]);
      expect(Date.parse(u.modified)).toBeGreaterThan(Date.parse(a.modified));
      const c = await repo.close(a.id, "patched");
      expect(c).toMatchObject({ status: "closed", impact: "Resolution: patched" });
      expect(c.closedAt).toBe(c.modified);
      expect(Date.parse(c.modified)).toBeGreaterThan(Date.parse(u.modified));
      const reopened = await repo.update(a.id, { status: "open" });
      expect(reopened.closedAt).toBeUndefined();
    });

    it("rejects bad input with every issue listed, and unknown IDs with E_NOT_FOUND", async () => {
      await expect(
        repo.create({
          title: "",
          techniques: ["AML.T9999"],
          indicators: [{ kind: "file-sha256", value: "xyz" }],
        }),
      ).rejects.toMatchObject({
        code: "E_INVALID_ARGUMENT",
        details: { issues: expect.any(Array) },
      });
      await expect(
        repo.get("incident--00000000-0000-4000-8000-000000000000"),
      ).rejects.toMatchObject({ code: "E_NOT_FOUND" });
      await expect(repo.update("incident--x", { title: "y" })).rejects.toMatchObject({
        code: "E_NOT_FOUND",
      });
    });

    it("round-trips arbitrary valid records", async () => {
      const techniques = [...ATLAS_TECHNIQUES.keys()];
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            title: fc
              .string({ minLength: 1, maxLength: 60 })
              .filter((s) => s.trim() === s && s !== ""),
            description: fc.option(
              fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() === s && s !== ""),
              { nil: undefined },
            ),
            techniques: fc.uniqueArray(fc.constantFrom(...techniques), { maxLength: 5 }),
            tlp: fc.constantFrom("clear", "green", "amber", "amber+strict", "red" as const),
          }),
          async (input) => {
            const created = await repo.create(input);
            expect(await repo.get(created.id)).toEqual(created);
          },
        ),
        { numRuns: 20 },
      );
    });
  });
}
